/**
 * Access tokens: issued by this server (ES256, signed with the catalog's keys) and verified,
 * together with tokens of configured external OIDC issuers, whose keys come from the JWKS named
 * by their discovery document. A verified token yields a principal; a token of this server for
 * a principal the directory no longer knows is refused.
 */
import type { JsonWebKey } from 'node:crypto';
import { checkClaims, decodeJwt, signJwt, unauthenticated, verifyJwtSignature, type JwtClaims } from './jwt.ts';
import type { Principal } from './decide.ts';
import { TENANT_ID, type Directory } from './directory.ts';
import type { SigningKeys } from './signing-keys.ts';

export interface TokenOptions {
  /** This server's issuer URL (its HTTP base URL). */
  issuer: string;
  audience: string;
  lifetimeMs: number;
  external: { issuer: string; principalClaim?: string }[];
}

export interface IssuedToken {
  accessToken: string;
  expiresOnMs: number;
}

const EXTERNAL_KEYS_TTL_MS = 10 * 60_000;
/** An unknown kid makes the issuer's JWKS be fetched again, at most this often. */
const EXTERNAL_REFETCH_MIN_MS = 30_000;

export class TokenService {
  readonly options: TokenOptions; // issuer is set once the HTTP port is known
  readonly #keys: SigningKeys;
  readonly #directory: Directory;
  readonly #now: () => number;
  readonly #external = new Map<string, { atMs: number; keys: JsonWebKey[] }>();

  constructor(options: TokenOptions, keys: SigningKeys, directory: Directory, now: () => number) {
    this.options = options;
    this.#keys = keys;
    this.#directory = directory;
    this.#now = now;
  }

  async issue(principal: Principal, extra: JwtClaims = {}, audience = this.options.audience): Promise<IssuedToken> {
    const key = await this.#keys.active();
    const now = this.#now();
    const expiresOnMs = now + this.options.lifetimeMs;
    const claims: JwtClaims = {
      ...extra,
      iss: this.options.issuer,
      aud: audience,
      sub: principal.id,
      oid: principal.id,
      tid: TENANT_ID,
      name: principal.name,
      idtyp: principal.kind === 'user' ? 'user' : 'app',
      iat: Math.floor(now / 1000),
      nbf: Math.floor(now / 1000),
      exp: Math.floor(expiresOnMs / 1000),
    };
    return { accessToken: signJwt(claims, key.kid, key.privateKey), expiresOnMs };
  }

  /** The principal of a bearer token, or UNAUTHENTICATED naming what is wrong with it. */
  async verify(token: string | undefined): Promise<Principal> {
    if (token === undefined || token === '') throw unauthenticated('no bearer token: send "authorization: Bearer <token>"');
    const jwt = decodeJwt(token);
    const external = this.options.external.find((e) => sameIssuer(e.issuer, jwt.claims.iss));
    if (external !== undefined) {
      const jwk = await this.#externalKey(external.issuer, jwt.header.kid);
      if (jwk === undefined || !verifyJwtSignature(jwt, jwk)) throw unauthenticated('the token signature is not valid');
      checkClaims(jwt.claims, { issuer: jwt.claims.iss as string, audience: this.options.audience, nowMs: this.#now() });
      const claim = external.principalClaim;
      const id = claim !== undefined ? jwt.claims[claim] : (jwt.claims['oid'] ?? jwt.claims.sub);
      if (typeof id !== 'string' || id === '') throw unauthenticated(`the token has no principal claim '${claim ?? 'oid/sub'}'`);
      const name = jwt.claims['preferred_username'] ?? jwt.claims['upn'] ?? id;
      return { id, kind: 'external', name: String(name) };
    }
    const jwk = jwt.header.kid === undefined ? undefined : await this.#keys.publicKey(jwt.header.kid);
    if (jwk === undefined || !verifyJwtSignature(jwt, jwk)) throw unauthenticated('the token signature is not valid');
    checkClaims(jwt.claims, { issuer: this.options.issuer, audience: this.options.audience, nowMs: this.#now() });
    const principal = (await this.#directory.snapshot()).principals.get(String(jwt.claims.sub).toLowerCase());
    if (principal === undefined) throw unauthenticated(`the token's principal '${String(jwt.claims.sub)}' is not known (deleted?)`);
    return principal;
  }

  async #externalKey(issuer: string, kid: string | undefined): Promise<JsonWebKey | undefined> {
    let cached = this.#external.get(issuer);
    const age = cached === undefined ? Infinity : this.#now() - cached.atMs;
    const find = () => cached?.keys.find((k) => kid === undefined || (k as { kid?: string }).kid === kid);
    if (age >= EXTERNAL_KEYS_TTL_MS || (find() === undefined && age >= EXTERNAL_REFETCH_MIN_MS)) {
      try {
        cached = { atMs: this.#now(), keys: await fetchJwks(issuer) };
        this.#external.set(issuer, cached);
      } catch (error) {
        throw unauthenticated(`the keys of issuer '${issuer}' could not be fetched: ${(error as Error).message}`);
      }
    }
    return find();
  }
}

async function fetchJwks(issuer: string): Promise<JsonWebKey[]> {
  const discovery = await fetchJson(`${issuer.replace(/\/+$/, '')}/.well-known/openid-configuration`);
  const jwksUri = (discovery as { jwks_uri?: unknown }).jwks_uri;
  if (typeof jwksUri !== 'string') throw new Error('the discovery document has no jwks_uri');
  const jwks = (await fetchJson(jwksUri)) as { keys?: unknown };
  if (!Array.isArray(jwks.keys)) throw new Error('the JWKS has no keys');
  return jwks.keys as JsonWebKey[];
}

async function fetchJson(url: string): Promise<unknown> {
  const response = await fetch(url, { signal: AbortSignal.timeout(5_000) });
  if (!response.ok) throw new Error(`${url} answered ${response.status}`);
  return response.json();
}

function sameIssuer(configured: string, iss: unknown): boolean {
  return typeof iss === 'string' && iss.replace(/\/+$/, '') === configured.replace(/\/+$/, '');
}

export function bearerOf(header: string | undefined): string | undefined {
  if (header === undefined) return undefined;
  const match = /^Bearer\s+(.+)$/i.exec(header.trim());
  return match?.[1];
}
