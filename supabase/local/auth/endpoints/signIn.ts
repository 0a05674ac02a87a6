import type { IncomingMessage } from 'node:http';
import { clientIp } from '../../http.ts';
import { clientInfo, type AuthContext, type Reply } from '../context.ts';
import { AuthApiError, validationFailed } from '../errors.ts';
import { objectField, readJsonObject, stringField, validEmail } from '../params.ts';
import { assertPasswordAcceptable, passwordWeakness } from '../passwordPolicy.ts';
import { countRequest, signInsLocked } from '../rateLimit.ts';
import { sessionResponse, startSession } from '../sessionResponse.ts';

const invalidLogin = 'Invalid login credentials';

/**
 * POST /signup with an email and a password (auth-js signUp). Email confirmations are off
 * in supabase/config.toml, so the user is confirmed at once and signed in, as GoTrue does
 * with autoconfirm.
 */
export async function signUp(ctx: AuthContext, req: IncomingMessage): Promise<Reply> {
  const body = await readJsonObject(req);
  const email = stringField(body, 'email');
  const phone = stringField(body, 'phone');
  const password = stringField(body, 'password') ?? '';
  const data = objectField(body, 'data') ?? {};
  if (!email && !phone) throw new AuthApiError(422, 'anonymous_provider_disabled', 'Anonymous sign-ins are disabled');
  countRequest(ctx.limits.signIns, clientIp(req));
  if (!ctx.config.enableSignup) throw new AuthApiError(422, 'signup_disabled', 'Signups not allowed for this instance');
  if (password === '') throw validationFailed('Signup requires a valid password');
  assertPasswordAcceptable(password, ctx.config);
  if (email && phone) throw validationFailed('Only an email address or phone number should be provided on signup.');
  if (phone) throw new AuthApiError(400, 'phone_provider_disabled', 'Phone signups are disabled');
  const address = validEmail(email);
  // An existing address is refused whether or not it is confirmed: taking over an unconfirmed
  // account without its password must not be possible.
  const user = await ctx.users.create(ctx.sql, { email: address, password, userMetadata: data, appMetadata: {}, emailConfirmed: true });
  if (!user) throw new AuthApiError(422, 'user_already_exists', 'User already registered');
  return { status: 200, body: await startSession(ctx, req, user, 'password') };
}

/**
 * POST /token?grant_type=password (auth-js signInWithPassword). Failed attempts are
 * counted per address, unknown addresses included, so the lock-out does not reveal which
 * addresses exist; once locked, even the right password waits for the window to pass.
 * Each attempt counts as failed from the start and is taken back only when the password
 * was right, so parallel guesses cannot all slip in before the first failure is counted.
 */
async function passwordGrant(ctx: AuthContext, req: IncomingMessage): Promise<Reply> {
  countRequest(ctx.limits.signIns, clientIp(req));
  const body = await readJsonObject(req);
  const email = stringField(body, 'email');
  const phone = stringField(body, 'phone');
  const password = stringField(body, 'password') ?? '';
  if (email && phone) throw validationFailed('Only an email address or phone number should be provided on login.');
  if (phone) throw new AuthApiError(422, 'phone_provider_disabled', 'Phone logins are disabled');
  if (!email) throw validationFailed('missing email or phone');
  const lockKey = email.toLowerCase();
  const locked = ctx.limits.failedSignIns.take(lockKey);
  if (locked > 0) throw signInsLocked(locked);
  const user = await ctx.users.findByEmail(ctx.sql, email);
  if (user?.banned) {
    ctx.limits.failedSignIns.release(lockKey);
    throw new AuthApiError(400, 'user_banned', 'User is banned');
  }
  if (!user || !user.hasPassword || !(await ctx.users.verifyPassword(ctx.sql, user.id, password))) {
    throw new AuthApiError(400, 'invalid_credentials', invalidLogin);
  }
  ctx.limits.failedSignIns.release(lockKey);
  if (!user.emailConfirmed) throw new AuthApiError(400, 'email_not_confirmed', 'Email not confirmed');
  const session = await startSession(ctx, req, user, 'password');
  // A password set before the policy tightened still works, and the app is told to renew it.
  const weakness = passwordWeakness(password, ctx.config);
  return { status: 200, body: weakness ? { ...session, weak_password: { message: weakness.message, reasons: weakness.reasons } } : session };
}

/** POST /token?grant_type=refresh_token (auth-js refreshSession and auto-refresh). */
async function refreshGrant(ctx: AuthContext, req: IncomingMessage): Promise<Reply> {
  countRequest(ctx.limits.refreshes, clientIp(req));
  const body = await readJsonObject(req);
  const issued = await ctx.sessions.refresh(stringField(body, 'refresh_token') ?? '', clientInfo(req));
  return { status: 200, body: await sessionResponse(ctx, req, issued) };
}

/** POST /token: dispatches on `grant_type` as GoTrue does; other grants need providers the local stack lacks. */
export async function token(ctx: AuthContext, req: IncomingMessage, url: URL): Promise<Reply> {
  switch (url.searchParams.get('grant_type')) {
    case 'password':
      return passwordGrant(ctx, req);
    case 'refresh_token':
      return refreshGrant(ctx, req);
    default:
      throw new AuthApiError(400, 'invalid_credentials', 'unsupported_grant_type');
  }
}
