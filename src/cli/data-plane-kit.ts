/**
 * What the data-plane commands share: `--top` and paging through the dashboard API's key-set
 * pages (at most 500 a page) up to it, and payloads shown decoded from the JSON text they are
 * stored as.
 */
import { compact } from '../lib/compact.ts';
import { single, UsageError, type FlagSpec, type FlagValues } from './cli-args.ts';
import { f } from './control-commands.ts';

/** The dashboard API's largest page (and largest purge batch). */
export const PAGE_MAX = 500;
export const TOP_DEFAULT = 100;
const TOP_MAX = 1_000_000;
/** Pages while purging by filter: as many as there are. */
export const ALL = TOP_MAX;

export function topFlag(what: string): FlagSpec {
  return f('top', ['--top'], `the most ${what} to list (1-${TOP_MAX}, default ${TOP_DEFAULT})`);
}

export function topOf(v: FlagValues): number {
  const text = single(v, 'top');
  if (text === undefined) return TOP_DEFAULT;
  const top = Number(text);
  if (!Number.isInteger(top) || top < 1 || top > TOP_MAX) throw new UsageError(`argument --top: '${text}' is not an integer from 1 to ${TOP_MAX}`);
  return top;
}

export interface Page<T> {
  items: T[];
  continuationToken: string | null;
}

/** Fetches pages until `top` items or the last page; `onPage` sees each page as it arrives. */
export async function collectPages<T>(top: number, fetch: (pagination: { count: number; continuationToken?: string }) => Promise<Page<T>>, onPage?: (items: T[]) => Promise<void>): Promise<T[]> {
  const found: T[] = [];
  let token: string | null = null;
  do {
    const page: Page<T> = await fetch(compact({ count: Math.min(PAGE_MAX, top - found.length), continuationToken: token ?? undefined }));
    await onPage?.(page.items);
    found.push(...page.items);
    token = page.continuationToken;
  } while (token !== null && found.length < top);
  return found;
}

/** Stored payloads are JSON text; shown decoded, or as stored when they are not JSON. */
export function decodePayload(payload: unknown): unknown {
  if (typeof payload !== 'string') return payload;
  try {
    return JSON.parse(payload) as unknown;
  } catch {
    return payload;
  }
}
