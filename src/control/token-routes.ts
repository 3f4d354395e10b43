/**
 * The token service's routes: OIDC discovery and JWKS, `POST /auth/login` (user name and
 * password to a token), the managed-identity endpoint `GET /msi/token` (App Service protocol, as
 * @azure/identity's ManagedIdentityCredential speaks it with IDENTITY_ENDPOINT and
 * IDENTITY_HEADER), and listing and rotating the signing keys (Owner at the root). The first
 * four are public: they are how a caller gets a token.
 */
import type { Principal } from '../auth/decide.ts';
import type { SignIn } from '../auth/sign-in.ts';
import type { SigningKeys } from '../auth/signing-keys.ts';
import type { TokenService } from '../auth/tokens.ts';
import { ServerError } from '../domain/errors.ts';
import { quote } from '../lib/quote.ts';
import { bodyObject, ok, type ControlContext, type ControlRequest, type ControlResponse } from './context.ts';
import type { ControlRoute } from './control-http.ts';
import { appResourceId, identityResourceId, PRINCIPALS_LIST_MAX, type AppData, type IdentityData } from './principal-resources.ts';

export interface TokenDeps {
  ctx: ControlContext;
  tokens: TokenService;
  keys: SigningKeys;
  signIn: SignIn;
}

export function tokenRoutes(deps: TokenDeps): ControlRoute[] {
  const { ctx, tokens, keys } = deps;
  const root = () => '/';
  return [
    { method: 'GET', path: '/.well-known/openid-configuration', access: 'public', run: async () => ok(discovery(tokens, ctx.baseUrl())) },
    { method: 'GET', path: '/.well-known/jwks.json', access: 'public', run: async () => ok(await keys.jwks()) },
    { method: 'POST', path: '/auth/login', access: 'public', run: (r) => login(deps.signIn, r) },
    { method: 'GET', path: '/msi/token', access: 'public', run: (r) => msiToken(deps, r) },
    { method: 'GET', path: '/auth/signing-keys', resource: root, run: async () => ok({ value: await keys.list() }) },
    { method: 'POST', path: '/auth/signing-keys/rotate', access: 'control.authorization', resource: root, run: async () => ok({ kid: await keys.rotate(), keys: await keys.list() }) },
  ];
}

function discovery(tokens: TokenService, base: string): object {
  return {
    issuer: tokens.options.issuer, jwks_uri: `${base}/.well-known/jwks.json`, token_endpoint: `${base}/auth/login`,
    id_token_signing_alg_values_supported: ['ES256'], response_types_supported: ['token'], subject_types_supported: ['public'],
  };
}

/** A user name and password to an access token (auth/sign-in.ts: throttled, equal work for unknown users). */
async function login(signIn: SignIn, { body, address }: ControlRequest): Promise<ControlResponse> {
  const { username, password, newPassword } = bodyObject(body);
  const signedIn = await signIn.signIn(username, password, address, newPassword);
  return ok({ accessToken: signedIn.accessToken, expiresOn: new Date(signedIn.expiresOnMs).toISOString(), tokenType: 'Bearer', user: signedIn.user });
}

/** The managed-identity protocol: the app is known by its X-IDENTITY-HEADER secret. */
async function msiToken({ ctx, tokens }: TokenDeps, request: ControlRequest): Promise<ControlResponse> {
  const secret = request.header('x-identity-header');
  if (secret === undefined || secret === '') throw new ServerError('UNAUTHENTICATED', 'the X-IDENTITY-HEADER header is required');
  const apps = await ctx.catalog.list<AppData>('app', [], PRINCIPALS_LIST_MAX);
  const app = apps.find((a) => a.data.identityHeader === secret);
  if (app === undefined) throw new ServerError('UNAUTHENTICATED', 'the X-IDENTITY-HEADER secret belongs to no app');
  const resource = request.query.get('resource') ?? '';
  if (resource.replace(/\/\.default$/, '').replace(/\/+$/, '') !== tokens.options.audience.replace(/\/+$/, '')) {
    throw new ServerError('INVALID_ARGUMENT', `tokens are issued for resource ${quote(tokens.options.audience)} only, not ${quote(resource)}`);
  }
  const identities = await ctx.catalog.list<IdentityData>('identity', [], PRINCIPALS_LIST_MAX);
  const chosen = pickIdentity(identities.map((e) => ({ id: identityResourceId(e.path), name: e.path[2] as string, data: e.data })), app.path, app.data, request.query);
  const token = await tokens.issue(chosen.principal, { appid: chosen.clientId, xms_mirid: chosen.resourceId });
  return ok({ access_token: token.accessToken, expires_on: String(Math.floor(token.expiresOnMs / 1000)), resource, token_type: 'Bearer', client_id: chosen.clientId });
}

/** Assigned by its resource id, and (when the app keeps it) as the principal it is now. */
function isAssigned(app: AppData, resourceId: string, principalId: string): boolean {
  const id = resourceId.toLowerCase();
  if (!app.userAssignedIdentities.some((x) => x.toLowerCase() === id)) return false;
  return app.assignedPrincipals === undefined || app.assignedPrincipals[id] === principalId;
}

interface Chosen {
  principal: Principal;
  clientId: string;
  resourceId: string;
}

/** The identity a token request names (client_id, principal_id/object_id, mi_res_id), if the app has it; else its system-assigned one. */
function pickIdentity(identities: { id: string; name: string; data: IdentityData }[], appPath: readonly string[], app: AppData, query: URLSearchParams): Chosen {
  const clientId = (query.get('client_id') ?? query.get('clientid'))?.toLowerCase();
  const objectId = (query.get('principal_id') ?? query.get('object_id'))?.toLowerCase();
  const resourceId = (query.get('mi_res_id') ?? query.get('msi_res_id'))?.toLowerCase();
  const appName = appPath[2] as string;
  const system = app.systemAssigned;
  const systemChosen = (): Chosen | undefined => system === undefined ? undefined : { principal: { id: system.principalId, kind: 'systemAssignedIdentity', name: appName }, clientId: system.clientId, resourceId: appResourceId(appPath) };
  if (clientId === undefined && objectId === undefined && resourceId === undefined) {
    const chosen = systemChosen();
    if (chosen === undefined) throw new ServerError('INVALID_ARGUMENT', `the app ${quote(appName)} has no system-assigned identity; pass client_id of an assigned one`);
    return chosen;
  }
  for (const identity of identities) {
    const matches = identity.data.clientId.toLowerCase() === clientId || identity.data.principalId.toLowerCase() === objectId || identity.id.toLowerCase() === resourceId;
    if (matches && isAssigned(app, identity.id, identity.data.principalId)) {
      return { principal: { id: identity.data.principalId, kind: 'userAssignedIdentity', name: identity.name }, clientId: identity.data.clientId, resourceId: identity.id };
    }
  }
  if (system !== undefined && clientId === system.clientId.toLowerCase()) return systemChosen() as Chosen;
  throw new ServerError('PERMISSION_DENIED', `the identity ${quote(clientId ?? objectId ?? resourceId)} is not assigned to the app ${quote(appName)}`);
}
