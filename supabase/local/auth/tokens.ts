import { signJwt, type JwtClaims } from '../jwt.ts';
import { assuranceLevel, type AmrEntry } from './sessions.ts';
import type { AuthUser } from './users.ts';
import type { JsonObject } from './params.ts';

/** The session part of a token response, as GoTrue's AccessTokenResponse (auth-js's Session). */
export interface TokenResponse {
  access_token: string;
  token_type: 'bearer';
  expires_in: number;
  expires_at: number;
  refresh_token: string;
  user: JsonObject;
  weak_password?: { message: string; reasons: string[] };
}

export interface AccessTokenInput {
  user: AuthUser;
  sessionId: string;
  amr: AmrEntry[];
  issuer: string;
  lifetimeSeconds: number;
  secret: string;
  now?: number;
}

/**
 * The issuer GoTrue puts in `iss` and the base of the links it emails: its external URL
 * (API_EXTERNAL_URL), `<api url>/auth/v1`. Configured, never taken from a request's headers,
 * which anyone can set: a recovery link must not point at a host the requester chose.
 */
export function issuerFor(externalUrl: string): string {
  return `${externalUrl.replace(/\/+$/, '')}/auth/v1`;
}

/**
 * Signs an access token with the claims Supabase Auth issues
 * (https://supabase.com/docs/guides/auth/jwt-fields), HS256 with the project's JWT secret.
 */
export function signAccessToken(input: AccessTokenInput): { token: string; expiresAt: number } {
  const issuedAt = Math.floor((input.now ?? Date.now()) / 1000);
  const expiresAt = issuedAt + input.lifetimeSeconds;
  const { user } = input;
  const claims: JwtClaims = {
    iss: input.issuer,
    sub: user.id,
    aud: user.aud,
    exp: expiresAt,
    iat: issuedAt,
    email: user.email,
    phone: user.phone,
    // Users inserted by SQL (seeds, imports) may lack the provider keys GoTrue always writes.
    app_metadata: { provider: 'email', providers: ['email'], ...user.appMetadata },
    user_metadata: user.userMetadata,
    role: user.role,
    aal: assuranceLevel(input.amr),
    amr: input.amr,
    session_id: input.sessionId,
    is_anonymous: user.isAnonymous,
  };
  return { token: signJwt(claims, input.secret), expiresAt };
}

/** A token response for a session: a fresh access token, the refresh token and the user. */
export function tokenResponse(input: AccessTokenInput, refreshToken: string): TokenResponse {
  const { token, expiresAt } = signAccessToken(input);
  return {
    access_token: token,
    token_type: 'bearer',
    expires_in: input.lifetimeSeconds,
    expires_at: expiresAt,
    refresh_token: refreshToken,
    user: input.user.json,
  };
}
