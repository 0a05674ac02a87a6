/**
 * Supabase Auth's multi-factor API (https://supabase.com/docs/guides/auth/auth-mfa/totp), as
 * GoTrue's internal/api/mfa.go answers it, for TOTP factors. Phone and WebAuthn factors are
 * answered as a project with them switched off (the CLI's default) is.
 */

import type { IncomingMessage } from 'node:http';
import { clientIp } from '../../http.ts';
import { refuseAnonymous, requireUser, type Authenticated } from '../authenticate.ts';
import { clientInfo, type AuthContext, type Reply } from '../context.ts';
import { AuthApiError, validationFailed } from '../errors.ts';
import type { Factor, FactorType } from '../factors.ts';
import { isUuid, readJsonObject, stringField, uuidField } from '../params.ts';
import { qrSvg } from '../qrCode.ts';
import { countRequest } from '../rateLimit.ts';
import { sessionResponse } from '../sessionResponse.ts';
import { matchingTotpStep, newTotpSecret, totpUri } from '../totp.ts';

/** Verified factors one user may have, whatever max_enrolled_factors says (GoTrue's mfa.max_verified_factors). */
const maxVerifiedFactors = 10;
const nilUuid = '00000000-0000-0000-0000-000000000000';

/** GoTrue's errors for a factor type whose enrolment or verification is switched off. */
const switchedOff: Record<'enroll' | 'verify', Record<FactorType, [string, string]>> = {
  enroll: {
    totp: ['mfa_totp_enroll_not_enabled', 'MFA enroll is disabled for TOTP'],
    phone: ['mfa_phone_enroll_not_enabled', 'MFA enroll is disabled for Phone'],
    webauthn: ['mfa_webauthn_enroll_not_enabled', 'MFA enroll is disabled for WebAuthn'],
  },
  verify: {
    totp: ['mfa_totp_verify_not_enabled', 'MFA verification is disabled for TOTP'],
    phone: ['mfa_phone_verify_not_enabled', 'MFA verification is disabled for Phone'],
    webauthn: ['mfa_webauthn_verify_not_enabled', 'MFA verification is disabled for WebAuthn'],
  },
};

/** 422 unless the factor type can be enrolled or verified: only TOTP, as far as `[auth.mfa.totp]` allows. */
function assertEnabled(type: FactorType, action: 'enroll' | 'verify', ctx: AuthContext): void {
  const { enrollEnabled, verifyEnabled } = ctx.config.mfa.totp;
  if (type === 'totp' && (action === 'enroll' ? enrollEnabled : verifyEnabled)) return;
  const [code, message] = switchedOff[action][type];
  throw new AuthApiError(422, code, message);
}

function isFactorType(value: string): value is FactorType {
  return value === 'totp' || value === 'phone' || value === 'webauthn';
}

/** The caller of a factor endpoint: signed in, not anonymous (GoTrue's requireAuthentication, requireNotAnonymous). */
async function requireFactorUser(ctx: AuthContext, req: IncomingMessage): Promise<Authenticated> {
  const caller = await requireUser(ctx, req);
  refuseAnonymous(caller);
  return caller;
}

/** The caller's factor named in the path (GoTrue's loadFactor); another user's factor is not found. */
export async function loadFactor(ctx: AuthContext, userId: string, factorId: string): Promise<Factor> {
  if (!isUuid(factorId)) throw new AuthApiError(404, 'validation_failed', 'factor_id must be an UUID');
  const factor = await ctx.factors.findOwned(ctx.sql, userId, factorId);
  if (!factor) throw new AuthApiError(404, 'mfa_factor_not_found', 'Factor not found');
  return factor;
}

/**
 * GoTrue's validateFactors, on the user's factors left once expired unverified ones are gone:
 * a name the user already gave a factor (the empty name too) is 422 mfa_factor_name_conflict,
 * max_enrolled_factors counts verified and unverified factors alike, and a user with a
 * verified factor enrolls another only from an aal2 session.
 */
function assertMayEnroll(ctx: AuthContext, caller: Authenticated, factors: Factor[], friendlyName: string): void {
  if (factors.some((f) => f.friendlyName === friendlyName)) {
    throw new AuthApiError(422, 'mfa_factor_name_conflict', `A factor with the friendly name ${JSON.stringify(friendlyName)} for this user already exists`);
  }
  const verified = factors.filter((f) => f.verified).length;
  if (factors.length >= ctx.config.mfa.maxEnrolledFactors || verified >= maxVerifiedFactors) {
    throw new AuthApiError(422, 'too_many_enrolled_mfa_factors', 'Maximum number of verified factors reached, unenroll to continue');
  }
  if (verified > 0 && !caller.aal2) throw new AuthApiError(403, 'insufficient_aal', 'AAL2 required to enroll a new factor');
}

/**
 * POST /factors (auth-js mfa.enroll): a new unverified TOTP factor with its secret, the key
 * URI and that URI's QR code. The issuer defaults to the site URL's host, as in GoTrue.
 */
