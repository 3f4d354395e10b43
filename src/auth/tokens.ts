/**
 * Access tokens: issued by this server (ES256, signed with the catalog's keys) and verified with
 * `jose`, together with tokens of the configured external OIDC issuers (oidc-issuer-keys.ts).
 * jose checks the structure, `crit`, the algorithm against an allow-list, the key's type and
 * curve, the signature and the claims; this module picks the keys and the expected issuer and
 * turns every refusal into UNAUTHENTICATED naming what is wrong. A verified token of this server
 * for a principal the directory no longer knows is refused.
 */
import { createPublicKey, type KeyObject } from 'node:crypto';
import { decodeJwt, decodeProtectedHeader, errors, jwtVerify, SignJWT, type JWTPayload, type JWTVerifyGetKey } from 'jose';
import { isServerError, ServerError } from '../domain/errors.ts';
import type { Principal } from './decide.ts';
import { TENANT_ID, type Directory } from './directory.ts';
import { OidcIssuerKeys, sameIssuer, type FetchJson } from './oidc-issuer-keys.ts';
import type { SigningKeys } from './signing-keys.ts';

export interface TokenOptions {
  /** This server's issuer URL (its HTTP base URL). */
  issuer: string;
  audience: string;
  lifetimeMs: number;
  /** Trusted external issuers (`https` URLs only, checked by the configuration). */
  external: { issuer: string; principalClaim?: string }[];
}

export interface IssuedToken {
  accessToken: string;
  expiresOnMs: number;
}

/** Tokens larger than this are refused unread. */
const JWT_BYTES_MAX = 16 * 1024;
/** Clock skew tolerated on exp and nbf. */
export const CLOCK_SKEW_S = 60;
const OWN_ALGORITHMS = ['ES256'];
/** More than the signing keys ever trusted at once (signing-keys.ts keeps at most 10). */
const OWN_KEY_OBJECTS_MAX = 32;
const EXTERNAL_ALGORITHMS = ['ES256', 'RS256'];

interface Expected {
  issuer: string;
  algorithms: string[];
  keys: JWTVerifyGetKey;
}

export class TokenService {
  readonly options: TokenOptions; // issuer is set once the HTTP port is known
  readonly #keys: SigningKeys;
  readonly #directory: Directory;
  readonly #now: () => number;
  readonly #external: { issuer: string; principalClaim?: string; keys: OidcIssuerKeys }[];
  /**
   * Our public keys by kid, kept so jose reuses the key it imported from each (a kid names one key
   * forever); whether a kid is still trusted is asked of SigningKeys on every call.
   */
  readonly #ownKeyObjects = new Map<string, KeyObject>();

  /** `fetchJson` reads the external issuers' discovery documents and key sets (tests trust their own CA with it). */
  constructor(options: TokenOptions, keys: SigningKeys, directory: Directory, now: () => number, fetchJson?: FetchJson) {
    this.options = options;
    this.#keys = keys;
    this.#directory = directory;
    this.#now = now;
    this.#external = options.external.map((e) => ({ ...e, keys: new OidcIssuerKeys(e.issuer, now, fetchJson) }));
  }

