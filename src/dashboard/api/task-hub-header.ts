/**
 * The task hub a dashboard API request names in `x-taskhub` (or `?taskhub=`): a plain hub of the
 * default scheduler (`default`), or `subscription/resourceGroup/scheduler/hub` for a hub of
 * another scheduler. Every part is checked against its naming rule, so a malformed value is a
 * 400 naming the rule, never a lookup of a scheduler that cannot exist.
 */
import { ServerError } from '../../domain/errors.ts';
import type { TaskHubName } from '../../domain/instance.ts';
import { isValidTaskHubName } from '../../domain/validate.ts';
import { quote } from '../../lib/quote.ts';
import { schedulerKeyFor, qualifiedHubName } from '../../engine/scheduler-key.ts';
import type { EdgeContext } from '../../http/edge-env.ts';
import { validateGroupName, validateResourceName, validateSubscriptionName } from '../../control/validate-resource.ts';

const HEADER_LENGTH_MAX = 400;

export function taskHubOf(c: EdgeContext): TaskHubName {
  return parseTaskHub(c.req.header('x-taskhub') ?? new URL(c.req.url).searchParams.get('taskhub') ?? '');
}

function parseTaskHub(raw: string): TaskHubName {
  const value = raw.trim();
  if (value === '') throw new ServerError('INVALID_ARGUMENT', 'the x-taskhub header is required: a task hub name, or subscription/resourceGroup/scheduler/hub');
  if (value.length > HEADER_LENGTH_MAX) throw new ServerError('INVALID_ARGUMENT', `x-taskhub is ${value.length} characters long; the maximum is ${HEADER_LENGTH_MAX}`);
  const parts = value.split('/');
  const hub = parts[parts.length - 1] as string;
  try {
    if (parts.length !== 1 && parts.length !== 4) throw new ServerError('INVALID_ARGUMENT', `it has ${parts.length} parts`);
    if (!isValidTaskHubName(hub)) throw new ServerError('INVALID_ARGUMENT', `task hub name ${quote(hub)} is invalid: use 1-64 letters, digits and '-', starting with a letter or digit`);
    if (parts.length === 1) return value as TaskHubName;
    const [sub, rg, scheduler] = parts as [string, string, string];
    validateSubscriptionName(sub);
    validateGroupName(rg);
    validateResourceName(scheduler, 'scheduler');
    return qualifiedHubName(schedulerKeyFor(sub, rg, scheduler), hub);
  } catch (error) {
    throw new ServerError('INVALID_ARGUMENT', `x-taskhub ${quote(value)} is not a task hub name or subscription/resourceGroup/scheduler/hub: ${(error as Error).message}`);
  }
}
