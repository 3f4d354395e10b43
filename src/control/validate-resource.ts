/**
 * Checks of control-plane request bodies against the rules of the Durable Task resource
 * provider: names, locations, tags, IP allow lists, SKUs and retention periods. Each failure
 * is an INVALID_ARGUMENT whose message names the field and the rule. Values come back
 * normalized (SKU names in their canonical case, locations without spaces).
 */
import { isIP } from 'node:net';
import { ServerError } from '../domain/errors.ts';
import { isValidTaskHubName } from '../domain/validate.ts';
import { cut, quote } from '../lib/quote.ts';

export const CONTROL_LIMITS = {
  ipAllowlistEntriesMax: 100,
  tagsCountMax: 50,
  tagKeyLengthMax: 512,
  tagValueLengthMax: 256,
  retentionDaysMax: 90,
  /** Entries any one list answers with; also the task hubs one scheduler may have. */
  listMax: 1000,
  taskHubsPerSchedulerMax: 100,
} as const;

export type Tags = Record<string, string>;
export type SkuName = 'Dedicated' | 'Consumption';
export interface Sku {
  name: SkuName;
  capacity?: number;
}
export type RetentionState = 'Completed' | 'Failed' | 'Terminated' | 'Canceled';
export interface RetentionRule {
  retentionPeriodInDays: number;
  orchestrationState?: RetentionState;
}

const RESOURCE_NAME = /^[a-zA-Z0-9-]{3,64}$/;
const SUBSCRIPTION_NAME = /^[a-zA-Z0-9-]{1,64}$/;
const GROUP_NAME = /^[-a-zA-Z0-9_.()]{1,90}$/;
const TAG_KEY_FORBIDDEN = /[<>%&\\?/]/;
const RETENTION_STATES: readonly RetentionState[] = ['Completed', 'Failed', 'Terminated', 'Canceled'];

export function invalid(message: string): ServerError {
  return new ServerError('INVALID_ARGUMENT', message);
}

export function validateSubscriptionName(name: string): void {
  if (!SUBSCRIPTION_NAME.test(name)) throw invalid(`subscription id ${quote(name)} is invalid: use 1-64 letters, digits and '-'`);
}

export function validateGroupName(name: string): void {
  if (!GROUP_NAME.test(name) || name.endsWith('.')) {
    throw invalid(`resource group name ${quote(name)} is invalid: use 1-90 letters, digits, '-', '_', '.', '(' and ')', not ending in '.'`);
  }
}

/** Scheduler and task hub names: `^[a-zA-Z0-9-]{3,64}$`. */
export function validateResourceName(name: string, what: 'scheduler' | 'task hub'): void {
  if (!RESOURCE_NAME.test(name)) throw invalid(`${what} name ${quote(name)} is invalid: it must match ^[a-zA-Z0-9-]{3,64}$ (3-64 letters, digits and '-')`);
  // The data plane also needs a leading letter or digit (its hub names predate the control plane).
  if (what === 'task hub' && !isValidTaskHubName(name)) throw invalid(`task hub name ${quote(name)} is invalid: it must start with a letter or digit`);
}

export function validateLocation(value: unknown): string {
  if (typeof value !== 'string') throw invalid('location is required and must be a string');
  const location = value.replace(/\s+/g, '').toLowerCase();
  if (!/^[a-z0-9-]{1,64}$/.test(location)) throw invalid(`location ${quote(value)} is invalid: use 1-64 letters, digits and '-'`);
  return location;
}

export function validateTags(value: unknown): Tags {
  if (value === undefined || value === null) return {};
  if (typeof value !== 'object' || Array.isArray(value)) throw invalid('tags must be an object of string values');
  const entries = Object.entries(value as Record<string, unknown>);
  if (entries.length > CONTROL_LIMITS.tagsCountMax) throw invalid(`tags has ${entries.length} entries; the maximum is ${CONTROL_LIMITS.tagsCountMax}`);
  const tags: Tags = {};
  for (const [key, tag] of entries) {
    if (key.length === 0 || key.length > CONTROL_LIMITS.tagKeyLengthMax || TAG_KEY_FORBIDDEN.test(key)) {
      throw invalid(`tag name ${quote(key)} is invalid: use 1-${CONTROL_LIMITS.tagKeyLengthMax} characters, none of < > % & \\ ? /`);
    }
    if (typeof tag !== 'string' || tag.length > CONTROL_LIMITS.tagValueLengthMax) {
      throw invalid(`tag ${quote(key)} must be a string of at most ${CONTROL_LIMITS.tagValueLengthMax} characters`);
    }
    tags[key] = tag;
  }
  return tags;
}

