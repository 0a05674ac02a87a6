import { afterAll, describe, expect, it } from 'vitest';
import { db } from '../support/clients.ts';
import { authClient, authConfig, goodPassword, jwtClaims, signedUpUser } from './auth.helpers.ts';

const sql = db();

afterAll(async () => {
  await sql.end();
});

interface TokenRow {
  token: string;
  revoked: boolean;
  parent: string | null;
}

async function sessionTokens(accessToken: string): Promise<TokenRow[]> {
  const sessionId = String(jwtClaims(accessToken).session_id);
  return sql<TokenRow[]>`select token, revoked, parent from auth.refresh_tokens where session_id = ${sessionId} order by id`;
}

const sessionMissing = { name: 'AuthSessionMissingError', status: 400, message: 'Auth session missing!' };

describe('refresh token rotation', () => {
  it('revokes the used token and issues its child', async () => {
    const { client, session } = await signedUpUser('rotate');
    const first = await client.auth.refreshSession({ refresh_token: session.refresh_token });
    expect(first.error).toBeNull();
    const second = await client.auth.refreshSession({ refresh_token: first.data.session?.refresh_token ?? '' });
    expect(second.error).toBeNull();
    const r1 = first.data.session?.refresh_token;
    const r2 = second.data.session?.refresh_token;
    expect(new Set([session.refresh_token, r1, r2]).size).toBe(3);
    expect(await sessionTokens(session.access_token)).toEqual([
      { token: session.refresh_token, revoked: true, parent: null },
      { token: r1, revoked: true, parent: session.refresh_token },
      { token: r2, revoked: false, parent: r1 },
    ]);
    expect(jwtClaims(second.data.session?.access_token ?? '').session_id).toBe(jwtClaims(session.access_token).session_id);
  });

  it('gives a token reused within the reuse interval the active child (tabs refreshing at once)', async () => {
    const { client, session } = await signedUpUser('reuse');
    const first = await client.auth.refreshSession({ refresh_token: session.refresh_token });
    const again = await authClient().auth.refreshSession({ refresh_token: session.refresh_token });
    expect(again.error).toBeNull();
    expect(again.data.session?.refresh_token).toBe(first.data.session?.refresh_token);
    expect(await sessionTokens(session.access_token)).toHaveLength(2);
  });

  it('puts tabs that refresh one token at the same moment all on one child', async () => {
    const { session } = await signedUpUser('tabs');
    const tabs = await Promise.all([1, 2, 3, 4].map(() => authClient().auth.refreshSession({ refresh_token: session.refresh_token })));
    expect(tabs.map((t) => t.error)).toEqual([null, null, null, null]);
    expect(new Set(tabs.map((t) => t.data.session?.refresh_token)).size).toBe(1);
    expect(await sessionTokens(session.access_token)).toHaveLength(2);
  });

  it('revokes the whole session family when a token is reused after the interval', async () => {
    const { client, email, password, session } = await signedUpUser('family');
    const otherSession = await authClient().auth.signInWithPassword({ email, password });
    const first = await client.auth.refreshSession({ refresh_token: session.refresh_token });
    const child = first.data.session?.refresh_token ?? '';
    // The clock moves past the reuse interval for the revoked token.
    await sql`update auth.refresh_tokens set updated_at = now() - make_interval(secs => ${authConfig.refreshTokenReuseInterval + 1}) where token = ${session.refresh_token}`;
    const reused = await authClient().auth.refreshSession({ refresh_token: session.refresh_token });
    const alreadyUsed = { name: 'AuthApiError', status: 400, code: 'refresh_token_already_used', message: 'Invalid Refresh Token: Already Used' };
    expect(reused).toEqual({ data: { user: null, session: null }, error: expect.objectContaining(alreadyUsed) });
    expect((await authClient().auth.refreshSession({ refresh_token: child })).error).toMatchObject(alreadyUsed);
    expect((await sessionTokens(session.access_token)).every((t) => t.revoked)).toBe(true);
    // Only that session's family: the user's other session keeps refreshing.
    const other = await authClient().auth.refreshSession({ refresh_token: otherSession.data.session?.refresh_token ?? '' });
    expect(other.error).toBeNull();
  });

  it('refuses unknown and malformed refresh tokens', async () => {
    const client = authClient();
    expect((await client.auth.refreshSession({ refresh_token: 'abcdefghijkl' })).error).toMatchObject({
      status: 400,
      code: 'refresh_token_not_found',
      message: 'Invalid Refresh Token: Refresh Token Not Found',
    });
    expect((await client.auth.refreshSession({ refresh_token: 'not-a-token' })).error).toMatchObject({ status: 400, code: 'validation_failed', message: 'Refresh token is not valid' });
  });
});

