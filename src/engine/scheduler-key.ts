/**
 * How a scheduler's task hubs are named on the data plane. The default scheduler's hubs keep
 * their plain names (`default`, as the emulator and existing databases have them); every other
 * scheduler's hub is `<key>/<hub>`, where the scheduler key is the scheduler's lower-cased
 * `subscription/resourceGroup/scheduler`. A plain hub name never contains '/', so no `taskhub`
 * header sent to one scheduler's endpoint can name another scheduler's hub.
 */
import type { TaskHubName } from '../domain/instance.ts';

/** Undefined is the default scheduler. */
export type SchedulerKey = string | undefined;

export function schedulerKeyFor(subscription: string, resourceGroup: string, scheduler: string): string {
  return [subscription, resourceGroup, scheduler].map((name) => name.toLowerCase()).join('/');
}

export function qualifiedHubName(schedulerKey: SchedulerKey, hub: string): TaskHubName {
  return (schedulerKey === undefined ? hub : `${schedulerKey}/${hub}`) as TaskHubName;
}

/** The scheduler key and plain name of a data-plane hub name. */
export function splitHubName(name: string): { schedulerKey: SchedulerKey; hub: string } {
  const slash = name.lastIndexOf('/');
  return slash < 0 ? { schedulerKey: undefined, hub: name } : { schedulerKey: name.slice(0, slash), hub: name.slice(slash + 1) };
}
