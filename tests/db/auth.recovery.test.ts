import { afterAll, describe, expect, it } from 'vitest';
import { db, stack } from '../support/clients.ts';
import { authClient, authConfig, goodPassword, mailTo, signedUpUser, uniqueEmail } from './auth.helpers.ts';

const sql = db();

afterAll(async () => {
  await sql.end();
});

const invalidCode = { name: 'AuthApiError', status: 403, code: 'otp_expired', message: 'Token has expired or is invalid' };

/** Asks for a recovery email and returns the one it produced. */
async function requestRecovery(email: string, redirectTo?: string) {
  const result = await authClient().auth.resetPasswordForEmail(email, redirectTo ? { redirectTo } : {});
  expect(result).toEqual({ data: {}, error: null });
  const mails = await mailTo(email);
  const mail = mails.at(-1);
  if (!mail) throw new Error(`no recovery mail for ${email}`);
  return mail;
}

/** The fragment parameters of a redirect Location. */
function fragment(location: string | null): Record<string, string> {
  return Object.fromEntries(new URLSearchParams((location ?? '').split('#')[1] ?? ''));
}

describe('password recovery', () => {
  it('mails a code and a link; the code signs the user in to set a new password', async () => {
    const { email, password } = await signedUpUser('recover');
    const mail = await requestRecovery(email);
    expect(mail).toEqual({
      to: email,
      subject: 'Reset Your Password',
      type: 'recovery',
      otp: expect.stringMatching(new RegExp(`^\\d{${authConfig.otpLength}}$`)),
      link: expect.stringMatching(new RegExp(`^${stack.apiUrl}/auth/v1/verify\\?token=[0-9a-f]{56}&type=recovery&redirect_to=`)),
      text: expect.stringContaining(`Alternatively, enter the code: ${mail.otp}`),
      html: expect.stringContaining(mail.otp),
      created_at: expect.any(String),
    });
    expect(mail.text).toContain(mail.link);
    expect(new URL(mail.link).searchParams.get('redirect_to')).toBe(authConfig.siteUrl);

    const client = authClient();
    const verified = await client.auth.verifyOtp({ type: 'recovery', email, token: mail.otp });
    expect(verified.error).toBeNull();
    expect(verified.data.user?.email).toBe(email);
    expect(verified.data.session?.token_type).toBe('bearer');
    const next = goodPassword();
    expect((await client.auth.updateUser({ password: next })).error).toBeNull();
    expect((await authClient().auth.signInWithPassword({ email, password: next })).error).toBeNull();
    expect((await authClient().auth.signInWithPassword({ email, password })).error).toMatchObject({ code: 'invalid_credentials' });
    // A code works once.
    expect(await authClient().auth.verifyOtp({ type: 'recovery', email, token: mail.otp })).toEqual({ data: { user: null, session: null }, error: expect.objectContaining(invalidCode) });
  });

  it('builds the link from the configured API address, whatever host the request names', async () => {
    const { email } = await signedUpUser('recover-host');
    const asked = await fetch(`${stack.apiUrl}/auth/v1/recover`, {
      method: 'POST',
      headers: { apikey: stack.anonKey, 'content-type': 'application/json', 'x-forwarded-host': 'evil.example', 'x-forwarded-proto': 'https', host: 'evil.example' },
      body: JSON.stringify({ email }),
    });
    expect(asked.status).toBe(200);
    const mail = (await mailTo(email)).at(-1);
    expect(new URL(mail?.link ?? 'http://missing').origin).toBe(stack.apiUrl);
    // The tokens it signs name the same issuer.
    const verified = await authClient().auth.verifyOtp({ type: 'recovery', email, token: mail?.otp ?? '' });
    const claims = JSON.parse(Buffer.from(verified.data.session?.access_token.split('.')[1] ?? '', 'base64url').toString('utf8')) as { iss: string };
    expect(claims.iss).toBe(`${stack.apiUrl}/auth/v1`);
  });

  it('cancels a code after five wrong tries, even from different addresses, so it cannot be guessed', async () => {
    const { email } = await signedUpUser('recover-guess');
    const mail = await requestRecovery(email);
    const wrong = String((Number(mail.otp) + 1) % 10 ** authConfig.otpLength).padStart(authConfig.otpLength, '0');
    for (let i = 0; i < 5; i += 1) {
      expect((await authClient().auth.verifyOtp({ type: 'recovery', email, token: wrong })).error).toMatchObject(invalidCode);
    }
    expect(await authClient().auth.verifyOtp({ type: 'recovery', email, token: mail.otp })).toEqual({ data: { user: null, session: null }, error: expect.objectContaining(invalidCode) });
    // A new code works, and four wrong tries before it do not spend it.
    const next = await requestRecovery(email);
    for (let i = 0; i < 4; i += 1) await authClient().auth.verifyOtp({ type: 'recovery', email, token: wrong === next.otp ? mail.otp : wrong });
    expect((await authClient().auth.verifyOtp({ type: 'recovery', email, token: next.otp })).error).toBeNull();
  });

  it('answers an unknown address exactly as a known one, and mails nothing', async () => {
    const email = uniqueEmail('nobody');
    expect(await authClient().auth.resetPasswordForEmail(email)).toEqual({ data: {}, error: null });
    expect(await mailTo(email)).toEqual([]);
  });

  it('refuses a wrong code, an expired code and a code replaced by a newer one', async () => {
    const { email } = await signedUpUser('badcode');
    const first = await requestRecovery(email);
    const wrong = first.otp === '000000' ? '111111' : '000000';
    expect((await authClient().auth.verifyOtp({ type: 'recovery', email, token: wrong })).error).toMatchObject(invalidCode);

    const second = await requestRecovery(email);
    if (second.otp !== first.otp) expect((await authClient().auth.verifyOtp({ type: 'recovery', email, token: first.otp })).error).toMatchObject(invalidCode);

    await sql`update auth.users set recovery_sent_at = now() - make_interval(secs => ${authConfig.otpExpiry + 1}) where email = ${email}`;
    expect((await authClient().auth.verifyOtp({ type: 'recovery', email, token: second.otp })).error).toMatchObject(invalidCode);
  });

  it('signs the user in from the emailed link, once, by redirecting with the session in the fragment', async () => {
    const { email } = await signedUpUser('link');
    const mail = await requestRecovery(email);
    // What the user's browser does with the link.
    const opened = await fetch(mail.link, { redirect: 'manual' });
    expect(opened.status).toBe(303);
    const location = opened.headers.get('location') ?? '';
    expect(location.startsWith(`${authConfig.siteUrl}#`)).toBe(true);
    const params = fragment(location);
    expect(params).toEqual({
      access_token: expect.any(String),
      expires_at: expect.stringMatching(/^\d+$/),
      expires_in: String(authConfig.jwtExpiry),
      refresh_token: expect.stringMatching(/^[a-z0-9]{12}$/),
      sb: '',
      token_type: 'bearer',
      type: 'recovery',
    });
    const client = authClient();
    const set = await client.auth.setSession({ access_token: params.access_token ?? '', refresh_token: params.refresh_token ?? '' });
    expect(set.error).toBeNull();
    expect((await client.auth.updateUser({ password: goodPassword() })).error).toBeNull();

    const again = await fetch(mail.link, { redirect: 'manual' });
    expect(fragment(again.headers.get('location'))).toEqual({
      error: 'access_denied',
      error_code: 'otp_expired',
      error_description: 'Email link is invalid or has expired',
      sb: '',
    });
  });

  it('redirects to an allowed redirect_to and replaces a foreign one with the site URL', async () => {
    const { email } = await signedUpUser('redirect');
    const allowed = authConfig.redirectUrls[0] ?? authConfig.siteUrl;
    expect(new URL((await requestRecovery(email, allowed)).link).searchParams.get('redirect_to')).toBe(allowed);
    expect(new URL((await requestRecovery(email, 'https://evil.example/steal')).link).searchParams.get('redirect_to')).toBe(authConfig.siteUrl);
  });

  it('validates what it is given', async () => {
    const client = authClient();
    expect((await client.auth.resetPasswordForEmail('')).error).toMatchObject({ status: 400, code: 'validation_failed', message: 'Password recovery requires an email' });
    expect((await client.auth.resetPasswordForEmail('nope')).error).toMatchObject({ status: 400, code: 'validation_failed' });
    expect((await client.auth.verifyOtp({ type: 'signup', email: uniqueEmail('x'), token: '123456' })).error).toMatchObject({
      status: 400,
      code: 'validation_failed',
      message: 'Unsupported verification type',
    });
    expect((await client.auth.verifyOtp({ type: 'recovery', token_hash: 'f'.repeat(56) })).error).toMatchObject({
      status: 403,
      code: 'otp_expired',
      message: 'Email link is invalid or has expired',
    });
  });
});
