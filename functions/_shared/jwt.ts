import { HttpError } from './http.ts';

/** Claims Supabase puts in an access token (https://supabase.com/docs/guides/auth/jwt-fields). */
export interface JwtClaims {
  [claim: string]: unknown;
  sub?: string;
  role?: string;
  email?: string;
  aal?: string;
  session_id?: string;
  exp?: number;
}

function decodeSegment(segment: string): unknown {
  const base64 = segment.replace(/-/g, '+').replace(/_/g, '/');
  const bytes = Uint8Array.from(atob(base64.padEnd(Math.ceil(base64.length / 4) * 4, '=')), (c) => c.charCodeAt(0));
  return JSON.parse(new TextDecoder().decode(bytes));
}

/**
 * The claims of a JWT, read without checking its signature: only for functions with
 * verify_jwt (the default), whose token the relay has verified before the function runs.
 * Anything that is not a JWT with an object payload is a 401.
 */
export function verifiedClaims(token: string): JwtClaims {
  const payload = token.split('.')[1];
  try {
    const claims = payload === undefined ? undefined : decodeSegment(payload);
    if (claims !== null && typeof claims === 'object' && !Array.isArray(claims)) return claims as JwtClaims;
  } catch {
    // Falls through to the 401 below: a garbled token is the caller's error.
  }
  throw new HttpError(401, 'invalid_token', 'The bearer token is not a JWT');
}
