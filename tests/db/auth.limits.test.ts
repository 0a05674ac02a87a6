import { describe, expect, it } from 'vitest';
import { adminClient, authClient, authConfig, goodPassword, uniqueEmail, uniqueIp } from './auth.helpers.ts';

const overLimit = { name: 'AuthApiError', status: 429, code: 'over_request_rate_limit', message: 'Request rate limit reached' };

describe('rate limits', () => {
  it('allows sign-in and sign-up requests per IP up to the limit, then answers 429', async () => {
    const ip = uniqueIp();
    const client = authClient({ ip });
    for (let i = 0; i < authConfig.signInsPerIp; i += 1) {
      const attempt = await client.auth.signInWithPassword({ email: uniqueEmail('ip'), password: 'Wrong-password-1' });
      expect(attempt.error).toMatchObject({ status: 400, code: 'invalid_credentials' });
    }
    expect(await client.auth.signInWithPassword({ email: uniqueEmail('ip'), password: 'Wrong-password-1' })).toEqual({
      data: { user: null, session: null },
      error: expect.objectContaining(overLimit),
    });
    expect((await client.auth.signUp({ email: uniqueEmail('ip'), password: goodPassword() })).error).toMatchObject(overLimit);
    // Another address is not affected.
    expect((await authClient().auth.signUp({ email: uniqueEmail('ip'), password: goodPassword() })).error).toBeNull();
  });

  it('locks password sign-ins for an address after too many failures, even with the right password', async () => {
    const email = uniqueEmail('locked');
    const password = goodPassword();
    expect((await adminClient().auth.admin.createUser({ email, password, email_confirm: true })).error).toBeNull();
    for (let i = 0; i < authConfig.failedSignInsPerEmail; i += 1) {
      expect((await authClient().auth.signInWithPassword({ email, password: 'Wrong-password-1' })).error).toMatchObject({ code: 'invalid_credentials' });
    }
    const locked = await authClient().auth.signInWithPassword({ email: email.toUpperCase(), password });
    expect(locked.data).toEqual({ user: null, session: null });
    expect(locked.error).toMatchObject({ name: 'AuthApiError', status: 429, code: 'over_request_rate_limit' });
    const wait = Number(/Try again in (\d+) seconds\./.exec(locked.error?.message ?? '')?.[1]);
    expect(wait).toBeGreaterThan(14 * 60);
    expect(wait).toBeLessThanOrEqual(15 * 60);
    // Other addresses still sign in.
    const other = uniqueEmail('unlocked');
    expect((await adminClient().auth.admin.createUser({ email: other, password, email_confirm: true })).error).toBeNull();
    expect((await authClient().auth.signInWithPassword({ email: other, password })).error).toBeNull();
  });

  it('lets no more guesses through than the limit when they arrive all at once', async () => {
    const email = uniqueEmail('burst');
    expect((await adminClient().auth.admin.createUser({ email, password: goodPassword(), email_confirm: true })).error).toBeNull();
    const burst = await Promise.all(
      Array.from({ length: authConfig.failedSignInsPerEmail * 3 }, () => authClient().auth.signInWithPassword({ email, password: 'Wrong-password-1' })),
    );
    const codes = burst.map((r) => r.error?.code);
    expect(codes.filter((c) => c === 'invalid_credentials')).toHaveLength(authConfig.failedSignInsPerEmail);
    expect(codes.filter((c) => c === 'over_request_rate_limit')).toHaveLength(authConfig.failedSignInsPerEmail * 2);
  });

  it('does not count successful sign-ins as failures', async () => {
    const email = uniqueEmail('fine');
    const password = goodPassword();
    expect((await adminClient().auth.admin.createUser({ email, password, email_confirm: true })).error).toBeNull();
    for (let i = 0; i < authConfig.failedSignInsPerEmail + 2; i += 1) {
      expect((await authClient().auth.signInWithPassword({ email, password })).error).toBeNull();
    }
  });

  it('counts failures for unknown addresses too, so the lock does not reveal who has an account', async () => {
    const email = uniqueEmail('ghost');
    for (let i = 0; i < authConfig.failedSignInsPerEmail; i += 1) {
      expect((await authClient().auth.signInWithPassword({ email, password: 'Wrong-password-1' })).error).toMatchObject({ code: 'invalid_credentials' });
    }
    expect((await authClient().auth.signInWithPassword({ email, password: 'Wrong-password-1' })).error).toMatchObject({ status: 429, code: 'over_request_rate_limit' });
  });
});
