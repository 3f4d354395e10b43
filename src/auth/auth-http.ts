/**
 * The HTTP edge of identity and access: OIDC discovery and JWKS, `POST /auth/login` (user name
 * and password to a token), the managed-identity token endpoint `GET /msi/token` (App Service
 * protocol, as @azure/identity's ManagedIdentityCredential speaks it with IDENTITY_ENDPOINT and
 * IDENTITY_HEADER), the REST routes of users, identities, apps and role assignments, listing
 * and rotating the signing keys (`/auth/signing-keys[/rotate]`), and the gate in front of every control-plane request (token and role).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ServerError } from '../domain/errors.ts';
import { toHttpError } from '../control/http-status.ts';
import { appResourceId, DIRECTORY_LIST_MAX, type AppData, type Directory, type DirectorySnapshot } from './directory.ts';
import type { SigningKeys } from './signing-keys.ts';
import type { AccessGate } from './gate.ts';
import { restGroup } from './operations.ts';
import type { PrincipalOperations } from './principal-operations.ts';
import type { SignIn } from './sign-in.ts';
import { bearerOf, type TokenService } from './tokens.ts';
import type { Principal } from './decide.ts';

type Log = (message: string, error?: unknown) => void;
const BODY_MAX = 64 * 1024;
const RG = '^/subscriptions/([^/]+)/resourceGroups/([^/]+)/providers/';
const IDENTITY = new RegExp(`${RG}Microsoft\\.ManagedIdentity/userAssignedIdentities(?:/([^/]+))?$`, 'i');
const APP = new RegExp(`${RG}Microsoft\\.Web/sites/([^/]+)(/identity/assign|/config/appsettings|/env)?$`, 'i');
const ASSIGNMENTS = /^(.*?)\/providers\/Microsoft\.Authorization\/roleAssignments(?:\/([^/]+))?$/i;
const USERS = /^\/users(?:\/([^/]+))?$/i;
/** Listing and rotating the token-signing keys: Owner at the root. */
const SIGNING_KEYS = /^\/auth\/signing-keys(\/rotate)?$/i;

export interface AuthHttpDeps {
  gate: AccessGate;
  tokens?: TokenService;
  principals?: PrincipalOperations;
  signIn?: SignIn;
  keys?: SigningKeys;
  directory?: Directory;
  /** This server's HTTP base URL (the issuer). */
  baseUrl: string;
  log: Log;
}

export class AuthHttp {
  readonly #deps: AuthHttpDeps;

  constructor(deps: AuthHttpDeps) {
    this.#deps = deps;
  }

