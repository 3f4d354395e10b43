/**
 * Flag parsing for the control-plane commands, az style: long and short names, a flag may take
 * several values (`--tags a=1 b=2`), `--flag=value` works, and unknown flags are refused with the
 * closest known flag ("did you mean") and the command's help hint.
 */
import { closestMatch } from '../lib/closest-match.ts';

export interface FlagSpec {
  /** Canonical key, e.g. 'resource-group'. */
  key: string;
  /** Every accepted spelling, e.g. ['--resource-group', '-g']. */
  names: readonly string[];
  help: string;
  /** Takes no value. */
  boolean?: boolean;
  /** Takes every following argument up to the next flag. */
  multi?: boolean;
  required?: boolean;
}

export class UsageError extends Error {
  override name = 'UsageError';
}

export type FlagValues = Record<string, string[] | undefined>;

export function parseFlags(args: readonly string[], specs: readonly FlagSpec[], command: string): FlagValues {
  const byName = new Map<string, FlagSpec>();
  for (const spec of specs) for (const name of spec.names) byName.set(name, spec);
  const values: FlagValues = {};
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string;
    const [name, inline] = arg.startsWith('--') ? (arg.split(/=(.*)/s, 2) as [string, string | undefined]) : [arg, undefined];
    const spec = byName.get(name);
    if (spec === undefined) {
      const guess = name.startsWith('-') ? closestMatch(name, [...byName.keys()].filter((known) => known.startsWith('--'))) : undefined;
      const what = arg.startsWith('-') ? `unrecognized argument ${arg}` : `unexpected argument '${arg}'`;
      throw new UsageError(`${what}${guess === undefined ? ';' : `; did you mean ${guess}?`} see 'dts ${command} --help'`);
    }
    if (spec.boolean) {
      values[spec.key] = ['true'];
      continue;
    }
    const taken: string[] = inline === undefined ? [] : [inline];
    while (inline === undefined && i + 1 < args.length && !looksLikeFlag(args[i + 1] as string)) {
      taken.push(args[++i] as string);
      if (!spec.multi) break;
    }
    if (taken.length === 0 && !spec.multi) throw new UsageError(`argument ${name}: expected one argument`);
    values[spec.key] = [...(values[spec.key] ?? []), ...taken];
  }
  const missing = specs.filter((spec) => spec.required && values[spec.key] === undefined);
  if (missing.length > 0) {
    throw new UsageError(`the following arguments are required: ${missing.map((spec) => spec.names.join('/')).join(', ')}`);
  }
  return values;
}

/** A value such as `-1` is a value, not a flag. */
function looksLikeFlag(arg: string): boolean {
  return /^-{1,2}[a-zA-Z]/.test(arg);
}

export function single(values: FlagValues, key: string): string | undefined {
  const all = values[key];
  return all === undefined ? undefined : all[all.length - 1];
}

export function integerFlag(values: FlagValues, key: string): number | undefined {
  const text = single(values, key);
  if (text === undefined) return undefined;
  const n = Number(text);
  if (!Number.isInteger(n)) throw new UsageError(`argument --${key}: invalid int value: '${text}'`);
  return n;
}

/** `--tags a=1 b=2` (az's form); `--tags ""` clears them. */
export function tagsFlag(values: FlagValues): Record<string, string> | undefined {
  const all = values['tags'];
  if (all === undefined) return undefined;
  const tags: Record<string, string> = {};
  for (const item of all) {
    if (item === '') continue;
    const eq = item.indexOf('=');
    tags[eq < 0 ? item : item.slice(0, eq)] = eq < 0 ? '' : item.slice(eq + 1);
  }
  return tags;
}

/** `--ip-allowlist "[0.0.0.0/0]"`, `'["10.0.0.0/8","::1"]'`, or space-separated values. */
export function listFlag(values: FlagValues, key: string): string[] | undefined {
  const all = values[key];
  if (all === undefined) return undefined;
  const items: string[] = [];
  for (const raw of all) {
    const text = raw.trim();
    if (text.startsWith('[')) {
      try {
        const parsed = JSON.parse(text) as unknown;
        if (Array.isArray(parsed)) {
          items.push(...parsed.map(String));
          continue;
        }
      } catch {
        // az's shorthand list syntax: [a,b] without quotes.
      }
      items.push(...text.replace(/^\[|\]$/g, '').split(',').map((s) => s.trim().replace(/^['"]|['"]$/g, '')).filter((s) => s !== ''));
    } else if (text !== '') {
      items.push(...text.split(',').map((s) => s.trim()).filter((s) => s !== ''));
    }
  }
  return items;
}
