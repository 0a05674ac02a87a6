import type { IncomingMessage } from 'node:http';
import { bearerToken } from '../http.ts';
import { JwtError, verifyJwt, type JwtClaims } from '../jwt.ts';
import type { AuthContext } from './context.ts';
import { AuthApiError } from './errors.ts';
import { isUuid } from './params.ts';
import type { AuthUser } from './users.ts';

/** Roles whose JWT may use the admin API (GoTrue's GOTRUE_JWT_ADMIN_ROLES on Supabase). */
const adminRoles = ['service_role', 'supabase_admin'];
const nilUuid = '00000000-0000-0000-0000-000000000000';

/** The signed-in caller of a user endpoint. */
export interface Authenticated {
  claims: JwtClaims;
  user: AuthUser;
  /** Undefined for tokens minted without a session (allowed, as GoTrue allows them). */
  sessionId: string | undefined;
  /** Whether the session verified a second factor (false without a session). */
  aal2: boolean;
}

/** The verified claims of the request's bearer token, with GoTrue's errors for a missing or bad one. */
function bearerClaims(ctx: AuthContext, req: IncomingMessage): JwtClaims {
  const token = bearerToken(req);
  if (!token) throw new AuthApiError(401, 'no_authorization', 'This endpoint requires a valid Bearer token');
  try {
    return verifyJwt(token, ctx.keys.jwtSecret);
  } catch (error) {
    if (error instanceof JwtError) throw new AuthApiError(403, 'bad_jwt', `invalid JWT: unable to parse or verify signature, ${error.message}`);
    throw error;
  }
}

/**
 * GoTrue's requireAuthentication: a valid user JWT whose user still exists and whose
 * session (the `session_id` claim) has not been signed out. PostgREST only checks the
 * signature, so a signed-out access token still reads data until it expires; the Auth
 * API refuses it at once.
 */
export async function requireUser(ctx: AuthContext, req: IncomingMessage): Promise<Authenticated> {
  const claims = bearerClaims(ctx, req);
  if (!claims.sub) throw new AuthApiError(403, 'bad_jwt', 'invalid claim: missing sub claim');
  if (!isUuid(claims.sub)) throw new AuthApiError(403, 'bad_jwt', 'invalid claim: sub claim must be a UUID');
  const user = await ctx.users.findById(ctx.sql, claims.sub);
  if (!user) throw new AuthApiError(403, 'user_not_found', 'User from sub claim in JWT does not exist');
  const sessionClaim = claims.session_id;
  if (sessionClaim === undefined || sessionClaim === '' || sessionClaim === nilUuid) return { claims, user, sessionId: undefined, aal2: false };
  if (!isUuid(sessionClaim)) throw new AuthApiError(403, 'bad_jwt', 'invalid claim: session_id claim must be a UUID');
  const session = await ctx.sessions.find(ctx.sql, sessionClaim);
  if (!session) throw new AuthApiError(403, 'session_not_found', 'Session from session_id claim in JWT does not exist');
  return { claims, user, sessionId: sessionClaim, aal2: session.aal2 };
}

/** GoTrue's requireNotAnonymous, in front of the factor endpoints. */
export function refuseAnonymous(caller: Authenticated): void {
  if (caller.claims.is_anonymous === true) throw new AuthApiError(403, 'no_authorization', 'Anonymous user not allowed to perform these actions');
}

/** GoTrue's requireAdminCredentials: the bearer JWT's role must be an admin role (the service-role key). */
export function requireAdmin(ctx: AuthContext, req: IncomingMessage): JwtClaims {
  const claims = bearerClaims(ctx, req);
  if (typeof claims.role !== 'string' || !adminRoles.includes(claims.role)) {
    throw new AuthApiError(403, 'not_admin', 'User not allowed');
  }
  return claims;
}
