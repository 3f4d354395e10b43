/**
 * The signing keys of one external OIDC issuer: its discovery document names its JWKS, both are
 * fetched over https only, and the key set is cached for KEYS_TTL_MS. A token naming a key the
 * cached set lacks (the issuer rotated) makes the set be fetched again, at most every
 * REFETCH_MIN_MS, so tokens with made-up key ids cannot make this server hammer the issuer. Key
 * selection (kid, key type, curve, use) is jose's `createLocalJWKSet`.
 *
 * An issuer that cannot be reached is UNAVAILABLE (retryable): the caller's token is not at fault.
 * While a set is cached, a failed refresh keeps using it until the next attempt.
 */
import { createLocalJWKSet, errors, type JSONWebKeySet, type JWTVerifyGetKey } from 'jose';
import { ServerError } from '../domain/errors.ts';

/** Reads a JSON document from an https URL. */
export type FetchJson = (url: string) => Promise<unknown>;

const KEYS_TTL_MS = 10 * 60_000;
const REFETCH_MIN_MS = 30_000;
const FETCH_TIMEOUT_MS = 5_000;
const DOCUMENT_BYTES_MAX = 1024 * 1024;

type KeySet = ReturnType<typeof createLocalJWKSet>;

export class OidcIssuerKeys {
  readonly #issuer: string;
  readonly #now: () => number;
  readonly #fetchJson: FetchJson;
  #cached: { atMs: number; keys: KeySet } | undefined;
  /** The last fetch, shared by the calls that wait for it; it rejects when the fetch failed. */
  #attempt: { atMs: number; keys: Promise<KeySet> } | undefined;

  constructor(issuer: string, now: () => number, fetchJson: FetchJson = fetchHttpsJson) {
    this.#issuer = issuer;
    this.#now = now;
    this.#fetchJson = fetchJson;
  }

  readonly getKey: JWTVerifyGetKey = async (header, token) => {
    const cached = this.#cached;
    if (cached !== undefined && this.#now() - cached.atMs < KEYS_TTL_MS) {
      try {
        return await cached.keys(header, token);
      } catch (error) {
        if (!(error instanceof errors.JWKSNoMatchingKey)) throw error;
      }
    }
    return (await this.#refresh())(header, token);
  };

  /** The set of the latest fetch, starting one unless the last began under REFETCH_MIN_MS ago. */
  async #refresh(): Promise<KeySet> {
    if (this.#attempt === undefined || this.#now() - this.#attempt.atMs >= REFETCH_MIN_MS) {
      const keys = this.#fetch();
      this.#attempt = { atMs: this.#now(), keys };
      keys.then((set) => (this.#cached = { atMs: this.#now(), keys: set }), () => undefined);
    }
    try {
      return await this.#attempt.keys;
    } catch (error) {
      if (this.#cached !== undefined) return this.#cached.keys;
      throw error;
    }
  }

  async #fetch(): Promise<KeySet> {
    try {
      const discovery = (await this.#fetchJson(`${this.#issuer.replace(/\/+$/, '')}/.well-known/openid-configuration`)) as { issuer?: unknown; jwks_uri?: unknown };
      if (!sameIssuer(this.#issuer, discovery.issuer)) throw new Error(`its discovery document names the issuer ${JSON.stringify(discovery.issuer)}`);
      if (typeof discovery.jwks_uri !== 'string' || !discovery.jwks_uri.startsWith('https://')) throw new Error('its discovery document has no https jwks_uri');
      return createLocalJWKSet((await this.#fetchJson(discovery.jwks_uri)) as JSONWebKeySet);
    } catch (error) {
      throw new ServerError('UNAVAILABLE', `the signing keys of issuer '${this.#issuer}' cannot be read: ${(error as Error).message}`, { cause: error });
    }
  }
}

export function sameIssuer(configured: string, iss: unknown): boolean {
  return typeof iss === 'string' && iss.replace(/\/+$/, '') === configured.replace(/\/+$/, '');
}

/** GET over https only (no redirects), bounded in time and size. */
async function fetchHttpsJson(url: string): Promise<unknown> {
  if (!url.startsWith('https://')) throw new Error(`${url} is not an https URL`);
  const response = await fetch(url, { signal: AbortSignal.timeout(FETCH_TIMEOUT_MS), redirect: 'error' });
  if (!response.ok) throw new Error(`${url} answered ${response.status}`);
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of response.body ?? []) {
    size += chunk.length;
    if (size > DOCUMENT_BYTES_MAX) throw new Error(`${url} answered more than ${DOCUMENT_BYTES_MAX} bytes`);
    chunks.push(chunk);
  }
  return JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown;
}
