import type { IncomingMessage } from 'node:http';
import { clientIp } from '../../http.ts';
import type { AuthContext, Reply } from '../context.ts';
import { recoveryEmail } from '../emails.ts';
import { AuthApiError, validationFailed } from '../errors.ts';
import { generateOtp, tokenHash } from '../otp.ts';
import { readJsonObject, stringField, validEmail } from '../params.ts';
import { countRequest } from '../rateLimit.ts';
import { redirectTarget } from '../redirects.ts';
import { startSession } from '../sessionResponse.ts';
import { issuerFor, type TokenResponse } from '../tokens.ts';
import type { AuthUser } from '../users.ts';

/** Email verification types that spend a recovery code; sign-up and email-change codes are not sent locally. */
const recoveryTypes = ['recovery', 'magiclink', 'email'];
const tokenHashPattern = /^[0-9a-f]{56}$/;

/**
 * Wrong codes one recovery code takes before it is cancelled. The per-IP limit alone does not
 * protect a six-digit code: addresses are many. Five guesses at a million codes leave a guesser
 * a chance in 200,000, and the owner asks for a new code.
 */
const wrongCodesPerCode = 5;

/** Counts a wrong code against the address's pending recovery code, cancelling it at the limit. */
async function countWrongCode(ctx: AuthContext, email: string): Promise<void> {
  const pending = await ctx.users.pendingRecovery(ctx.sql, email, ctx.config.otpExpiry);
  if (!pending) return;
  const key = `${pending.id}:${pending.hash}`;
  const wrong = (ctx.wrongRecoveryCodes.get(key) ?? 0) + 1;
  if (wrong < wrongCodesPerCode) {
    ctx.wrongRecoveryCodes.set(key, wrong);
    return;
  }
  ctx.wrongRecoveryCodes.delete(key);
  await ctx.users.cancelRecovery(ctx.sql, pending.id, pending.hash);
}

/** Forgets the wrong tries counted against a user's earlier codes. */
function forgetWrongCodes(ctx: AuthContext, userId: string): void {
  for (const key of ctx.wrongRecoveryCodes.keys()) if (key.startsWith(`${userId}:`)) ctx.wrongRecoveryCodes.delete(key);
}

/**
 * POST /recover (auth-js resetPasswordForEmail): mails a one-time code and a link to the
 * outbox. Unknown addresses get the same empty 200, so the endpoint does not reveal who
 * has an account. A new request replaces the previous code.
 */
export async function recover(ctx: AuthContext, req: IncomingMessage, url: URL): Promise<Reply> {
  countRequest(ctx.limits.signIns, clientIp(req));
  const body = await readJsonObject(req);
  const requested = stringField(body, 'email');
  if (!requested) throw validationFailed('Password recovery requires an email');
  const email = validEmail(requested);
  if (stringField(body, 'code_challenge')) throw validationFailed('The PKCE flow is not supported by the local Auth service; use the implicit flow');
  const user = await ctx.users.findByEmail(ctx.sql, email);
  if (user) {
    const otp = generateOtp(ctx.config.otpLength);
    const hash = tokenHash(user.email, otp);
    forgetWrongCodes(ctx, user.id);
    await ctx.users.startRecovery(ctx.sql, user.id, hash);
    const link = new URL(`${issuerFor(ctx.externalUrl())}/verify`);
    link.searchParams.set('token', hash);
    link.searchParams.set('type', 'recovery');
    link.searchParams.set('redirect_to', redirectTarget(url.searchParams.get('redirect_to'), ctx.config));
    await ctx.outbox.send(recoveryEmail(user.email, otp, link.toString()));
  }
  return { status: 200, body: {} };
}

/** Spends the user's recovery code and signs them in with it (GoTrue's recoverVerify). */
async function spendRecovery(ctx: AuthContext, req: IncomingMessage, user: AuthUser): Promise<TokenResponse> {
  if (user.banned) throw new AuthApiError(403, 'user_banned', 'User is banned');
  await ctx.users.finishRecovery(ctx.sql, user.id);
  return startSession(ctx, req, user, 'otp');
}

