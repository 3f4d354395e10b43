/**
 * The routes of the Durable Task resources: subscriptions, resource groups, schedulers, task
 * hubs and retention policies, each with the handler that serves it. A route's access is
 * checked on the resource it addresses (its path); lists are reads of their parent.
 */
import type { ControlRoute } from './control-http.ts';
import type { GroupHandlers } from './group-handlers.ts';
import type { SchedulerHandlers } from './scheduler-handlers.ts';
import type { TaskHubHandlers } from './taskhub-handlers.ts';

export const GROUP = '/subscriptions/:sub/resourceGroups/:rg';
export const SCHEDULER = `${GROUP}/providers/Microsoft.DurableTask/schedulers/:scheduler`;

export interface ResourceHandlers {
  groups: GroupHandlers;
  schedulers: SchedulerHandlers;
  taskHubs: TaskHubHandlers;
}

export function resourceRoutes({ groups, schedulers, taskHubs }: ResourceHandlers): ControlRoute[] {
  const schedulersOf = `${GROUP}/providers/Microsoft.DurableTask/schedulers`;
  return [
    { method: 'GET', path: '/subscriptions', resource: () => '/', run: () => groups.listSubscriptions() },
    { method: 'GET', path: '/subscriptions/:sub', run: (r) => groups.getSubscription(r) },
    { method: 'PUT', path: '/subscriptions/:sub', run: (r) => groups.putSubscription(r) },
    { method: 'DELETE', path: '/subscriptions/:sub', run: (r) => groups.deleteSubscription(r) },
    { method: 'GET', path: '/subscriptions/:sub/resourceGroups', run: (r) => groups.listGroups(r) },
    { method: 'GET', path: GROUP, run: (r) => groups.getGroup(r) },
    { method: 'PUT', path: GROUP, run: (r) => groups.putGroup(r) },
    { method: 'PATCH', path: GROUP, run: (r) => groups.patchGroup(r) },
    { method: 'DELETE', path: GROUP, run: (r) => groups.deleteGroup(r) },
    { method: 'GET', path: '/subscriptions/:sub/providers/Microsoft.DurableTask/schedulers', run: (r) => schedulers.listBySubscription(r) },
    { method: 'GET', path: schedulersOf, run: (r) => schedulers.listByGroup(r) },
    { method: 'GET', path: SCHEDULER, run: (r) => schedulers.get(r) },
    { method: 'PUT', path: SCHEDULER, run: (r) => schedulers.put(r) },
    { method: 'PATCH', path: SCHEDULER, run: (r) => schedulers.patch(r) },
    { method: 'DELETE', path: SCHEDULER, run: (r) => schedulers.delete(r) },
    { method: 'GET', path: `${SCHEDULER}/taskHubs`, run: (r) => taskHubs.list(r) },
    { method: 'GET', path: `${SCHEDULER}/taskHubs/:hub`, run: (r) => taskHubs.get(r) },
    { method: 'PUT', path: `${SCHEDULER}/taskHubs/:hub`, run: (r) => taskHubs.put(r) },
    { method: 'DELETE', path: `${SCHEDULER}/taskHubs/:hub`, run: (r) => taskHubs.delete(r) },
    { method: 'GET', path: `${SCHEDULER}/retentionPolicies`, run: (r) => taskHubs.listRetention(r) },
    { method: 'GET', path: `${SCHEDULER}/retentionPolicies/:policy`, run: (r) => taskHubs.getRetention(r) },
    { method: 'PUT', path: `${SCHEDULER}/retentionPolicies/:policy`, run: (r) => taskHubs.putRetention(r) },
    { method: 'PATCH', path: `${SCHEDULER}/retentionPolicies/:policy`, run: (r) => taskHubs.putRetention(r, true) },
    { method: 'DELETE', path: `${SCHEDULER}/retentionPolicies/:policy`, run: (r) => taskHubs.deleteRetention(r) },
  ];
}