/** IPv4 or IPv6 addresses and CIDR ranges; required, and empty means no client may connect. */
export function validateIpAllowlist(value: unknown): string[] {
  if (!Array.isArray(value)) throw invalid('properties.ipAllowlist is required: a list of IPv4/IPv6 addresses or CIDR ranges ([] allows no client)');
  if (value.length > CONTROL_LIMITS.ipAllowlistEntriesMax) {
    throw invalid(`properties.ipAllowlist has ${value.length} entries; the maximum is ${CONTROL_LIMITS.ipAllowlistEntriesMax}`);
  }
  return value.map((entry) => {
    if (typeof entry !== 'string' || !isAddressOrCidr(entry.trim())) {
      throw invalid(`properties.ipAllowlist entry ${quote(entry)} is not an IPv4/IPv6 address or CIDR range`);
    }
    return entry.trim();
  });
}

export function isAddressOrCidr(text: string): boolean {
  const slash = text.indexOf('/');
  if (slash < 0) return isIP(text) !== 0;
  const family = isIP(text.slice(0, slash));
  const prefix = text.slice(slash + 1);
  if (family === 0 || !/^\d{1,3}$/.test(prefix)) return false;
  return Number(prefix) <= (family === 4 ? 32 : 128);
}

/** `name` Dedicated or Consumption (any case); capacity 1-3 for Dedicated, none for Consumption. */
export function validateSku(value: unknown): Sku {
  if (typeof value !== 'object' || value === null) throw invalid("properties.sku is required: { name: 'Dedicated' | 'Consumption', capacity }");
  const { name, capacity } = value as { name?: unknown; capacity?: unknown };
  const lower = typeof name === 'string' ? name.toLowerCase() : '';
  if (lower === 'consumption') {
    if (capacity !== undefined && capacity !== null) throw invalid('properties.sku.capacity must not be set for the Consumption SKU');
    return { name: 'Consumption' };
  }
  if (lower !== 'dedicated') throw invalid(`properties.sku.name ${quote(name)} is invalid: use Dedicated or Consumption`);
  if (capacity === undefined || capacity === null) throw invalid('properties.sku.capacity is required for the Dedicated SKU (1 to 3)');
  if (!Number.isInteger(capacity) || (capacity as number) < 1 || (capacity as number) > 3) {
    throw invalid(`properties.sku.capacity ${cut(String(capacity))} is out of range: the Dedicated SKU takes 1 to 3 capacity units`);
  }
  return { name: 'Dedicated', capacity: capacity as number };
}

/** A retention policy's rules: at most one default (no state) and one per state, 0-90 days. */
export function validateRetentionRules(value: unknown): RetentionRule[] {
  if (!Array.isArray(value) || value.length === 0) {
    throw invalid('properties.retentionPolicies is required: a non-empty list of { retentionPeriodInDays, orchestrationState? }');
  }
  const seen = new Set<string>();
  return value.map((raw: unknown) => {
    const { retentionPeriodInDays: days, orchestrationState: state } = (raw ?? {}) as { retentionPeriodInDays?: unknown; orchestrationState?: unknown };
    if (!Number.isInteger(days) || (days as number) < 0 || (days as number) > CONTROL_LIMITS.retentionDaysMax) {
      throw invalid(`retentionPeriodInDays ${cut(String(days))} is out of range: use a whole number of days from 0 to ${CONTROL_LIMITS.retentionDaysMax}`);
    }
    const rule: RetentionRule = { retentionPeriodInDays: days as number };
    if (state !== undefined && state !== null) {
      const canonical = RETENTION_STATES.find((s) => typeof state === 'string' && s.toLowerCase() === state.toLowerCase());
      if (canonical === undefined) throw invalid(`orchestrationState ${quote(state)} is invalid: use ${RETENTION_STATES.join(', ')}`);
      rule.orchestrationState = canonical;
    }
    const key = rule.orchestrationState ?? '(default)';
    if (seen.has(key)) throw invalid(`properties.retentionPolicies has two entries for ${key}`);
    seen.add(key);
    return rule;
  });
}
