import { createHmac, timingSafeEqual } from 'node:crypto';

/** Claims Supabase puts in its JWTs (https://supabase.com/docs/guides/auth/jwt-fields). */
export interface JwtClaims {
  [claim: string]: unknown;
  role?: string;
  sub?: string;
  exp?: number;
  iat?: number;
}

export class JwtError extends Error {}

function base64url(input: Buffer | string): string {
  return Buffer.from(input).toString('base64url');
}

/** Signs claims as an HS256 JWT (RFC 7519), as Supabase signs with the project's JWT secret. */
export function signJwt(claims: JwtClaims, secret: string): string {
  const header = base64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }));
  const payload = base64url(JSON.stringify(claims));
  const signature = createHmac('sha256', secret).update(`${header}.${payload}`).digest('base64url');
  return `${header}.${payload}.${signature}`;
}

/**
 * Verifies an HS256 JWT and its `exp`; throws JwtError with PostgREST's wording otherwise.
 */
export function verifyJwt(token: string, secret: string, now = Date.now() / 1000): JwtClaims {
  const parts = token.split('.');
  if (parts.length !== 3) throw new JwtError('Expected 3 parts in JWT; got ' + parts.length);
  const [header, payload, signature] = parts as [string, string, string];
  let alg: unknown;
  try {
    alg = JSON.parse(Buffer.from(header, 'base64url').toString('utf8')).alg;
  } catch {
    throw new JwtError('JWSError (CompactDecodeError Invalid number of parts: Expected 3 parts; got 1)');
  }
  if (alg !== 'HS256') throw new JwtError('JWSError JWSInvalidSignature');
  const expected = createHmac('sha256', secret).update(`${header}.${payload}`).digest();
  const given = Buffer.from(signature, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw new JwtError('JWSError JWSInvalidSignature');
  let claims: unknown;
  try {
    claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
  } catch {
    throw new JwtError('JWT claims are not valid JSON');
  }
  if (claims === null || typeof claims !== 'object' || Array.isArray(claims)) throw new JwtError('JWT claims are not an object');
  const typed = claims as JwtClaims;
  if (typeof typed.exp === 'number' && typed.exp <= now) throw new JwtError('JWT expired');
  return typed;
}
