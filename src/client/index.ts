/**
 * The client library (`durable-task-scheduler/client`): a configured @microsoft/durabletask-js
 * client or worker from a DTS connection string (default: DURABLE_TASK_SCHEDULER_CONNECTION_STRING
 * and TASKHUB_NAME). Every Authentication value maps to its @azure/identity credential (None: no
 * token); calls carry taskhub, authorization (tokens cached, refreshed 5 minutes before expiry
 * or at half their life if shorter), x-user-agent and, for workers, workerid. TLS exactly when
 * there is a credential, as the SDK sends tokens only over TLS; an `http://` endpoint with a
 * credential gets a warning, since TLS to a plain-text port cannot connect. The SDK's own exports
 * that apps use beside it are re-exported, so the app and this library share one copy of the SDK.
 */
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import * as grpc from '@grpc/grpc-js';
import { ConsoleLogger, TaskHubGrpcClient, TaskHubGrpcWorker, type Logger } from '@microsoft/durabletask-js';
import type { AccessToken, TokenCredential } from '@azure/identity';
import { compact } from '../lib/compact.ts';
import { packageVersion } from '../lib/package-version.ts';
import { ConnectionStringError, parseConnectionString, type ConnectionSettings } from './connection-string.ts';

export { ConnectionStringError, parseConnectionString, type ConnectionSettings };
export {
  ConsoleLogger, EntityInstanceId, NoOpLogger, OrchestrationStatus, RetryPolicy, TaskEntity, TaskFailedError, TaskHubGrpcClient, TaskHubGrpcWorker, whenAll, whenAny,
} from '@microsoft/durabletask-js';
export type {
  ActivityContext, FailureDetails, Logger, OrchestrationContext, OrchestrationState, RetryPolicyOptions, StartOrchestrationOptions, SubOrchestrationOptions, TActivity, TaskOptions, TOrchestrator,
} from '@microsoft/durabletask-js';

export interface DtsOptions {
  connectionString?: string;
  taskHub?: string;
  env?: Record<string, string | undefined>;
  /** Overrides the credential the Authentication key names. */
  credential?: TokenCredential;
  /** Where the SDK and this library log (the SDK's ConsoleLogger by default). */
  logger?: Logger;
}

export async function credentialFor(settings: ConnectionSettings): Promise<TokenCredential | undefined> {
  if (settings.authentication === 'None') return undefined;
  const id = await import('@azure/identity');
  const tenants = compact({ additionallyAllowedTenants: settings.additionallyAllowedTenants });
  switch (settings.authentication) {
    case 'DefaultAzure': return new id.DefaultAzureCredential(compact({ managedIdentityClientId: settings.clientId }));
    case 'ManagedIdentity': return settings.clientId === undefined ? new id.ManagedIdentityCredential() : new id.ManagedIdentityCredential({ clientId: settings.clientId });
    case 'WorkloadIdentity': return new id.WorkloadIdentityCredential(compact({ clientId: settings.clientId, tenantId: settings.tenantId, tokenFilePath: settings.tokenFilePath, ...tenants }));
    case 'Environment': return new id.EnvironmentCredential();
    case 'AzureCli': return new id.AzureCliCredential(tenants);
    case 'AzurePowerShell': return new id.AzurePowerShellCredential(tenants);
    case 'VisualStudioCode': return new id.VisualStudioCodeCredential(tenants);
    case 'InteractiveBrowser': return new id.InteractiveBrowserCredential(compact({ clientId: settings.clientId, tenantId: settings.tenantId }));
    case 'VisualStudio': throw new ConnectionStringError('connection string: Authentication=VisualStudio exists in .NET only; use AzureCli or DefaultAzure');
  }
}

/** Caches a credential's token and refreshes it before it expires. */
export class TokenCache {
  readonly #credential: TokenCredential;
  readonly #tokenScope: string;
  #token: AccessToken | undefined;
  #pending: Promise<AccessToken> | undefined;

