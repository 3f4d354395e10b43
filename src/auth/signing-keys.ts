/**
 * The server's token-signing keys, kept in the catalog (kind `signingKey`) so every node of a
 * shared database signs and verifies alike. The newest key signs; all kept keys verify and are
 * published in the JWKS, so `rotate()` does not invalidate tokens already issued. Keys older
 * than `retainMs` after a rotation are dropped.
 */
import { createPrivateKey, generateKeyPairSync, randomUUID, type JsonWebKey, type KeyObject } from 'node:crypto';
import type { CatalogStore } from '../store/catalog.ts';

interface SigningKeyData {
  createdAtMs: number;
  privateJwk: JsonWebKey;
  publicJwk: JsonWebKey;
}

export interface ActiveKey {
  kid: string;
  privateKey: KeyObject;
}

const KEYS_MAX = 10;
/** How long the set read from the catalog is reused; a rotation on another node shows within it. */
const CACHE_MS = 5_000;

export class SigningKeys {
  readonly #catalog: CatalogStore;
  readonly #now: () => number;
  #cache: { atMs: number; keys: { kid: string; data: SigningKeyData }[] } | undefined;

  constructor(catalog: CatalogStore, now: () => number) {
    this.#catalog = catalog;
    this.#now = now;
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

  /** Adds a new signing key; keeps the previous ones for verification, dropping the oldest beyond KEYS_MAX. */
  async rotate(): Promise<string> {
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const kid = randomUUID();
    const data: SigningKeyData = { createdAtMs: this.#now(), privateJwk: privateKey.export({ format: 'jwk' }), publicJwk: publicKey.export({ format: 'jwk' }) };
    await this.#catalog.create('signingKey', [kid], data);
    this.#cache = undefined;
    const keys = await this.#all();
    for (const old of keys.slice(0, Math.max(0, keys.length - KEYS_MAX))) await this.#catalog.delete('signingKey', [old.kid]);
    this.#cache = undefined;
    return kid;
  }

  /** Public keys as a JWKS document. */
  async jwks(): Promise<{ keys: JsonWebKey[] }> {
    return { keys: (await this.#all()).map(({ kid, data }) => ({ ...data.publicJwk, kid, use: 'sig', alg: 'ES256' })) };
  }

  async publicKey(kid: string): Promise<JsonWebKey | undefined> {
    let found = (await this.#all()).find((k) => k.kid === kid);
    if (found === undefined && this.#cache !== undefined) {
      this.#cache = undefined; // a key made by another node since the cache was filled
      found = (await this.#all()).find((k) => k.kid === kid);
    }
    return found?.data.publicJwk;
  }

  async #all(): Promise<{ kid: string; data: SigningKeyData }[]> {
    if (this.#cache !== undefined && this.#now() - this.#cache.atMs < CACHE_MS) return this.#cache.keys;
    const entries = await this.#catalog.list<SigningKeyData>('signingKey', [], KEYS_MAX * 2);
    const keys = entries.map((e) => ({ kid: e.path[0] as string, data: e.data })).sort((a, b) => a.data.createdAtMs - b.data.createdAtMs);
    this.#cache = { atMs: this.#now(), keys };
    return keys;
  }
}