  /**
   * True when this edge answers the request (its own routes, or a refusal); `next` is called for
   * control-plane and other requests that pass the gate.
   */
  handle(req: IncomingMessage, res: ServerResponse, next: () => boolean): boolean {
    const url = new URL(req.url ?? '/', 'http://auth.invalid');
    const path = decodeURIComponent(url.pathname).replace(/\/+$/, '') || '/';
    const own = this.#deps.principals !== undefined && (IDENTITY.test(path) || APP.test(path) || ASSIGNMENTS.test(path) || USERS.test(path) || SIGNING_KEYS.test(path) || ['/.well-known/openid-configuration', '/.well-known/jwks.json', '/auth/login', '/msi/token'].includes(path));
    const control = /^\/subscriptions(\/|$)/i.test(path);
    if (!own && !control) return next();
    this.#run(req, res, url, path, own, next).catch((error: unknown) => {
      const failure = toHttpError(error, this.#deps.log);
      if (!res.headersSent) res.writeHead(failure.status, { 'content-type': 'application/json; charset=utf-8', ...failure.headers }).end(JSON.stringify(failure.body));
      else res.destroy();
    });
    return true;
  }

  async #run(req: IncomingMessage, res: ServerResponse, url: URL, path: string, own: boolean, next: () => boolean): Promise<void> {
    const method = req.method ?? 'GET';
    // ARM management paths are not subject to the scheduler's allowlist (as in Azure): otherwise a
    // list that shuts out the admin could never be fixed. Data plane and dashboard are (gate.checkAddress).
    const open = ['/.well-known/openid-configuration', '/.well-known/jwks.json', '/auth/login', '/msi/token'].includes(path);
    let principal: Principal | undefined;
    if (!open) {
      const assignments = ASSIGNMENTS.exec(path);
      const resource = assignments !== null ? assignments[1] || '/' : path;
      const keys = SIGNING_KEYS.test(path);
      const group = (USERS.test(path) && method === 'GET' && path !== '/users') || (keys && method === 'GET') ? 'control.read' : keys ? 'control.authorization' : restGroup(method, path);
      principal = await this.#deps.gate.authorize(bearerOf(req.headers.authorization), group, USERS.test(path) || keys ? '/' : resource);
    }
    if (!own) {
      if (!next()) send(res, 404, { error: { code: 'NotFound', message: `no resource at ${path}` } });
      return;
    }
    const body = method === 'GET' || method === 'DELETE' ? undefined : await readJson(req);
    const header = req.headers['x-identity-header'];
    const answer = await this.#route(method, path, url, body, principal?.name ?? 'anonymous', typeof header === 'string' ? header : undefined, req.socket.remoteAddress);
    send(res, answer.status, answer.body);
  }

  async #route(method: string, path: string, url: URL, body: unknown, actor: string, secret: string | undefined, address: string | undefined): Promise<{ status: number; body?: unknown }> {
    const p = this.#deps.principals as PrincipalOperations;
    const tokens = this.#deps.tokens as TokenService;
    const base = this.#deps.baseUrl;
    if (path === '/.well-known/openid-configuration') {
      return { status: 200, body: { issuer: tokens.options.issuer, jwks_uri: `${base}/.well-known/jwks.json`, token_endpoint: `${base}/auth/login`, id_token_signing_alg_values_supported: ['ES256'], response_types_supported: ['token'], subject_types_supported: ['public'] } };
    }
    if (path === '/.well-known/jwks.json') return { status: 200, body: await this.#deps.keys!.jwks() };
    if (path === '/auth/login' && method === 'POST') return this.#login(body, address);
    if (path === '/msi/token' && method === 'GET') return this.msiToken(url, secret);
    const rotate = SIGNING_KEYS.exec(path);
    if (rotate !== null) {
      const keys = this.#deps.keys!;
      if (rotate[1] !== undefined) return method === 'POST' ? { status: 200, body: { kid: await keys.rotate(), keys: await keys.list() } } : notAllowed(method, path);
      return method === 'GET' ? { status: 200, body: { value: await keys.list() } } : notAllowed(method, path);
    }
    let m = USERS.exec(path);
    if (m !== null) {
      const user = m[1];
      if (user === undefined) return method === 'GET' ? { status: 200, body: await p.listUsers() } : notAllowed(method, path);
      if (method === 'PUT') return { status: 201, body: await p.createUser(user, obj(body)['password']) };
      if (method === 'GET') return { status: 200, body: await p.showUser(user) };
      if (method === 'DELETE') return { status: 200, body: await p.deleteUser(user) };
      return notAllowed(method, path);
    }
    m = IDENTITY.exec(path);
    if (m !== null) {
      const [, sub, rg, name] = m as unknown as [string, string, string, string | undefined];
      if (name === undefined) return method === 'GET' ? { status: 200, body: await p.listIdentities([sub, rg]) } : notAllowed(method, path);
      if (method === 'PUT') return p.putIdentity([sub, rg, name], body);
      if (method === 'GET') return { status: 200, body: await p.showIdentity([sub, rg, name]) };
      if (method === 'DELETE') return { status: 200, body: await p.deleteIdentity([sub, rg, name]) };
      return notAllowed(method, path);
    }
    m = APP.exec(path);
    if (m !== null) {
      const [, sub, rg, name, action] = m as unknown as [string, string, string, string, string | undefined];
      const appPath = [sub, rg, name];
      const verb = `${method} ${(action ?? '').toLowerCase()}`;
      if (verb === 'PUT ') return p.putApp(appPath, body);
      if (verb === 'GET ') return { status: 200, body: await p.showApp(appPath) };
      if (verb === 'DELETE ') return { status: 200, body: await p.deleteApp(appPath) };
      if (verb === 'POST /identity/assign') return { status: 200, body: await p.assignAppIdentity(appPath, body) };
      if (verb === 'PATCH /config/appsettings') return { status: 200, body: await p.setAppSettings(appPath, body) };
      if (verb === 'POST /env') return { status: 200, body: await p.appEnv(appPath, `${base}/msi/token`) };
      return notAllowed(method, path);
    }
    m = ASSIGNMENTS.exec(path);
    if (m !== null) {
      const scope = m[1] || '/';
      const sub = /^\/subscriptions\/([^/]+)/i.exec(scope)?.[1] ?? 'default';
      const name = m[2];
      if (name === undefined) {
        if (method !== 'GET') return notAllowed(method, path);
        const assignee = url.searchParams.get('assignee') ?? undefined;
        return { status: 200, body: await p.listAssignments(scope, { ...(assignee === null || assignee === undefined ? {} : { assignee }), atScopeOnly: url.searchParams.get('atScope') === 'true' }, sub) };
      }
      if (method === 'PUT') return { status: 201, body: await p.putAssignment(scope, name, body, actor, sub) };
      if (method === 'DELETE') return { status: 200, body: await p.deleteAssignment(name, sub) };
      return notAllowed(method, path);
    }
    return notAllowed(method, path);
  }


  async #login(body: unknown, address: string | undefined): Promise<{ status: number; body: unknown }> {
    const { username, password } = obj(body);
    const signedIn = await this.#deps.signIn!.signIn(username, password, address);
    return { status: 200, body: { accessToken: signedIn.accessToken, expiresOn: new Date(signedIn.expiresOnMs).toISOString(), tokenType: 'Bearer', user: signedIn.user } };
  }

  /** The managed-identity protocol; `secret` is the X-IDENTITY-HEADER value. */
  async msiToken(url: URL, secret: string | undefined): Promise<{ status: number; body: unknown }> {
    const tokens = this.#deps.tokens as TokenService;
    if (secret === undefined || secret === '') throw new ServerError('UNAUTHENTICATED', 'the X-IDENTITY-HEADER header is required');
    const apps = await this.#deps.directory!.catalog.list<AppData>('app', [], DIRECTORY_LIST_MAX);
    const app = apps.find((a) => a.data.identityHeader === secret);
    if (app === undefined) throw new ServerError('UNAUTHENTICATED', 'the X-IDENTITY-HEADER secret belongs to no app');
    const resource = url.searchParams.get('resource') ?? '';
    if (resource.replace(/\/\.default$/, '').replace(/\/+$/, '') !== tokens.options.audience.replace(/\/+$/, '')) {
      throw new ServerError('INVALID_ARGUMENT', `tokens are issued for resource '${tokens.options.audience}' only, not '${resource}'`);
    }
    const principal = await pickIdentity(await this.#deps.directory!.snapshot(), app.path as string[], app.data, url.searchParams);
    const token = await tokens.issue(principal.principal, { appid: principal.clientId, xms_mirid: principal.resourceId });
    return {
      status: 200,
      body: { access_token: token.accessToken, expires_on: String(Math.floor(token.expiresOnMs / 1000)), resource, token_type: 'Bearer', client_id: principal.clientId },
    };
  }

}

