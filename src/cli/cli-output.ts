/**
 * Printing results as az does: `--query` (JMESPath, through the maintained
 * @jmespath-community/jmespath package) first, then `--output json` (indented, keys sorted),
 * `jsonc` (the same), `tsv` (values only, one line per item), `table` (scalar columns) or `none`;
 * and, not in az, `env`: an object of names and values as shell `export` lines (`dts app env`).
 */
import { search, type JSONValue } from '@jmespath-community/jmespath';
import { UsageError } from './cli-args.ts';

export const OUTPUT_FORMATS = ['json', 'jsonc', 'table', 'tsv', 'env', 'none'] as const;
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];

export function formatResult(result: unknown, format: OutputFormat, query: string | undefined): string | undefined {
  let value = result;
  if (query !== undefined) {
    try {
      value = search(result as JSONValue, query);
    } catch (error) {
      throw new UsageError(`argument --query: invalid jmespath query supplied for '--query': ${(error as Error).message}`);
    }
  }
  if (value === undefined || format === 'none') return undefined;
  switch (format) {
    case 'json':
    case 'jsonc':
      return JSON.stringify(sortKeys(value), null, 2);
    case 'tsv':
      return tsv(value);
    case 'table':
      return table(value);
    case 'env':
      return exports(value);
  }
}

/** `export NAME='value'` per entry, quoted for POSIX shells (a quote becomes '\''). */
function exports(value: unknown): string {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new UsageError('--output env prints an object of names and values, such as the one of dts app env');
  return Object.entries(value as Record<string, unknown>).map(([name, item]) => {
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) throw new UsageError(`--output env: '${name}' is not a shell variable name`);
    if (!isScalar(item)) throw new UsageError(`--output env: the value of ${name} is not a string`);
    return `export ${name}='${scalar(item).replace(/'/g, "'\\''")}'`;
  }).join('\n');
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value === null || typeof value !== 'object') return value;
  const sorted: Record<string, unknown> = {};
  for (const key of Object.keys(value).sort()) sorted[key] = sortKeys((value as Record<string, unknown>)[key]);
  return sorted;
}

function scalar(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'boolean') return value ? 'True' : 'False';
  return String(value);
}

function isScalar(value: unknown): boolean {
  return value === null || typeof value !== 'object';
}

/** Objects print their scalar values (keys sorted) tab-separated; lists one line per item. */
function tsv(value: unknown): string {
  if (Array.isArray(value)) return value.map((item) => (isScalar(item) ? scalar(item) : tsvRow(item))).join('\n');
  return isScalar(value) ? scalar(value) : tsvRow(value);
}

function tsvRow(value: unknown): string {
  if (Array.isArray(value)) return value.filter(isScalar).map(scalar).join('\t');
  const record = value as Record<string, unknown>;
  return Object.keys(record).sort().filter((key) => isScalar(record[key])).map((key) => scalar(record[key])).join('\t');
}

function table(value: unknown): string {
  const rows = (Array.isArray(value) ? value : [value]).map((item): Record<string, unknown> => (isScalar(item) ? { Result: item } : (item as Record<string, unknown>)));
  const columns: string[] = [];
  for (const row of rows) for (const key of Object.keys(row)) if (isScalar(row[key]) && !columns.includes(key)) columns.push(key);
  if (columns.length === 0) return '';
  const headers = columns.map((key) => key.charAt(0).toUpperCase() + key.slice(1));
  const cells = rows.map((row) => columns.map((key) => scalar(row[key])));
  const widths = columns.map((_, i) => Math.max((headers[i] as string).length, ...cells.map((r) => (r[i] as string).length)));
  const line = (parts: string[]) => parts.map((part, i) => part.padEnd(widths[i] as number)).join('  ').trimEnd();
  return [line(headers), line(widths.map((w) => '-'.repeat(w))), ...cells.map(line)].join('\n');
}