describe('sign-out scopes', () => {
  async function threeSessions() {
    const { client: a, email, password, session } = await signedUpUser('scope');
    const b = authClient();
    const c = authClient();
    const sb = (await b.auth.signInWithPassword({ email, password })).data.session;
    const sc = (await c.auth.signInWithPassword({ email, password })).data.session;
    if (!sb || !sc) throw new Error('sign-in failed');
    return { a, b, c, sa: session, sb, sc };
  }

  it('others: ends every other session and keeps this one', async () => {
    const { a, sa, sb, sc } = await threeSessions();
    expect(await a.auth.signOut({ scope: 'others' })).toEqual({ error: null });
    expect((await a.auth.getUser()).error).toBeNull();
    expect((await authClient().auth.getUser(sa.access_token)).error).toBeNull();
    for (const gone of [sb, sc]) {
      expect((await authClient().auth.getUser(gone.access_token)).error).toMatchObject(sessionMissing);
      expect((await authClient().auth.refreshSession({ refresh_token: gone.refresh_token })).error).toMatchObject({ code: 'refresh_token_not_found' });
    }
  });

  it('local: ends only this session', async () => {
    const { a, sa, sb, sc } = await threeSessions();
    expect(await a.auth.signOut({ scope: 'local' })).toEqual({ error: null });
    expect((await a.auth.getSession()).data.session).toBeNull();
    expect((await authClient().auth.getUser(sa.access_token)).error).toMatchObject(sessionMissing);
    for (const kept of [sb, sc]) expect((await authClient().auth.getUser(kept.access_token)).error).toBeNull();
  });

  it('global (the default): ends every session of the user', async () => {
    const { a, sa, sb, sc } = await threeSessions();
    expect(await a.auth.signOut()).toEqual({ error: null });
    for (const gone of [sa, sb, sc]) {
      expect(await authClient().auth.getUser(gone.access_token)).toEqual({ data: { user: null }, error: expect.objectContaining(sessionMissing) });
    }
  });
});

describe('the signed-in user', () => {
  it('merges data into user_metadata, null deleting a key', async () => {
    const { client } = await signedUpUser('meta', { display_name: 'Ann', locale: 'ru' });
    const first = await client.auth.updateUser({ data: { locale: 'en', theme: 'dark' } });
    expect(first.error).toBeNull();
    expect(first.data.user?.user_metadata).toEqual({ display_name: 'Ann', locale: 'en', theme: 'dark' });
    const second = await client.auth.updateUser({ data: { theme: null } });
    expect(second.data.user?.user_metadata).toEqual({ display_name: 'Ann', locale: 'en' });
    expect((await client.auth.getUser()).data.user?.user_metadata).toEqual({ display_name: 'Ann', locale: 'en' });
  });

  it('changes the password under the policy and signs out the other sessions', async () => {
    const { client, email, password } = await signedUpUser('newpw');
    const other = await authClient().auth.signInWithPassword({ email, password });
    expect((await client.auth.updateUser({ password: 'short' })).error).toMatchObject({ status: 422, code: 'weak_password', reasons: ['length', 'characters'] });
    expect((await client.auth.updateUser({ password })).error).toMatchObject({
      status: 422,
      code: 'same_password',
      message: 'New password should be different from the old password.',
    });
    const next = goodPassword();
    expect((await client.auth.updateUser({ password: next })).error).toBeNull();
    expect((await client.auth.getUser()).error).toBeNull();
    expect((await authClient().auth.getUser(other.data.session?.access_token)).error).toMatchObject(sessionMissing);
    expect((await authClient().auth.signInWithPassword({ email, password })).error).toMatchObject({ code: 'invalid_credentials' });
    expect((await authClient().auth.signInWithPassword({ email, password: next })).error).toBeNull();
  });

  it('refuses app_metadata from the user and an email change (not supported locally)', async () => {
    const { client, email } = await signedUpUser('forbidden');
    const attributes = { data: {}, ...{ app_metadata: { role: 'admin' } } };
    expect((await client.auth.updateUser(attributes)).error).toMatchObject({ status: 403, code: 'not_admin', message: 'Updating app_metadata requires admin privileges' });
    expect((await client.auth.updateUser({ email: `new-${email}` })).error).toMatchObject({ status: 422, code: 'feature_disabled' });
    expect((await client.auth.updateUser({ email })).error).toBeNull();
  });
});
