// The dashboard API client: every call names its task hub in `x-taskhub` and carries the signed-in user's bearer token;
// problem+json errors become Error messages, a 401 asks for a sign-in, a 403 says what was refused.
import { currentSession, jsonOf, requireSignIn } from './session.ts';

export class ApiError extends Error {
  status: number;
  constructor(status: number, message: string) {
    super(message);
    this.status = status;
  }
}

/** `T`: the shape of the answer's JSON as the caller reads it (declared, not checked at run time). */
export async function api<T = unknown>(hub: string | null, method: string, path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = {};
  if (hub !== null) headers['x-taskhub'] = hub;
  if (body !== undefined) headers['content-type'] = 'application/json';
  const session = currentSession();
  if (session !== null) headers['authorization'] = `Bearer ${session.token}`;
  const res = await fetch(`/v1${path}`, { method, headers, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
  const data = (await jsonOf(res)) as { detail?: string } | undefined;
  if (res.status === 401) {
    const detail: string = data?.detail ?? 'sign in to continue';
    requireSignIn(session === null ? '' : `Your sign-in is no longer accepted (${detail}); sign in again.`);
    throw new ApiError(401, detail);
  }
  if (res.status === 403) throw new ApiError(403, `Refused by the server: ${data?.detail ?? 'you may not do this'}`);
  if (!res.ok) throw new ApiError(res.status, data?.detail ?? `${res.status} ${res.statusText}`);
  return data as T;
}

/** An orchestration instance as the list and the detail answer it. */
export interface InstanceJson {
  instanceId: string;
  name: string;
  version?: string | null;
  status: string;
  executionId?: string;
  parentInstanceId?: string | null;
  createdAt: string;
  lastUpdatedAt: string;
  completedAt?: string | null;
  scheduledStartAt?: string | null;
  tags: Record<string, string>;
}

export const STATUSES = ['RUNNING', 'PENDING', 'SUSPENDED', 'COMPLETED', 'FAILED', 'TERMINATED', 'CONTINUED_AS_NEW', 'CANCELED'] as const;

export function hubPath(hub: string): string {
  return `/hubs/${encodeURIComponent(hub)}`;
}
