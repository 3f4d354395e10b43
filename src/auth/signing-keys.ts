/**
 * The server's token-signing keys, kept in the catalog (kind `signingKey`) so every node of a
 * shared database signs and verifies alike. The newest key signs; a key replaced by `rotate()`
 * still verifies, and stays in the JWKS, for `retainMs` after its replacement (the token
 * lifetime plus slack), so tokens it signed keep working until they expire. After that it is
 * neither trusted nor published, and the next rotation deletes it.
 */
import { createPrivateKey, generateKeyPairSync, randomUUID, type JsonWebKey, type KeyObject } from 'node:crypto';
import { compact } from '../lib/compact.ts';

export interface SigningKeyData {
  createdAtMs: number;
  privateJwk: JsonWebKey;
  publicJwk: JsonWebKey;
}

/** Where the keys are kept: the control plane's catalog (control/auth-sources.ts). */
export interface SigningKeyStore {
  create(kid: string, data: SigningKeyData): Promise<unknown>;
  list(limit: number): Promise<{ kid: string; data: SigningKeyData }[]>;
  delete(kid: string): Promise<unknown>;
}

interface StoredKey {
  kid: string;
  data: SigningKeyData;
  /** When the next key replaced this one; undefined for the active key. */
  retiredAtMs?: number;
}

export interface ActiveKey {
  kid: string;
  privateKey: KeyObject;
}

/** A key as the rotation route lists it (no private material). */
export interface SigningKeyInfo {
  kid: string;
  active: boolean;
  createdOn: string;
  retiredOn?: string;
  /** When a retired key stops verifying: its last tokens have expired by then. */
  trustedUntil?: string;
}

/** More keys than this are dropped oldest first even within their retention (rotating in a loop). */
const KEYS_MAX = 10;
/** How long the set read from the catalog is reused; a rotation on another node shows within it. */
export const SIGNING_KEYS_CACHE_MS = 5_000;

export class SigningKeys {
  readonly #store: SigningKeyStore;
  readonly #now: () => number;
  readonly #retainMs: number;
  #cache: { atMs: number; keys: StoredKey[] } | undefined;

  /** `retainMs`: how long a replaced key keeps verifying (at least the token lifetime). */
  constructor(store: SigningKeyStore, now: () => number, retainMs: number) {
    this.#store = store;
    this.#now = now;
    this.#retainMs = retainMs;
  }

  /** The key new tokens are signed with; creates the first one. */
  async active(): Promise<ActiveKey> {
    let keys = await this.#all();
    if (keys.length === 0) {
      await this.rotate();
      keys = await this.#all();
    }
    const newest = keys[keys.length - 1]!;
    return { kid: newest.kid, privateKey: createPrivateKey({ key: newest.data.privateJwk, format: 'jwk' }) };
  }

  /**
   * Adds a new signing key, which signs from now on (on other nodes within
   * SIGNING_KEYS_CACHE_MS); deletes keys whose retention has passed, and the oldest beyond KEYS_MAX.
   */
  async rotate(): Promise<string> {
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const kid = randomUUID();
    const data: SigningKeyData = { createdAtMs: this.#now(), privateJwk: privateKey.export({ format: 'jwk' }), publicJwk: publicKey.export({ format: 'jwk' }) };
    await this.#store.create(kid, data);
    this.#cache = undefined;
    const keys = await this.#stored();
    const overflow = Math.max(0, keys.length - KEYS_MAX);
    for (const [i, old] of keys.entries()) {
      if (i < overflow || !this.#trusted(old)) await this.#store.delete(old.kid);
    }
    this.#cache = undefined;
    return kid;
  }

  /** Public keys of every trusted key as a JWKS document. */
  async jwks(): Promise<{ keys: JsonWebKey[] }> {
    return { keys: (await this.#all()).map(({ kid, data }) => ({ ...data.publicJwk, kid, use: 'sig', alg: 'ES256' })) };
  }

  async list(): Promise<SigningKeyInfo[]> {
    return (await this.#all()).map((key) => {
      const retiredAtMs = key.retiredAtMs;
      return compact({
        kid: key.kid,
        active: retiredAtMs === undefined,
        createdOn: new Date(key.data.createdAtMs).toISOString(),
        retiredOn: retiredAtMs === undefined ? undefined : new Date(retiredAtMs).toISOString(),
        trustedUntil: retiredAtMs === undefined ? undefined : new Date(retiredAtMs + this.#retainMs).toISOString(),
      });
    });
  }

  async publicKey(kid: string): Promise<JsonWebKey | undefined> {
    let found = (await this.#all()).find((k) => k.kid === kid);
    if (found === undefined && this.#cache !== undefined) {
      this.#cache = undefined; // a key made by another node since the cache was filled
      found = (await this.#all()).find((k) => k.kid === kid);
    }
    return found?.data.publicJwk;
  }

  #trusted(key: StoredKey): boolean {
    return key.retiredAtMs === undefined || this.#now() < key.retiredAtMs + this.#retainMs;
  }

  /** The trusted keys, oldest first; the last one signs. */
  async #all(): Promise<StoredKey[]> {
    if (this.#cache !== undefined && this.#now() - this.#cache.atMs < SIGNING_KEYS_CACHE_MS) return this.#cache.keys;
    const keys = (await this.#stored()).filter((key) => this.#trusted(key));
    this.#cache = { atMs: this.#now(), keys };
    return keys;
  }

  async #stored(): Promise<StoredKey[]> {
    const keys: StoredKey[] = (await this.#store.list(KEYS_MAX * 2)).sort((a, b) => a.data.createdAtMs - b.data.createdAtMs || a.kid.localeCompare(b.kid));
    for (let i = 0; i + 1 < keys.length; i++) keys[i]!.retiredAtMs = keys[i + 1]!.data.createdAtMs;
    return keys;
  }
}
