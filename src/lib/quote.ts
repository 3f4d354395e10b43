/**
 * A value as error messages quote it: cut to a bounded length, with control characters
 * escaped, so a hostile megabyte (or a terminal escape) is never echoed back whole.
 */
const QUOTED_LENGTH_MAX = 80;

/** In single quotes: `'abc'`, `'xxxx…' (1000000 characters)`. */
export function quote(value: unknown, lengthMax = QUOTED_LENGTH_MAX): string {
  const text = typeof value === 'string' ? value : String(value);
  return text.length > lengthMax ? `'${cut(text, lengthMax)}' (${text.length} characters)` : `'${cut(text, lengthMax)}'`;
}

/** Without quotes, for names inside a longer token (`tags.<key>`): cut with '…' past `lengthMax`. */
export function cut(text: string, lengthMax = QUOTED_LENGTH_MAX): string {
  const shown = text.length > lengthMax ? `${text.slice(0, lengthMax)}…` : text;
  // JSON-style escapes keep the message one printable line.
  return shown.replace(/[\u0000-\u001f\u007f-\u009f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
