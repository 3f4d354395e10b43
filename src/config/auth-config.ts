/**
 * The identity and transport part of the serve configuration: `--auth`, TLS, token audience
 * and lifetime, external OIDC issuers. Safe defaults: no flags is the open, emulator-compatible
 * server on loopback; a non-loopback host without auth is refused unless --insecure-no-auth.
 */
import { isIP } from 'node:net';
import { resolve } from 'node:path';

export interface AuthConfig {
  enabled: boolean;
  tls?: { certFile: string; keyFile: string };
  /** Where the generated CA, certificate and admin password go. */
  dataDir: string;
  audience: string;
  tokenLifetimeMs: number;
  oidcIssuers: string[];
  oidcPrincipalClaim?: string;
  /** Trust users and grants made while auth was off (auth/grants-made-without-auth.ts). */
  trustGrantsMadeWithoutAuth: boolean;
}

interface Spec {
  env?: string;
  boolean?: boolean;
  help: string;
}

export const AUTH_FLAGS: Record<string, Spec> = {
  auth: { env: 'DTS_AUTH', boolean: true, help: 'require a token and a role for every data-plane and control-plane request (turns TLS on)' },
  'trust-grants-made-without-auth': { boolean: true, help: 'with --auth: keep the users, identities, apps and role assignments made while auth was off (anyone could make them); without it such a database is refused' },
  'insecure-no-auth': { boolean: true, help: 'allow a non-loopback --host without --auth (anyone who can reach the port has full access)' },
  'tls-cert': { env: 'DTS_TLS_CERT', help: 'PEM certificate (chain) for the gRPC and HTTP listeners' },
  'tls-key': { env: 'DTS_TLS_KEY', help: 'PEM private key of --tls-cert' },
  'token-audience': { env: 'DTS_TOKEN_AUDIENCE', help: 'audience of access tokens (default https://durabletask.io)' },
  'token-lifetime-s': { env: 'DTS_TOKEN_LIFETIME_S', help: 'lifetime of issued tokens in seconds (default 3600)' },
  'oidc-issuer': { env: 'DTS_OIDC_ISSUER', help: 'comma-separated external OIDC issuer URLs whose tokens are accepted' },
  'oidc-principal-claim': { env: 'DTS_OIDC_PRINCIPAL_CLAIM', help: 'claim of external tokens naming the principal (default oid, else sub)' },
};

export function parseAuthConfig(values: Record<string, string | undefined>, host: string, dataDir: string, fail: (message: string) => Error): AuthConfig {
  const enabled = truthy(values['auth']);
  if (!enabled && !isLoopback(host) && !truthy(values['insecure-no-auth'])) {
    throw fail(`--host ${host} is not a loopback address: add --auth, or --insecure-no-auth to serve it without authentication`);
  }
  const trustGrantsMadeWithoutAuth = truthy(values['trust-grants-made-without-auth']);
  if (trustGrantsMadeWithoutAuth && !enabled) throw fail('--trust-grants-made-without-auth goes with --auth');
  const cert = values['tls-cert'];
  const key = values['tls-key'];
  if ((cert === undefined) !== (key === undefined)) throw fail('--tls-cert and --tls-key go together');
  const lifetime = Number(values['token-lifetime-s'] ?? 3600);
  if (!Number.isInteger(lifetime) || lifetime < 60 || lifetime > 86_400) throw fail('--token-lifetime-s must be an integer from 60 to 86400');
  const issuers = (values['oidc-issuer'] ?? '').split(',').map((s) => s.trim()).filter((s) => s !== '');
  for (const issuer of issuers) checkIssuerUrl(issuer, fail);
  const config: AuthConfig = {
    enabled,
    dataDir: resolve(dataDir),
    audience: values['token-audience'] ?? 'https://durabletask.io',
    tokenLifetimeMs: lifetime * 1000,
    oidcIssuers: issuers,
    trustGrantsMadeWithoutAuth,
  };
  if (cert !== undefined && key !== undefined) config.tls = { certFile: resolve(cert), keyFile: resolve(key) };
  if (values['oidc-principal-claim'] !== undefined) config.oidcPrincipalClaim = values['oidc-principal-claim'];
  return config;
}

/** Only https: the issuer's keys decide who may do what, and over plain http anyone on the path could swap them. */
function checkIssuerUrl(issuer: string, fail: (message: string) => Error): void {
  let url: URL | undefined;
  try {
    url = new URL(issuer);
  } catch {
    url = undefined;
  }
  if (url?.protocol !== 'https:' || url.username !== '' || url.password !== '' || url.search !== '' || url.hash !== '') {
    throw fail(`--oidc-issuer '${issuer}' must be an https URL without credentials, query or fragment (its keys are fetched from it, and over http anyone on the path could replace them)`);
  }
}

function isLoopback(host: string): boolean {
  if (host === 'localhost') return true;
  if (isIP(host) === 4) return host.startsWith('127.');
  return host === '::1';
}

function truthy(value: string | undefined): boolean {
  return value !== undefined && ['1', 'true', 'yes', 'on'].includes(value.toLowerCase());
}
