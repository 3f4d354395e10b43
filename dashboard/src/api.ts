// The dashboard API client: every call names its task hub in `x-taskhub`; problem+json errors become Error messages.
export class ApiError extends Error {
  status: number;
  constructor(status: number, message: string) {
    super(message);
    this.status = status;
  }
}

export async function api<T = any>(hub: string | null, method: string, path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = {};
  if (hub !== null) headers['x-taskhub'] = hub;
  if (body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(`/v1${path}`, { method, headers, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
  const text = await res.text();
  const data = text === '' ? undefined : JSON.parse(text);
  if (!res.ok) throw new ApiError(res.status, data?.detail ?? `${res.status} ${res.statusText}`);
  return data as T;
}

export const STATUSES = ['RUNNING', 'PENDING', 'SUSPENDED', 'COMPLETED', 'FAILED', 'TERMINATED', 'CONTINUED_AS_NEW', 'CANCELED'] as const;

export function hubPath(hub: string): string {
  return `/hubs/${encodeURIComponent(hub)}`;
}
