/**
 * A value as error messages quote it: in single quotes, cut to a bounded length, with control
 * characters escaped, so a hostile megabyte (or a terminal escape) is never echoed back whole.
 */
export const QUOTED_LENGTH_MAX = 80;

export function quote(value: unknown, lengthMax = QUOTED_LENGTH_MAX): string {
  const text = typeof value === 'string' ? value : String(value);
  const cut = text.length > lengthMax ? `${text.slice(0, lengthMax)}…' (${text.length} characters)` : `${text}'`;
  // JSON-style escapes keep the message one printable line.
  return `'${cut.replace(/[\u0000-\u001f\u007f-\u009f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)}`;
}
