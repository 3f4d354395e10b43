/**
 * A scheduler's IP allowlist as a node:net BlockList: IPv4 and IPv6 addresses and CIDR ranges;
 * an empty list admits nobody. IPv4-mapped IPv6 peers (::ffff:a.b.c.d) are checked as IPv4.
 */
import { BlockList, isIPv4, isIPv6 } from 'node:net';

export function compileAllowlist(entries: readonly string[]): BlockList {
  const list = new BlockList();
  for (const raw of entries) {
    const entry = raw.trim();
    const [address, bits] = entry.split('/') as [string, string | undefined];
    const type = isIPv4(address) ? 'ipv4' : isIPv6(address) ? 'ipv6' : undefined;
    if (type === undefined) continue; // validated on write; an unreadable entry admits nobody
    if (bits === undefined) list.addAddress(address, type);
    else list.addSubnet(address, Number(bits), type);
  }
  return list;
}

/** Decisions per compiled list: a list never changes (a refresh compiles a new one), peers repeat. */
const decisions = new WeakMap<BlockList, Map<string, boolean>>();
const DECISIONS_MAX = 4096;

export function admits(list: BlockList, address: string): boolean {
  let known = decisions.get(list);
  if (known === undefined) decisions.set(list, (known = new Map()));
  let admitted = known.get(address);
  if (admitted === undefined) {
    admitted = check(list, address);
    if (known.size >= DECISIONS_MAX) known.clear();
    known.set(address, admitted);
  }
  return admitted;
}

function check(list: BlockList, address: string): boolean {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped !== null) return list.check(mapped[1] as string, 'ipv4') || list.check(address, 'ipv6');
  if (isIPv4(address)) return list.check(address, 'ipv4');
  if (isIPv6(address)) return list.check(address, 'ipv6');
  return false;
}

/** The address of a grpc-js peer string, which is always `address:port` (`::1:567` for IPv6). */
export function grpcPeerAddress(peer: string): string {
  const value = peer.startsWith('ipv4:') || peer.startsWith('ipv6:') ? peer.slice(5) : peer;
  if (value.startsWith('[')) {
    const bracket = /^\[([^\]]+)\](?::\d+)?$/.exec(value);
    if (bracket !== null) return bracket[1] as string;
  }
  // Every call passes here: the port is found without a regular expression and a slice of it.
  const colon = value.lastIndexOf(':');
  return colon > 0 && isDigits(value, colon + 1) ? value.slice(0, colon) : value;
}

/** True when `value` from `start` on is one or more ASCII digits. */
function isDigits(value: string, start: number): boolean {
  if (start >= value.length) return false;
  for (let i = start; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c < 0x30 || c > 0x39) return false;
  }
  return true;
}
