import type { IncomingMessage } from 'node:http';
import { requireUser } from '../authenticate.ts';
import type { AuthContext, Reply } from '../context.ts';
import { AuthApiError, validationFailed } from '../errors.ts';
import { objectField, readJsonObject, stringField, validEmail } from '../params.ts';
import { assertPasswordAcceptable } from '../passwordPolicy.ts';
import { defaultAudience } from '../users.ts';

/** GET /user (auth-js getUser): the caller's user, if the token's session is still signed in. */
export async function getUser(ctx: AuthContext, req: IncomingMessage): Promise<Reply> {
  const { claims, user } = await requireUser(ctx, req);
  const audience = Array.isArray(claims.aud) ? claims.aud[0] : claims.aud;
  if (audience !== defaultAudience) throw validationFailed("Token audience doesn't match request audience");
  return { status: 200, body: user.json };
}

/**
 * PUT /user (auth-js updateUser): a new password (policy checked; every other session of
 * the user is signed out, as GoTrue does) and `data` merged into user_metadata (null
 * deletes a key). Changing the email or phone needs confirmation emails/SMS the local stack
 * does not send yet, so it is refused rather than half done. A user with a verified factor
 * changes the password (or address) only from an aal2 session, as in GoTrue: a stolen
 * password, or a recovery email, is not enough to replace the password.
 */
export async function updateUser(ctx: AuthContext, req: IncomingMessage): Promise<Reply> {
  const { user, sessionId, aal2 } = await requireUser(ctx, req);
  const body = await readJsonObject(req);
  const email = stringField(body, 'email');
  const phone = stringField(body, 'phone');
  const password = stringField(body, 'password');
  const data = objectField(body, 'data');
  const appMetadata = objectField(body, 'app_metadata');
  if (email) validEmail(email);
  if (password !== undefined) assertPasswordAcceptable(password, ctx.config);
  if (appMetadata) throw new AuthApiError(403, 'not_admin', 'Updating app_metadata requires admin privileges');
  const changesCredentials = Boolean(password) || Boolean(email && email.toLowerCase() !== user.email) || Boolean(phone && phone !== user.phone);
  if (user.mfaEnabled && !aal2 && changesCredentials) {
    throw new AuthApiError(401, 'insufficient_aal', 'AAL2 session is required to update email or password when MFA is enabled.');
  }
  if (email && email.toLowerCase() !== user.email) {
    throw new AuthApiError(422, 'feature_disabled', 'Changing the email address is not supported by the local Auth service');
  }
  if (phone && phone !== user.phone) throw new AuthApiError(422, 'phone_provider_disabled', 'Phone numbers are not supported by the local Auth service');
  if (password !== undefined && user.hasPassword && (await ctx.users.verifyPassword(ctx.sql, user.id, password))) {
    throw new AuthApiError(422, 'same_password', 'New password should be different from the old password.');
  }
  await ctx.sql.begin(async (tx) => {
    if (password !== undefined) {
      await ctx.users.setPassword(tx, user.id, password);
      await ctx.sessions.endAll(tx, user.id, sessionId);
    }
    if (data) await ctx.users.mergeUserMetadata(tx, user.id, data);
  });
  const updated = await ctx.users.findById(ctx.sql, user.id);
  if (!updated) throw new AuthApiError(403, 'user_not_found', 'User from sub claim in JWT does not exist');
  return { status: 200, body: updated.json };
}

/**
 * POST /logout?scope=global|local|others (auth-js signOut): ends every session of the
 * user, only the caller's, or all but the caller's. Their refresh tokens stop working and
 * their access tokens stop passing GET /user.
 */
export async function logout(ctx: AuthContext, req: IncomingMessage, url: URL): Promise<Reply> {
  const { user, sessionId } = await requireUser(ctx, req);
  const scope = url.searchParams.get('scope') ?? '';
  if (!['', 'global', 'local', 'others'].includes(scope)) throw validationFailed(`Unsupported logout scope "${scope}"`);
  if (sessionId && scope === 'local') await ctx.sessions.end(ctx.sql, sessionId);
  else if (sessionId && scope === 'others') await ctx.sessions.endAll(ctx.sql, user.id, sessionId);
  else await ctx.sessions.endAll(ctx.sql, user.id);
  return { status: 204 };
}
