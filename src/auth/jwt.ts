/**
 * Compact JWS (JWT) signing and verification with node:crypto: ES256 for the tokens this server
 * issues, ES256 and RS256 for tokens of external OIDC issuers. Claim checks (issuer, audience,
 * expiry) take the time as an argument so tests use an injected clock.
 */
import { createPublicKey, sign, verify, type JsonWebKey, type KeyObject } from 'node:crypto';
import { ServerError } from '../domain/errors.ts';

export interface JwtHeader {
  alg: string;
  kid?: string;
  typ?: string;
}

export type JwtClaims = Record<string, unknown> & { iss?: string; aud?: string | string[]; exp?: number; nbf?: number; iat?: number; sub?: string };

export interface DecodedJwt {
  header: JwtHeader;
  claims: JwtClaims;
  signingInput: string;
  signature: Buffer;
}

/** Tokens larger than this are refused unread. */
export const JWT_BYTES_MAX = 16 * 1024;
/** Clock skew tolerated on exp and nbf. */
export const CLOCK_SKEW_S = 60;

export function signJwt(claims: JwtClaims, kid: string, privateKey: KeyObject): string {
  const header = b64json({ alg: 'ES256', typ: 'JWT', kid });
  const input = `${header}.${b64json(claims)}`;
  const signature = sign('sha256', Buffer.from(input), { key: privateKey, dsaEncoding: 'ieee-p1363' });
  return `${input}.${signature.toString('base64url')}`;
}

export function decodeJwt(token: string): DecodedJwt {
  if (token.length > JWT_BYTES_MAX) throw unauthenticated('the bearer token is too large');
  const parts = token.split('.');
  if (parts.length !== 3) throw unauthenticated('the bearer token is not a JWT');
  try {
    const header = JSON.parse(Buffer.from(parts[0] as string, 'base64url').toString('utf8')) as JwtHeader;
    const claims = JSON.parse(Buffer.from(parts[1] as string, 'base64url').toString('utf8')) as JwtClaims;
    if (typeof header !== 'object' || header === null || typeof claims !== 'object' || claims === null) throw new Error('not objects');
    return { header, claims, signingInput: `${parts[0]}.${parts[1]}`, signature: Buffer.from(parts[2] as string, 'base64url') };
  } catch {
    throw unauthenticated('the bearer token is not a JWT');
  }
}

export function verifyJwtSignature(jwt: DecodedJwt, jwk: JsonWebKey): boolean {
  let key: KeyObject;
  try {
    key = createPublicKey({ key: jwk, format: 'jwk' });
  } catch {
    return false;
  }
  const data = Buffer.from(jwt.signingInput);
  if (jwt.header.alg === 'ES256' && key.asymmetricKeyType === 'ec') return verify('sha256', data, { key, dsaEncoding: 'ieee-p1363' }, jwt.signature);
  if (jwt.header.alg === 'RS256' && key.asymmetricKeyType === 'rsa') return verify('sha256', data, key, jwt.signature);
  return false;
}

/** Throws UNAUTHENTICATED naming the failed check. */
export function checkClaims(claims: JwtClaims, expected: { issuer: string; audience: string; nowMs: number }): void {
  const now = Math.floor(expected.nowMs / 1000);
  if (claims.iss !== expected.issuer) throw unauthenticated(`the token's issuer '${String(claims.iss)}' is not '${expected.issuer}'`);
  const audiences = Array.isArray(claims.aud) ? claims.aud : [claims.aud];
  const wanted = expected.audience.replace(/\/+$/, '');
  if (!audiences.some((aud) => typeof aud === 'string' && aud.replace(/\/+$/, '').replace(/\/\.default$/, '') === wanted)) {
    throw unauthenticated(`the token's audience is not '${expected.audience}'`);
  }
  if (typeof claims.exp !== 'number' || claims.exp + CLOCK_SKEW_S <= now) throw unauthenticated('the token has expired');
  if (typeof claims.nbf === 'number' && claims.nbf - CLOCK_SKEW_S > now) throw unauthenticated('the token is not valid yet');
}

export function unauthenticated(message: string): ServerError {
  return new ServerError('UNAUTHENTICATED', message);
}

function b64json(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}
