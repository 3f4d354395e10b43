/**
 * Composition of identity and access: the gate (allowlists always; tokens and roles with
 * --auth), signing keys, directory, token service, the TLS certificate, the HTTP edge, and the
 * first admin user. main.ts and control-wiring.ts take what they need from here.
 */
import type { ServerConfig } from './config/config.ts';
import { AuthHttp } from './auth/auth-http.ts';
import { Directory } from './auth/directory.ts';
import { ensureAdmin } from './auth/first-admin.ts';
import { checkGrantsMadeWithoutAuth } from './auth/grants-made-without-auth.ts';
import { AccessGate } from './auth/gate.ts';
import { Passwords } from './auth/passwords.ts';
import { PrincipalOperations } from './auth/principal-operations.ts';
import { SignIn } from './auth/sign-in.ts';
import { SignInThrottle } from './auth/sign-in-throttle.ts';
import { SigningKeys, SIGNING_KEYS_CACHE_MS } from './auth/signing-keys.ts';
import { loadOrCreateTls, type TlsMaterial } from './auth/tls-material.ts';
import { CLOCK_SKEW_S, TokenService } from './auth/tokens.ts';
import type { Clock } from './lib/clock.ts';
import type { CallGuard } from './protocol/call-guard.ts';
import type { CatalogStore } from './store/catalog.ts';

export interface AuthWiring {
  tls?: TlsMaterial;
  /** Absent without a catalog; the dashboard builds its access hook from it. */
  gate?: AccessGate;
  guardFor(scope: string | undefined): CallGuard | undefined;
  http?: AuthHttp;
  /** Once the HTTP port is known: the issuer URL, and the first admin user. */
  finish(httpPort: number): Promise<void>;
}

export async function startAuth(config: Readonly<ServerConfig>, catalog: CatalogStore | undefined, clock: Clock, log: (m: string, e?: unknown) => void): Promise<AuthWiring> {
  const { auth } = config;
  const now = () => clock.now();
  const hostNames = [config.host, config.control.publicHost];
  const tls = auth.tls !== undefined || auth.enabled ? await loadOrCreateTls({ ...(auth.tls === undefined ? {} : { tls: auth.tls }), dataDir: auth.dataDir, hostNames, log }) : undefined;
  if (tls?.caFile !== undefined) log(`TLS certificate made by this server; clients trust its CA file ${tls.caFile} (NODE_EXTRA_CA_CERTS / GRPC_DEFAULT_SSL_ROOTS_FILE_PATH)`);
  if (catalog === undefined) return { ...(tls === undefined ? {} : { tls }), guardFor: () => undefined, finish: async () => undefined };
  if (auth.enabled) await checkGrantsMadeWithoutAuth(catalog, { trust: auth.trustGrantsMadeWithoutAuth, now, log });
  const directory = new Directory(catalog, now);
  // A replaced key verifies for the token lifetime, plus clock skew and the other nodes' key cache.
  const keys = new SigningKeys(catalog, now, auth.tokenLifetimeMs + CLOCK_SKEW_S * 1000 + SIGNING_KEYS_CACHE_MS);
  const tokens = new TokenService(
    { issuer: '', audience: auth.audience, lifetimeMs: auth.tokenLifetimeMs, external: auth.oidcIssuers.map((issuer) => ({ issuer, ...(auth.oidcPrincipalClaim === undefined ? {} : { principalClaim: auth.oidcPrincipalClaim }) })) },
    keys, directory, now,
  );
  const gate = new AccessGate({ auth: auth.enabled }, catalog, now, directory, tokens);
  const passwords = new Passwords();
  const principals = new PrincipalOperations(directory, now, passwords, auth.enabled);
  const signIn = new SignIn({ catalog, tokens, throttle: new SignInThrottle(), verifyPassword: (password, stored) => passwords.verify(password, stored), now, log });
  const deps = { gate, tokens, principals, signIn, keys, directory, baseUrl: '', log };
  const http = new AuthHttp(deps);
  return {
    ...(tls === undefined ? {} : { tls }),
    gate,
    http,
    guardFor: (scope) => ({ gate, scope, defaultHub: scope === undefined ? config.defaultTaskHub : 'default' }),
    finish: async (httpPort) => {
      const baseUrl = `${tls === undefined ? 'http' : 'https'}://${config.control.publicHost}:${httpPort}`;
      deps.baseUrl = baseUrl;
      tokens.options.issuer = baseUrl;
      if (auth.enabled) await ensureAdmin(principals, catalog, auth.dataDir, log);
    },
  };
}
