/**
 * The REST routes of the control plane: ARM-shaped paths to operations. Literal segments match
 * case-insensitively (as in ARM); `:name` segments capture a path parameter. A path that matches
 * no route is 404; a known path with an unsupported method is 405.
 */
import { ServerError } from '../domain/errors.ts';
import type { ControlRequest, ControlResponse } from './context.ts';
import type { GroupOperations } from './group-operations.ts';
import type { SchedulerOperations } from './scheduler-operations.ts';
import type { TaskHubOperations } from './taskhub-operations.ts';

type Handler = (request: ControlRequest) => Promise<ControlResponse>;
type Methods = Partial<Record<'GET' | 'PUT' | 'PATCH' | 'DELETE', Handler>>;

interface Route {
  segments: string[];
  methods: Methods;
}

export interface ControlOperations {
  groups: GroupOperations;
  schedulers: SchedulerOperations;
  taskHubs: TaskHubOperations;
}

const SCHEDULERS = '/subscriptions/:sub/resourceGroups/:rg/providers/Microsoft.DurableTask/schedulers';

export class ControlRouter {
  readonly #routes: Route[];

  constructor({ groups, schedulers, taskHubs }: ControlOperations) {
    const table: [string, Methods][] = [
      ['/subscriptions', { GET: () => groups.listSubscriptions() }],
      ['/subscriptions/:sub', { GET: (r) => groups.getSubscription(r), PUT: (r) => groups.putSubscription(r), DELETE: (r) => groups.deleteSubscription(r) }],
      ['/subscriptions/:sub/resourceGroups', { GET: (r) => groups.listGroups(r) }],
      ['/subscriptions/:sub/resourceGroups/:rg', {
        GET: (r) => groups.getGroup(r), PUT: (r) => groups.putGroup(r), PATCH: (r) => groups.patchGroup(r), DELETE: (r) => groups.deleteGroup(r),
      }],
      ['/subscriptions/:sub/providers/Microsoft.DurableTask/schedulers', { GET: (r) => schedulers.listBySubscription(r) }],
      [SCHEDULERS, { GET: (r) => schedulers.listByGroup(r) }],
      [`${SCHEDULERS}/:scheduler`, {
        GET: (r) => schedulers.get(r), PUT: (r) => schedulers.put(r), PATCH: (r) => schedulers.patch(r), DELETE: (r) => schedulers.delete(r),
      }],
      [`${SCHEDULERS}/:scheduler/taskHubs`, { GET: (r) => taskHubs.list(r) }],
      [`${SCHEDULERS}/:scheduler/taskHubs/:hub`, { GET: (r) => taskHubs.get(r), PUT: (r) => taskHubs.put(r), DELETE: (r) => taskHubs.delete(r) }],
      [`${SCHEDULERS}/:scheduler/retentionPolicies`, { GET: (r) => taskHubs.listRetention(r) }],
      [`${SCHEDULERS}/:scheduler/retentionPolicies/:policy`, {
        GET: (r) => taskHubs.getRetention(r),
        PUT: (r) => taskHubs.putRetention(r),
        PATCH: (r) => taskHubs.putRetention(r, true),
        DELETE: (r) => taskHubs.deleteRetention(r),
      }],
    ];
    this.#routes = table.map(([pattern, methods]) => ({ segments: pattern.split('/').filter((s) => s !== ''), methods }));
  }

  /** The handler and path parameters for a request; throws 404 or 405 as a ServerError. */
  match(method: string, pathname: string): { handler: Handler; params: Record<string, string> } {
    const parts = pathname.split('/').filter((s) => s !== '').map(decodeSegment);
    for (const route of this.#routes) {
      const params = matchSegments(route.segments, parts);
      if (params === undefined) continue;
      const handler = route.methods[method as keyof Methods];
      if (handler === undefined) {
        throw new ServerError('METHOD_NOT_ALLOWED', `${method} is not supported on ${pathname}; use ${Object.keys(route.methods).join(', ')}`);
      }
      return { handler, params };
    }
    throw new ServerError('NOT_FOUND', `No control-plane resource path matches ${pathname}`);
  }
}

function matchSegments(pattern: string[], parts: string[]): Record<string, string> | undefined {
  if (pattern.length !== parts.length) return undefined;
  const params: Record<string, string> = {};
  for (let i = 0; i < pattern.length; i++) {
    const expected = pattern[i] as string;
    const actual = parts[i] as string;
    if (expected.startsWith(':')) params[expected.slice(1)] = actual;
    else if (expected.toLowerCase() !== actual.toLowerCase()) return undefined;
  }
  return params;
}

function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    throw new ServerError('INVALID_ARGUMENT', `the path segment '${segment}' is not valid percent-encoding`);
  }
}