  constructor(credential: TokenCredential, resourceId: string) {
    this.#credential = credential;
    this.#tokenScope = `${resourceId.replace(/\/+$/, '')}/.default`;
  }

  async token(): Promise<string> {
    const now = Date.now();
    const t = this.#token;
    const margin = t === undefined ? 0 : Math.min(5 * 60_000, (t.expiresOnTimestamp - now) / 2);
    if (t !== undefined && t.expiresOnTimestamp - margin > now) return t.token;
    this.#pending ??= this.#credential.getToken(this.#tokenScope).then((fresh) => {
      if (fresh === null) throw new Error(`the credential returned no token for ${this.#tokenScope}`);
      this.#token = fresh;
      return fresh;
    }).finally(() => (this.#pending = undefined));
    return (await this.#pending).token;
  }
}

interface Prepared {
  hostAddress: string;
  credentials: grpc.ChannelCredentials;
  metadata: (extra: Record<string, string>) => () => Promise<grpc.Metadata>;
  logger: Logger;
}

async function prepare(options: DtsOptions): Promise<Prepared> {
  const env = options.env ?? process.env;
  const text = options.connectionString ?? env['DURABLE_TASK_SCHEDULER_CONNECTION_STRING'];
  if (text === undefined || text === '') throw new ConnectionStringError('no connection string: pass one or set DURABLE_TASK_SCHEDULER_CONNECTION_STRING');
  const settings = parseConnectionString(text);
  const taskHub = options.taskHub ?? settings.taskHub ?? env['TASKHUB_NAME'];
  if (taskHub === undefined || taskHub === '') throw new ConnectionStringError('connection string: the TaskHub key is missing (or set TASKHUB_NAME)');
  const credential = options.credential ?? (await credentialFor(settings));
  const logger = options.logger ?? new ConsoleLogger();
  if (credential !== undefined && settings.endpoint.protocol === 'http:') {
    const sender = options.credential === undefined ? `Authentication=${settings.authentication}` : 'The credential option';
    logger.warn(`durable-task-scheduler/client: ${sender} sends a token, which needs TLS, but the Endpoint is ${settings.endpoint.origin}: connecting with TLS anyway, which fails on a plain-text port. Use the https:// endpoint of a server started with --auth, or Authentication=None.`);
  }
  const cache = credential === undefined ? undefined : new TokenCache(credential, settings.resourceId);
  const userAgent = `durable-task-scheduler-client/${packageVersion()}`;
  const port = settings.endpoint.port || (settings.endpoint.protocol === 'https:' ? '443' : '80');
  const metadata = (extra: Record<string, string>) => async () => {
    const m = new grpc.Metadata();
    m.set('taskhub', taskHub);
    m.set('x-user-agent', userAgent);
    for (const [k, v] of Object.entries(extra)) m.set(k, v);
    if (cache !== undefined) m.set('authorization', `Bearer ${await cache.token()}`);
    return m;
  };
  return {
    hostAddress: `${settings.endpoint.hostname.replace(/^\[(.*)\]$/, '$1')}:${port}`,
    credentials: cache === undefined ? grpc.credentials.createInsecure() : grpc.credentials.createSsl(),
    metadata,
    logger,
  };
}

export async function createDurableTaskClient(options: DtsOptions = {}): Promise<TaskHubGrpcClient> {
  const p = await prepare(options);
  return new TaskHubGrpcClient({ hostAddress: p.hostAddress, credentials: p.credentials, metadataGenerator: p.metadata({}), logger: p.logger });
}

export async function createDurableTaskWorker(options: DtsOptions & { workerId?: string } = {}): Promise<TaskHubGrpcWorker> {
  const p = await prepare(options);
  const workerId = options.workerId ?? `${hostname()},${process.pid},${randomUUID()}`;
  return new TaskHubGrpcWorker({ hostAddress: p.hostAddress, credentials: p.credentials, metadataGenerator: p.metadata({ workerid: workerId }), logger: p.logger });
}
