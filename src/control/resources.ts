/**
 * The control plane's resources: what the catalog stores for each kind, and the ARM JSON the
 * REST API answers with (ids, types, properties, systemData), shaped like the outputs of
 * `az durabletask ...`.
 */
import type { CatalogEntry } from '../store/catalog.ts';
import type { RetentionRule, Sku, Tags } from './validate-resource.ts';

export const PROVIDER = 'Microsoft.DurableTask';

export interface SystemData {
  createdAt: string;
  createdBy: string;
  createdByType: string;
  lastModifiedAt: string;
  lastModifiedBy: string;
  lastModifiedByType: string;
}

export interface SubscriptionData {
  displayName: string;
  systemData: SystemData;
}

export interface GroupData {
  location: string;
  tags: Tags;
  systemData: SystemData;
}

export interface SchedulerData {
  location: string;
  tags: Tags;
  ipAllowlist: string[];
  sku: Sku;
  /** The data-plane port allocated to the scheduler; 0 for the default scheduler (main port) or ephemeral ports. */
  port: number;
  systemData: SystemData;
}

export interface TaskHubData {
  systemData: SystemData;
}

export interface RetentionData {
  rules: RetentionRule[];
  systemData: SystemData;
}

/** Who made a change; the caller's identity once authentication exists. */
export interface Actor {
  name: string;
  type: string;
}

export function systemDataFor(actor: Actor, nowMs: number, previous?: SystemData): SystemData {
  const at = new Date(nowMs).toISOString();
  return {
    createdAt: previous?.createdAt ?? at,
    createdBy: previous?.createdBy ?? actor.name,
    createdByType: previous?.createdByType ?? actor.type,
    lastModifiedAt: at,
    lastModifiedBy: actor.name,
    lastModifiedByType: actor.type,
  };
}

export function subscriptionId(path: readonly string[]): string {
  return `/subscriptions/${path[0]}`;
}

export function groupId(path: readonly string[]): string {
  return `${subscriptionId(path)}/resourceGroups/${path[1]}`;
}

export function schedulerId(path: readonly string[]): string {
  return `${groupId(path)}/providers/${PROVIDER}/schedulers/${path[2]}`;
}

export function subscriptionJson(entry: CatalogEntry<SubscriptionData>): object {
  const id = entry.path[0] as string;
  return { id: subscriptionId(entry.path), subscriptionId: id, displayName: entry.data.displayName, state: 'Enabled', systemData: entry.data.systemData };
}

export function groupJson(entry: CatalogEntry<GroupData>): object {
  return {
    id: groupId(entry.path),
    name: entry.path[1],
    type: 'Microsoft.Resources/resourceGroups',
    location: entry.data.location,
    tags: entry.data.tags,
    properties: { provisioningState: 'Succeeded' },
    systemData: entry.data.systemData,
  };
}

export function schedulerJson(entry: CatalogEntry<SchedulerData>, endpoint: string): object {
  const { data } = entry;
  const sku: Record<string, unknown> = { name: data.sku.name };
  if (data.sku.capacity !== undefined) sku['capacity'] = data.sku.capacity;
  // Three capacity units are spread over zones in Azure; the field is read-only either way.
  sku['redundancyState'] = data.sku.capacity === 3 ? 'Zone' : 'None';
  return {
    id: schedulerId(entry.path),
    name: entry.path[2],
    type: `${PROVIDER}/schedulers`,
    location: data.location,
    tags: data.tags,
    properties: { endpoint, ipAllowlist: data.ipAllowlist, sku, provisioningState: 'Succeeded' },
    systemData: data.systemData,
  };
}

export function taskHubJson(entry: CatalogEntry<TaskHubData>, dashboardUrl: string): object {
  return {
    id: `${schedulerId(entry.path)}/taskHubs/${entry.path[3]}`,
    name: entry.path[3],
    type: `${PROVIDER}/schedulers/taskHubs`,
    properties: { provisioningState: 'Succeeded', dashboardUrl },
    systemData: entry.data.systemData,
  };
}

export function retentionJson(entry: CatalogEntry<RetentionData>): object {
  return {
    id: `${schedulerId(entry.path)}/retentionPolicies/${entry.path[3]}`,
    name: entry.path[3],
    type: `${PROVIDER}/schedulers/retentionPolicies`,
    properties: { retentionPolicies: entry.data.rules, provisioningState: 'Succeeded' },
    systemData: entry.data.systemData,
  };
}
