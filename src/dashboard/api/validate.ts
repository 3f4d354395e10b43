/**
 * Input checks of the dashboard API: every field the dashboard (or a tool) sends is read through
 * these, so a wrong type or an out-of-range value is a 400 naming the field, never a crash or a
 * half-applied change.
 */
import { ServerError } from '../../domain/errors.ts';
import type { OrchestrationStatus } from '../../domain/history-event.ts';
import { cut } from '../../lib/quote.ts';

export type Body = Record<string, unknown>;

export function bad(message: string): ServerError {
  return new ServerError('INVALID_ARGUMENT', message);
}

export function object(value: unknown, field: string): Body {
  if (value === undefined || value === null) return {};
  if (typeof value !== 'object' || Array.isArray(value)) throw bad(`${field} must be a JSON object`);
  return value as Body;
}

export function optString(body: Body, field: string, max = 1024): string | undefined {
  const value = body[field];
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value !== 'string') throw bad(`${field} must be a string`);
  if (value.length > max) throw bad(`${field} is longer than ${max} characters`);
  return value;
}

export function reqString(body: Body, field: string, max = 1024): string {
  const value = optString(body, field, max);
  if (value === undefined || value.trim() === '') throw bad(`${field} is required`);
  return value;
}

export function optBool(body: Body, field: string): boolean | undefined {
  const value = body[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'boolean') throw bad(`${field} must be true or false`);
  return value;
}

export function optInt(body: Body, field: string, min: number, max: number): number | undefined {
  const value = body[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw bad(`${field} must be an integer from ${min} to ${max}`);
  }
  return value;
}

/** An ISO-8601 timestamp (or epoch milliseconds) to epoch milliseconds. */
export function optTime(body: Body, field: string): number | undefined {
  const value = body[field];
  if (value === undefined || value === null || value === '') return undefined;
  const ms = typeof value === 'number' ? value : typeof value === 'string' ? Date.parse(value) : Number.NaN;
  if (!Number.isFinite(ms) || ms < 0 || ms > 8.64e15) throw bad(`${field} must be an ISO-8601 timestamp`);
  return ms;
}

/**
 * A JSON payload as the SDKs store it (serialized JSON text). A string that is not JSON is taken
 * as the JSON string it denotes; any other value is serialized.
 */
export function optPayload(body: Body, field: string, max: number): string | undefined {
  if (!(field in body) || body[field] === undefined) return undefined;
  const text = JSON.stringify(body[field]);
  if (text.length > max) throw bad(`${field} is larger than ${max} bytes`);
  return text;
}

export function stringList(value: unknown, field: string, maxItems: number, maxLength = 1024): string[] {
  if (!Array.isArray(value)) throw bad(`${field} must be an array of strings`);
  if (value.length > maxItems) throw bad(`${field} has more than ${maxItems} items`);
  return value.map((item, i) => {
    if (typeof item !== 'string' || item === '' || item.length > maxLength) throw bad(`${field}[${i}] must be a non-empty string`);
    return item;
  });
}

export function tags(value: unknown, field = 'tags'): Record<string, string> | undefined {
  if (value === undefined || value === null) return undefined;
  const obj = object(value, field);
  const entries = Object.entries(obj);
  if (entries.length > 64) throw bad(`${field} has more than 64 entries`);
  for (const [k, v] of entries) {
    if (k === '' || k.length > 256 || typeof v !== 'string' || v.length > 1024) throw bad(`${field}.${cut(k)} must be a string of at most 1024 characters, its key 1-256 characters`);
  }
  return obj as Record<string, string>;
}

const STATUS_NAMES: Record<string, OrchestrationStatus> = {
  RUNNING: 'RUNNING', COMPLETED: 'COMPLETED', CONTINUED_AS_NEW: 'CONTINUED_AS_NEW', FAILED: 'FAILED', CANCELED: 'CANCELED',
  TERMINATED: 'TERMINATED', PENDING: 'PENDING', SUSPENDED: 'SUSPENDED',
};

/** Accepts `RUNNING`, `Running` and `ORCHESTRATION_STATUS_RUNNING`. */
export function status(value: unknown, field: string): OrchestrationStatus {
  const key = typeof value === 'string' ? value.toUpperCase().replace(/^ORCHESTRATION_STATUS_/, '') : '';
  const found = STATUS_NAMES[key];
  if (found === undefined) throw bad(`${field} must be one of ${Object.keys(STATUS_NAMES).join(', ')}`);
  return found;
}

export function statuses(value: unknown, field: string): OrchestrationStatus[] {
  if (value === undefined || value === null) return [];
  const list = Array.isArray(value) ? value : [value];
  if (list.length > 8) throw bad(`${field} has more than 8 items`);
  return list.map((v, i) => status(v, `${field}[${i}]`));
}