function findByHash(ctx: AuthContext, hash: string): Promise<AuthUser | undefined> {
  return tokenHashPattern.test(hash) ? ctx.users.findByRecoveryToken(ctx.sql, hash, ctx.config.otpExpiry) : Promise.resolve(undefined);
}

/**
 * POST /verify (auth-js verifyOtp) with `{type: 'recovery', email, token}` or
 * `{type, token_hash}`: a valid, unexpired code signs the user in, after which
 * updateUser({password}) sets the new password.
 */
export async function verifyPost(ctx: AuthContext, req: IncomingMessage): Promise<Reply> {
  countRequest(ctx.limits.verifications, clientIp(req));
  const body = await readJsonObject(req);
  const type = stringField(body, 'type');
  const token = stringField(body, 'token');
  const hash = stringField(body, 'token_hash');
  const email = stringField(body, 'email');
  if (!type) throw validationFailed('Verify requires a verification type');
  if ((!token && !hash) || (token && hash)) throw validationFailed('Verify requires either a token or a token hash');
  if (!recoveryTypes.includes(type)) throw validationFailed('Unsupported verification type');
  let user: AuthUser | undefined;
  if (token) {
    if (!email) throw validationFailed('Only an email address or phone number should be provided on verify');
    let address: string;
    try {
      address = validEmail(email);
    } catch {
      throw new AuthApiError(422, 'validation_failed', 'Invalid email format');
    }
    user = await findByHash(ctx, tokenHash(address, token));
    if (!user) {
      await countWrongCode(ctx, address);
      throw new AuthApiError(403, 'otp_expired', 'Token has expired or is invalid');
    }
    forgetWrongCodes(ctx, user.id);
  } else {
    if (email || stringField(body, 'phone') || stringField(body, 'redirect_to')) throw validationFailed('Only the token_hash and type should be provided');
    user = await findByHash(ctx, hash ?? '');
    if (!user) throw new AuthApiError(403, 'otp_expired', 'Email link is invalid or has expired');
  }
  return { status: 200, body: await spendRecovery(ctx, req, user) };
}

/** A URL with GoTrue's redirect fragment (url.Values.Encode: keys sorted, spaces as '+'). */
function withFragment(target: string, values: Record<string, string>): string {
  const fragment = new URLSearchParams(Object.entries(values).sort(([a], [b]) => a.localeCompare(b))).toString();
  return `${target.split('#')[0]}#${fragment}`;
}

/**
 * GET /verify, the emailed link: redirects (303) to `redirect_to` with the session in the
 * fragment (`#access_token=…&type=recovery`), which auth-js's detectSessionInUrl picks up,
 * or with `#error=…&error_code=…` when the link is spent or expired.
 */
export async function verifyGet(ctx: AuthContext, req: IncomingMessage, url: URL): Promise<Reply> {
  countRequest(ctx.limits.verifications, clientIp(req));
  const type = url.searchParams.get('type');
  const hash = url.searchParams.get('token');
  if (!type) throw validationFailed('Verify requires a verification type');
  if (!hash) throw validationFailed('Verify requires a token or a token hash');
  const target = redirectTarget(url.searchParams.get('redirect_to'), ctx.config);
  let fragment: Record<string, string>;
  try {
    if (!recoveryTypes.includes(type)) throw validationFailed('Unsupported verification type');
    const user = await findByHash(ctx, hash);
    if (!user) throw new AuthApiError(403, 'otp_expired', 'Email link is invalid or has expired');
    const session = await spendRecovery(ctx, req, user);
    fragment = {
      access_token: session.access_token,
      expires_at: String(session.expires_at),
      expires_in: String(session.expires_in),
      refresh_token: session.refresh_token,
      sb: '',
      token_type: session.token_type,
      type,
    };
  } catch (error) {
    if (!(error instanceof AuthApiError)) throw error;
    const oauthError: Record<number, string> = { 400: 'invalid_request', 401: 'unauthorized_client', 403: 'access_denied' };
    fragment = { error_code: error.errorCode, error_description: error.message, sb: '' };
    const oauth = oauthError[error.status];
    if (oauth) fragment.error = oauth;
  }
  return { status: 303, headers: { location: withFragment(target, fragment) } };
}