export async function enroll(ctx: AuthContext, req: IncomingMessage): Promise<Reply> {
  const caller = await requireFactorUser(ctx, req);
  if (!caller.sessionId) throw new AuthApiError(500, 'unexpected_failure', 'A valid session and a registered user are required to enroll a factor');
  const body = await readJsonObject(req);
  const factorType = stringField(body, 'factor_type') ?? '';
  const friendlyName = stringField(body, 'friendly_name') ?? '';
  if (!isFactorType(factorType)) throw validationFailed('factor_type needs to be totp, phone, or webauthn');
  assertEnabled(factorType, 'enroll', ctx);
  const issuer = stringField(body, 'issuer') || new URL(ctx.config.siteUrl).host;
  const secret = newTotpSecret();
  const uri = totpUri(issuer, caller.user.email, secret);
  const factor = await ctx.sql.begin(async (tx) => {
    await ctx.factors.deleteExpiredUnverified(tx);
    assertMayEnroll(ctx, caller, await ctx.factors.lockAndList(tx, caller.user.id), friendlyName);
    return ctx.factors.createTotp(tx, caller.user.id, friendlyName, secret);
  });
  return { status: 200, body: { id: factor.id, type: 'totp', friendly_name: factor.friendlyName, totp: { qr_code: qrSvg(uri), secret, uri } } };
}

/**
 * POST /factors/:id/challenge (auth-js mfa.challenge): a challenge to verify within
 * 300 seconds, from the same address. Counted per IP after the factor is found, as GoTrue's
 * limiter sits behind loadFactor.
 */
export async function challenge(ctx: AuthContext, req: IncomingMessage, factorId: string): Promise<Reply> {
  const caller = await requireFactorUser(ctx, req);
  const factor = await loadFactor(ctx, caller.user.id, factorId);
  countRequest(ctx.limits.factorChallenges, clientIp(req));
  assertEnabled(factor.factorType, 'verify', ctx);
  const created = await ctx.sql.begin((tx) => ctx.factors.challenge(tx, factor.id, clientInfo(req).ip));
  return { status: 200, body: { id: created.id, type: factor.factorType, expires_at: created.expiresAt } };
}

/**
 * POST /factors/:id/verify (auth-js mfa.verify): a current code of the factor against an
 * unspent, unexpired challenge asked for from the same address. The factor becomes verified
 * and the session aal2 with `totp` in its amr; the answer is the session's new tokens.
 * Unlike Supabase Auth, a code that was accepted once is refused afterwards.
 */
export async function verify(ctx: AuthContext, req: IncomingMessage, factorId: string): Promise<Reply> {
  const caller = await requireFactorUser(ctx, req);
  const factor = await loadFactor(ctx, caller.user.id, factorId);
  countRequest(ctx.limits.factorVerifications, clientIp(req));
  const body = await readJsonObject(req);
  const challengeId = uuidField(body, 'challenge_id') ?? nilUuid;
  const code = stringField(body, 'code') ?? '';
  if (code === '') throw validationFailed('Code needs to be non-empty');
  assertEnabled(factor.factorType, 'verify', ctx);
  const ip = clientInfo(req).ip;
  const found = await ctx.factors.findChallenge(ctx.sql, factor.id, challengeId, ip);
  if (!found) throw new AuthApiError(422, 'mfa_factor_not_found', 'MFA factor with the provided challenge ID not found');
  const mismatch = new AuthApiError(422, 'mfa_ip_address_mismatch', 'Challenge and verify IP addresses mismatch.');
  if (found.spent || !found.sameAddress) throw mismatch;
  if (found.expired) {
    await ctx.factors.deleteChallenge(ctx.sql, found.id);
    throw new AuthApiError(422, 'mfa_challenge_expired', `MFA challenge ${found.id} has expired, verify against another challenge or create a new challenge.`);
  }
  const step = matchingTotpStep(factor.secret, code, Date.now());
  if (step === undefined || !ctx.spentTotpSteps.claim(factor.id, step)) throw new AuthApiError(422, 'mfa_verification_failed', 'Invalid TOTP code entered');
  const sessionId = caller.sessionId;
  if (!sessionId) throw new AuthApiError(500, 'unexpected_failure', 'Cannot read SessionId claim as UUID');
  const issued = await ctx.sql.begin(async (tx) => {
    // Spent in the transaction, so two verifications of one challenge cannot both pass.
    if (!(await ctx.factors.spendChallenge(tx, found.id))) throw mismatch;
    await ctx.factors.markVerified(tx, factor.id);
    const tokens = await ctx.sessions.addSecondFactor(tx, sessionId, factor.id, factor.factorType);
    await ctx.factors.deleteUnverified(tx, caller.user.id, 'totp');
    return tokens;
  });
  return { status: 200, body: await sessionResponse(ctx, req, issued) };
}

/**
 * DELETE /factors/:id (auth-js mfa.unenroll): a verified factor only from an aal2 session
 * (422 insufficient_aal otherwise), an unverified one from any. The sessions it lifted to
 * aal2 go back to aal1.
 */
export async function unenroll(ctx: AuthContext, req: IncomingMessage, factorId: string): Promise<Reply> {
  const caller = await requireFactorUser(ctx, req);
  const factor = await loadFactor(ctx, caller.user.id, factorId);
  if (!caller.sessionId) throw new AuthApiError(500, 'unexpected_failure', 'A valid session and factor are required to unenroll a factor');
  if (factor.verified && !caller.aal2) throw new AuthApiError(422, 'insufficient_aal', 'AAL2 required to unenroll verified factor');
  await removeFactor(ctx, factor);
  return { status: 200, body: { id: factor.id } };
}

/** Deletes a factor and downgrades the sessions it lifted, in one transaction (unenroll and the admin API). */
export async function removeFactor(ctx: AuthContext, factor: Factor): Promise<void> {
  await ctx.sql.begin(async (tx) => {
    await ctx.factors.delete(tx, factor.id);
    await ctx.sessions.downgradeFactorSessions(tx, factor.userId, factor.id, factor.factorType);
  });
}