  async issue(principal: Principal, extra: JWTPayload = {}, audience = this.options.audience): Promise<IssuedToken> {
    const key = await this.#keys.active();
    const now = this.#now();
    const expiresOnMs = now + this.options.lifetimeMs;
    const claims: JWTPayload = {
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
    const accessToken = await new SignJWT(claims).setProtectedHeader({ alg: 'ES256', typ: 'JWT', kid: key.kid }).sign(key.privateKey);
    return { accessToken, expiresOnMs };
  }

  /** The principal of a bearer token, or UNAUTHENTICATED naming what is wrong with it. */
  async verify(token: string | undefined): Promise<Principal> {
    if (token === undefined || token === '') throw unauthenticated('no bearer token: send "authorization: Bearer <token>"');
    if (token.length > JWT_BYTES_MAX) throw unauthenticated(`the bearer token is larger than ${JWT_BYTES_MAX} bytes`);
    // The unverified issuer only chooses which keys and checks apply; a refusal on it is always safe.
    const iss = unverifiedIssuer(token);
    const external = this.#external.find((e) => sameIssuer(e.issuer, iss));
    if (external !== undefined) {
      const claims = await this.#check(token, { issuer: external.issuer, algorithms: EXTERNAL_ALGORITHMS, keys: external.keys.getKey });
      const claim = external.principalClaim;
      const id = claim !== undefined ? claims[claim] : (claims['oid'] ?? claims.sub);
      if (typeof id !== 'string' || id === '') throw unauthenticated(`the token has no principal claim '${claim ?? 'oid/sub'}'`);
      const name = claims['preferred_username'] ?? claims['upn'] ?? id;
      return { id, kind: 'external', name: String(name) };
    }
    if (iss !== this.options.issuer) {
      throw unauthenticated(`the token's issuer ${quoted(iss)} is not trusted: this server issues as '${this.options.issuer}'${this.#external.length === 0 ? '' : ', and trusts ' + this.#external.map((e) => `'${e.issuer}'`).join(', ')}`);
    }
    const claims = await this.#check(token, { issuer: this.options.issuer, algorithms: OWN_ALGORITHMS, keys: this.#ownKey });
    const principal = (await this.#directory.snapshot()).principals.get(String(claims.sub).toLowerCase());
    if (principal === undefined) throw unauthenticated(`the token's principal '${String(claims.sub)}' is not known (deleted?)`);
    return principal;
  }

  async #check(token: string, expected: Expected): Promise<JWTPayload> {
    const audience = this.options.audience.replace(/\/+$/, '');
    const issuer = expected.issuer.replace(/\/+$/, '');
    try {
      const { payload } = await jwtVerify(token, expected.keys, {
        issuer: [issuer, `${issuer}/`],
        // Azure clients ask for '<audience>/.default'; some issuers keep a trailing slash.
        audience: [audience, `${audience}/`, `${audience}/.default`],
        algorithms: expected.algorithms,
        requiredClaims: ['exp'],
        clockTolerance: CLOCK_SKEW_S,
        currentDate: new Date(this.#now()),
      });
      return payload;
    } catch (error) {
      throw refusal(error, token, expected, this.options.audience);
    }
  }

  readonly #ownKey: JWTVerifyGetKey = async (header) => {
    if (header.kid === undefined) throw unauthenticated('the token names no signing key (no kid)');
    const jwk = await this.#keys.publicKey(header.kid);
    if (jwk === undefined) throw unauthenticated(`the token's signing key ${quoted(header.kid)} is not known: retired past its tokens' lifetime, or not this server's`);
    let key = this.#ownKeyObjects.get(header.kid);
    if (key === undefined) {
      if (this.#ownKeyObjects.size >= OWN_KEY_OBJECTS_MAX) this.#ownKeyObjects.clear();
      key = createPublicKey({ key: jwk, format: 'jwk' });
      this.#ownKeyObjects.set(header.kid, key);
    }
    return key;
  };
}

function unverifiedIssuer(token: string): unknown {
  try {
    return decodeJwt(token).iss;
  } catch (error) {
    throw unauthenticated(`the bearer token is not a JWT: ${(error as Error).message}`);
  }
}

/** The precise UNAUTHENTICATED for a refusal by jose; our own errors (key lookup, store) pass through. */
function refusal(error: unknown, token: string, expected: Expected, audience: string): unknown {
  if (isServerError(error)) return error;
  if (error instanceof errors.JWTExpired) return unauthenticated('the token has expired');
  if (error instanceof errors.JWTClaimValidationFailed) {
    if (error.claim === 'iss') return unauthenticated(`the token's issuer is not '${expected.issuer}'`);
    if (error.claim === 'aud') return unauthenticated(`the token's audience is not '${audience}'`);
    if (error.claim === 'nbf') return unauthenticated('the token is not valid yet');
    return unauthenticated(`the token's claims are not valid: ${error.message}`);
  }
  if (error instanceof errors.JWSSignatureVerificationFailed) return unauthenticated('the token signature is not valid');
  if (error instanceof errors.JOSEAlgNotAllowed) return unauthenticated(`the token's algorithm ${quoted(headerAlg(token))} is not accepted (only ${expected.algorithms.join(', ')})`);
  if (error instanceof errors.JWKSNoMatchingKey) return unauthenticated(`no key of issuer '${expected.issuer}' fits the token (kid, algorithm, curve): unknown or retired key`);
  if (error instanceof errors.JOSEError) return unauthenticated(`the token is not valid: ${error.message}`);
  // jose checks a resolved key against the algorithm with TypeErrors (wrong type or curve).
  if (error instanceof TypeError) return unauthenticated(`the token's key does not fit its algorithm ${quoted(headerAlg(token))}: ${error.message}`);
  return error;
}

function headerAlg(token: string): unknown {
  try {
    return decodeProtectedHeader(token).alg;
  } catch {
    return undefined;
  }
}

/** A caller's value in a message: quoted, and short. */
function quoted(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

function unauthenticated(message: string): ServerError {
  return new ServerError('UNAUTHENTICATED', message);
}

export function bearerOf(header: string | undefined): string | undefined {
  if (header === undefined) return undefined;
  const match = /^Bearer\s+(.+)$/i.exec(header.trim());
  return match?.[1];
}
