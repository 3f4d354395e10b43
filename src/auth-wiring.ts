/**
 * Composition of identity and access: the gate (allowlists always; tokens and roles with
 * --auth), signing keys, directory, token service, passwords and the sign-in throttle, and the
 * TLS certificate. The auth package reads the catalog only through what it declares
 * (control/auth-sources.ts). main.ts and control-wiring.ts take what they need from here.
 */
import type { ServerConfig } from './config/config.ts';
import { Directory } from './auth/directory.ts';
import { AccessGate, DEFAULT_SCHEDULER_PATH } from './auth/gate.ts';
import { Passwords } from './auth/passwords.ts';
import { SignInThrottle } from './auth/sign-in-throttle.ts';
import { SigningKeys, SIGNING_KEYS_CACHE_MS } from './auth/signing-keys.ts';
import type { TlsMaterial } from './auth/tls-material.ts';
import { CLOCK_SKEW_S, TokenService } from './auth/tokens.ts';
import { allowlistSource, directorySource, signingKeyStore } from './control/auth-sources.ts';
import { checkGrantsMadeWithoutAuth } from './control/grants-made-without-auth.ts';
import type { Clock } from './lib/clock.ts';
import { compact } from './lib/compact.ts';
import type { CallGuard } from './protocol/call-guard.ts';
import type { CatalogStore } from './store/catalog.ts';
import { throttledLogger, type Logger } from './lib/logger.ts';

/** Refused requests logged a second at most: a hostile client must not flood the log. */
const REFUSALS_LOGGED_PER_S = 20;

export interface AuthWiring {
  tls?: TlsMaterial;
  gate: AccessGate;
  directory: Directory;
  tokens: TokenService;
  keys: SigningKeys;
  passwords: Passwords;
  throttle: SignInThrottle;
  guardFor(schedulerKey: string | undefined): CallGuard;
  /** Once the HTTP port is known: this server's base URL is the issuer of its tokens. */
  setIssuer(baseUrl: string): void;
}

export async function startAuth(config: Readonly<ServerConfig>, catalog: CatalogStore, clock: Clock, log: Logger): Promise<AuthWiring> {
  const { auth } = config;
  const now = () => clock.now();
  const hostNames = [config.host, config.control.publicHost];
  // The X.509 library is loaded only when the server serves TLS: it costs start-up time and memory.
  const tlsMaterial = auth.tls !== undefined || auth.enabled ? await import('./auth/tls-material.ts') : undefined;
  const tls = await tlsMaterial?.loadOrCreateTls(compact({ tls: auth.tls, dataDir: auth.dataDir, hostNames, log }));
  if (tls?.caFile !== undefined) log.info(`TLS certificate made by this server; clients trust its CA file ${tls.caFile} (NODE_EXTRA_CA_CERTS / GRPC_DEFAULT_SSL_ROOTS_FILE_PATH)`);
  if (auth.enabled) await checkGrantsMadeWithoutAuth(catalog, { trust: auth.trustGrantsMadeWithoutAuth, now, log });
  const directory = new Directory(directorySource(catalog), now);
  // A replaced key verifies for the token lifetime, plus clock skew and the other nodes' key cache.
  const keys = new SigningKeys(signingKeyStore(catalog), now, auth.tokenLifetimeMs + CLOCK_SKEW_S * 1000 + SIGNING_KEYS_CACHE_MS);
  const tokens = new TokenService(
    { issuer: '', audience: auth.audience, lifetimeMs: auth.tokenLifetimeMs, external: auth.oidcIssuers.map((issuer) => compact({ issuer, principalClaim: auth.oidcPrincipalClaim })) },
    keys, directory, now,
  );
  const gate = new AccessGate({ auth: auth.enabled, log: throttledLogger(log, REFUSALS_LOGGED_PER_S, now) }, allowlistSource(catalog), now, directory, tokens);
  return compact({
    tls,
    gate,
    directory,
    tokens,
    keys,
    passwords: new Passwords(),
    throttle: new SignInThrottle(),
    guardFor: (schedulerKey) => ({
      gate,
      schedulerPath: schedulerKey === undefined ? DEFAULT_SCHEDULER_PATH : schedulerKey.split('/'),
      defaultHub: schedulerKey === undefined ? config.defaultTaskHub : 'default',
    }),
    setIssuer: (baseUrl) => {
      tokens.options.issuer = baseUrl;
    },
  });
}