async function pickIdentity(snapshot: DirectorySnapshot, appPath: string[], app: AppData, query: URLSearchParams): Promise<{ principal: Principal; clientId: string; resourceId: string }> {
  const clientId = query.get('client_id') ?? query.get('clientid');
  const objectId = query.get('principal_id') ?? query.get('object_id');
  const resourceId = query.get('mi_res_id') ?? query.get('msi_res_id');
  if (clientId === null && objectId === null && resourceId === null) {
    if (app.systemAssigned === undefined) throw new ServerError('INVALID_ARGUMENT', `the app '${appPath[2]}' has no system-assigned identity; pass client_id of an assigned one`);
    return { principal: { id: app.systemAssigned.principalId, kind: 'systemAssignedIdentity', name: appPath[2] as string }, clientId: app.systemAssigned.clientId, resourceId: appResourceId(appPath) };
  }
  for (const [cid, identity] of snapshot.identitiesByClientId) {
    const matches = cid === clientId?.toLowerCase() || identity.principal.id.toLowerCase() === objectId?.toLowerCase() || identity.id.toLowerCase() === resourceId?.toLowerCase();
    if (matches && app.userAssignedIdentities.some((id) => id.toLowerCase() === identity.id.toLowerCase())) return { principal: identity.principal, clientId: cid, resourceId: identity.id };
  }
  if (app.systemAssigned !== undefined && clientId?.toLowerCase() === app.systemAssigned.clientId.toLowerCase()) {
    return { principal: { id: app.systemAssigned.principalId, kind: 'systemAssignedIdentity', name: appPath[2] as string }, clientId: app.systemAssigned.clientId, resourceId: appResourceId(appPath) };
  }
  throw new ServerError('PERMISSION_DENIED', `the identity '${clientId ?? objectId ?? resourceId}' is not assigned to the app '${appPath[2]}'`);
}

function obj(body: unknown): Record<string, unknown> {
  return typeof body === 'object' && body !== null && !Array.isArray(body) ? (body as Record<string, unknown>) : {};
}

function notAllowed(method: string, path: string): never {
  throw new ServerError('METHOD_NOT_ALLOWED', `${method} is not supported on ${path}`);
}

function send(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' }).end(body === undefined ? undefined : JSON.stringify(body));
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > BODY_MAX) throw new ServerError('PAYLOAD_TOO_LARGE', `the request body is larger than ${BODY_MAX} bytes`);
    chunks.push(chunk);
  }
  const text = Buffer.concat(chunks).toString('utf8').trim();
  if (text === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new ServerError('INVALID_ARGUMENT', 'the request body is not valid JSON');
  }
}
