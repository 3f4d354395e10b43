/**
 * The DTS connection string: `key=value;` pairs, keys case-insensitive. Endpoint and
 * Authentication are required; a missing scheme means https. A malformed string fails with an
 * error naming the bad or missing key.
 */
export const AUTHENTICATION_TYPES = [
  'DefaultAzure', 'ManagedIdentity', 'WorkloadIdentity', 'Environment', 'AzureCli', 'AzurePowerShell', 'VisualStudio', 'VisualStudioCode', 'InteractiveBrowser', 'None',
] as const;
export type AuthenticationType = (typeof AUTHENTICATION_TYPES)[number];

export interface ConnectionSettings {
  endpoint: URL;
  authentication: AuthenticationType;
  taskHub?: string;
  clientId?: string;
  tenantId?: string;
  additionallyAllowedTenants?: string[];
  tokenFilePath?: string;
  /** Token audience (`ResourceId`); default https://durabletask.io. */
  resourceId: string;
}

const KEYS: Record<string, keyof ConnectionSettings> = {
  endpoint: 'endpoint', authentication: 'authentication', taskhub: 'taskHub', clientid: 'clientId', tenantid: 'tenantId',
  additionallyallowedtenants: 'additionallyAllowedTenants', tokenfilepath: 'tokenFilePath', resourceid: 'resourceId',
};

export class ConnectionStringError extends Error {
  override name = 'ConnectionStringError';
}

export function parseConnectionString(text: string): ConnectionSettings {
  const values = new Map<string, string>();
  for (const part of text.split(';')) {
    if (part.trim() === '') continue;
    const eq = part.indexOf('=');
    if (eq <= 0) throw new ConnectionStringError(`connection string: '${part.trim()}' is not key=value`);
    const key = part.slice(0, eq).trim().toLowerCase();
    if (KEYS[key] === undefined) throw new ConnectionStringError(`connection string: unknown key '${part.slice(0, eq).trim()}' (known: Endpoint, Authentication, TaskHub, ClientID, TenantId, AdditionallyAllowedTenants, TokenFilePath, ResourceId)`);
    if (values.has(key)) throw new ConnectionStringError(`connection string: key '${part.slice(0, eq).trim()}' appears twice`);
    values.set(key, part.slice(eq + 1).trim());
  }
  const endpointText = values.get('endpoint');
  if (endpointText === undefined || endpointText === '') throw new ConnectionStringError('connection string: the Endpoint key is missing');
  let endpoint: URL;
  try {
    endpoint = new URL(/^[a-z]+:\/\//i.test(endpointText) ? endpointText : `https://${endpointText}`);
  } catch {
    throw new ConnectionStringError(`connection string: Endpoint '${endpointText}' is not a URL`);
  }
  if (endpoint.protocol !== 'https:' && endpoint.protocol !== 'http:') throw new ConnectionStringError(`connection string: Endpoint '${endpointText}' must be http or https`);
  const authText = values.get('authentication');
  if (authText === undefined) throw new ConnectionStringError('connection string: the Authentication key is missing');
  const authentication = AUTHENTICATION_TYPES.find((t) => t.toLowerCase() === authText.toLowerCase());
  if (authentication === undefined) throw new ConnectionStringError(`connection string: Authentication '${authText}' is not one of ${AUTHENTICATION_TYPES.join(', ')}`);
  const settings: ConnectionSettings = { endpoint, authentication, resourceId: values.get('resourceid') || 'https://durabletask.io' };
  const optional = (key: string) => (values.get(key) === undefined || values.get(key) === '' ? undefined : values.get(key));
  if (optional('taskhub') !== undefined) settings.taskHub = optional('taskhub') as string;
  if (optional('clientid') !== undefined) settings.clientId = optional('clientid') as string;
  if (optional('tenantid') !== undefined) settings.tenantId = optional('tenantid') as string;
  if (optional('tokenfilepath') !== undefined) settings.tokenFilePath = optional('tokenfilepath') as string;
  const tenants = optional('additionallyallowedtenants');
  if (tenants !== undefined) settings.additionallyAllowedTenants = tenants.split(',').map((t) => t.trim()).filter((t) => t !== '');
  return settings;
}
