/**
 * What the caller may do on one task hub (`GET /v1/taskhubs/access`), so the UI offers only the
 * actions the server would allow. The route is a read, so reaching it means the caller may read
 * the hub; whether it may change it is asked of the very check every action passes.
 */
import { isServerError } from '../../domain/errors.ts';
import type { TaskHubName } from '../../domain/instance.ts';
import type { Reply } from './orchestration-routes.ts';

export async function hubAccess(hub: TaskHubName, writeCheck: () => void | Promise<void>): Promise<Reply> {
  return { status: 200, body: { taskHub: hub, read: true, write: await permitted(writeCheck) } };
}

/** True when `check` passes, false when it refuses with PERMISSION_DENIED; other errors propagate. */
async function permitted(check: () => void | Promise<void>): Promise<boolean> {
  try {
    await check();
    return true;
  } catch (error) {
    if (isServerError(error, 'PERMISSION_DENIED')) return false;
    throw error;
  }
}
