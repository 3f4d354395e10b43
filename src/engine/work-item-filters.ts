/**
 * Work-item filters a worker declares on its GetWorkItems stream: which orchestrations,
 * activities and entities (by name, and for the first two optionally by version) it can run.
 * A stream without filters takes anything. A stream with filters takes only what a filter of
 * that kind names; a kind with no filters is not taken at all. Work scheduled without a version
 * is matched with the version of the orchestration that scheduled it, as the Azure service does
 * (the .NET SDK sets that version itself; the JavaScript and Python SDKs leave it empty).
 */
import type { ExecutionStarted, HistoryEvent } from '../domain/history-event.ts';
import type { OrchestrationWorkItem } from '../store/work-store.ts';
import type { WorkKind } from './work-item.ts';

export interface NameFilter {
  name: string;
  /** Empty: any version. */
  versions: readonly string[];
}

export interface WorkItemFilters {
  orchestrations: readonly NameFilter[];
  activities: readonly NameFilter[];
  /** Entity names (lower-cased, as in `@name@key`). The entity dispatcher calls `acceptsWork` with kind 'entity'. */
  entities: readonly NameFilter[];
}

/** What a filter is matched against: the orchestration's or activity's name and version, or the entity's name. */
export interface WorkIdentity {
  kind: WorkKind;
  name: string;
  version?: string;
}

/**
 * The version an orchestration is matched as: its own, or for a sub-orchestration started
 * without one, its parent's (recorded in its ExecutionStarted). Its activities scheduled
 * without a version take this one (orchestration-episode.ts).
 */
export function versionForFilters(version: string | undefined, started: ExecutionStarted | undefined): string | undefined {
  if (version !== undefined && version !== '') return version;
  const parentVersion = started?.parentInstance?.version;
  return parentVersion === undefined || parentVersion === '' ? undefined : parentVersion;
}

/** An orchestration work item as filters see it; its ExecutionStarted is in the history or still in the inbox. */
export function orchestrationIdentity(item: OrchestrationWorkItem): WorkIdentity {
  const events = [...item.history, ...item.messages.map((m) => m.event)];
  const started = events.find((e): e is ExecutionStarted & HistoryEvent => e.kind === 'executionStarted');
  const version = versionForFilters(item.instance.version, started);
  return version === undefined ? { kind: 'orchestration', name: item.instance.name } : { kind: 'orchestration', name: item.instance.name, version };
}

/** Filters with every list empty are treated as no filters, as a worker sending them means nothing else. */
export function normalizeFilters(filters: WorkItemFilters | undefined): WorkItemFilters | undefined {
  if (filters === undefined) return undefined;
  const empty = filters.orchestrations.length === 0 && filters.activities.length === 0 && filters.entities.length === 0;
  return empty ? undefined : filters;
}

export function acceptsWork(filters: WorkItemFilters | undefined, work: WorkIdentity): boolean {
  if (filters === undefined) return true;
  const list = work.kind === 'orchestration' ? filters.orchestrations : work.kind === 'activity' ? filters.activities : filters.entities;
  const name = work.kind === 'entity' ? work.name.toLowerCase() : work.name;
  for (const filter of list) {
    const filterName = work.kind === 'entity' ? filter.name.toLowerCase() : filter.name;
    if (filterName !== name) continue;
    if (filter.versions.length === 0 || filter.versions.includes(work.version ?? '')) return true;
  }
  return false;
}
