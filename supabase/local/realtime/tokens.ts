import { JwtError, verifyJwt, type JwtClaims } from '../jwt.ts';

/** Claims of a verified access token, with the two Realtime requires. */
export interface VerifiedToken {
  token: string;
  claims: JwtClaims & { role: string; exp: number };
  role: string;
  /** Seconds since the epoch. */
  exp: number;
  /**
   * Key of the (role, claims) group for row-level security checks: subscribers with equal keys
   * see exactly the same rows, so one query answers for all of them.
   */
  claimsKey: string;
  claimsJson: string;
}

/** Why a token was refused; `code` and `message` are Supabase Realtime's wording. */
export class TokenError extends Error {
  constructor(
    readonly code: 'InvalidJWTToken' | 'MalformedJWT' | 'JwtSignatureError',
    message: string,
  ) {
    super(message);
  }

  /** The `reason` of a refused join: "<code>: <message>". */
  get reason(): string {
    return `${this.code}: ${this.message}`;
  }
}

/**
 * Verifies a JWT as Supabase Realtime does (ChannelsAuthorization.authorize_conn): a valid
 * signature, the `role` and `exp` claims present, and `exp` in the future.
 */
export function verifyAccessToken(token: string, secret: string, now = Date.now() / 1000): VerifiedToken {
  let claims: JwtClaims;
  try {
    // Expiry is checked below, to word it as Supabase does.
    claims = verifyJwt(token.replace(/\s/g, ''), secret, -Infinity);
  } catch (error) {
    if (error instanceof JwtError && error.message.includes('JWSInvalidSignature')) {
      throw new TokenError('JwtSignatureError', 'Failed to validate JWT signature');
    }
    throw new TokenError('MalformedJWT', 'The token provided is not a valid JWT');
  }
  const { role, exp } = claims;
  if (typeof role !== 'string' || !role || typeof exp !== 'number' || !Number.isFinite(exp)) {
    throw new TokenError('InvalidJWTToken', 'Fields `role` and `exp` are required in JWT');
  }
  if (exp <= 0) throw new TokenError('InvalidJWTToken', 'Token expiration time is invalid');
  if (exp <= now) throw new TokenError('InvalidJWTToken', `Token has expired ${Math.max(0, Math.floor(now - exp))} seconds ago`);
  const claimsJson = JSON.stringify(claims);
  return { token, claims: claims as VerifiedToken['claims'], role, exp, claimsJson, claimsKey: `${role}\u0000${claimsJson}` };
}
