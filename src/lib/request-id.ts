/** Ids that tie an internal error the caller sees to its entry in the log. */
let counter = 0;

export function newRequestId(): string {
  return `req-${Date.now().toString(36)}-${(++counter).toString(36)}`;
}
