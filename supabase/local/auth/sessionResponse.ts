import type { IncomingMessage } from 'node:http';
import { clientInfo, type AuthContext } from './context.ts';
import { AuthApiError } from './errors.ts';
import type { AuthenticationMethod, IssuedRefreshToken } from './sessions.ts';
import { issuerFor, tokenResponse, type TokenResponse } from './tokens.ts';
import type { AuthUser } from './users.ts';

/** The token response for an issued refresh token: a fresh access token with the user as stored now. */
export async function sessionResponse(ctx: AuthContext, req: IncomingMessage, issued: IssuedRefreshToken): Promise<TokenResponse> {
  const user = await ctx.users.findById(ctx.sql, issued.userId);
  // The user was deleted between issuing and answering; its sessions went with it.
  if (!user) throw new AuthApiError(400, 'session_not_found', 'Invalid Refresh Token: No Valid Session Found');
  const amr = await ctx.sessions.amr(ctx.sql, issued.sessionId);
  return tokenResponse(
    { user, sessionId: issued.sessionId, amr, issuer: issuerFor(ctx.externalUrl()), lifetimeSeconds: ctx.config.jwtExpiry, secret: ctx.keys.jwtSecret },
    issued.refreshToken,
  );
}

/**
 * Signs the user in: records the sign-in and starts a session with its first refresh token
 * in one transaction (GoTrue's issueRefreshToken), then answers with the tokens.
 */
export async function startSession(ctx: AuthContext, req: IncomingMessage, user: AuthUser, method: AuthenticationMethod): Promise<TokenResponse> {
  const issued = await ctx.sql.begin(async (tx) => {
    await ctx.users.recordSignIn(tx, user.id);
    return ctx.sessions.start(tx, user.id, method, clientInfo(req));
  });
  return sessionResponse(ctx, req, issued);
}
