/**
 * Reading `GetWorkItemsRequest.workItemFilters` into the engine's work-item filters. An absent
 * message means no filters; names and versions are bounded so a request cannot grow the
 * dispatcher's per-item matching without limit.
 */
import { ServerError } from '../../domain/errors.ts';
import type { NameFilter, WorkItemFilters } from '../../engine/work-item-filters.ts';
import type { pb } from './load.ts';

/** Filters of one kind at most, and versions per filter at most. */
export const FILTERS_MAX = 1000;
export const VERSIONS_MAX = 100;

export function workItemFiltersFromProto(req: pb.GetWorkItemsRequest): WorkItemFilters | undefined {
  if (!req.hasWorkitemfilters()) return undefined;
  const m = req.getWorkitemfilters() as pb.WorkItemFilters;
  return {
    orchestrations: names('orchestrations', m.getOrchestrationsList().map((f) => ({ name: f.getName(), versions: f.getVersionsList() }))),
    activities: names('activities', m.getActivitiesList().map((f) => ({ name: f.getName(), versions: f.getVersionsList() }))),
    entities: names('entities', m.getEntitiesList().map((f) => ({ name: f.getName(), versions: [] }))),
  };
}

function names(field: string, filters: NameFilter[]): NameFilter[] {
  if (filters.length > FILTERS_MAX) throw new ServerError('INVALID_ARGUMENT', `workItemFilters.${field} has ${filters.length} entries; the maximum is ${FILTERS_MAX}`);
  for (const f of filters) {
    if (f.versions.length > VERSIONS_MAX) throw new ServerError('INVALID_ARGUMENT', `workItemFilters.${field} '${f.name}' lists ${f.versions.length} versions; the maximum is ${VERSIONS_MAX}`);
  }
  return filters;
}
