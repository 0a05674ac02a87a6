import { describe, expect, it } from 'vitest';
import { stack } from '../support/clients.ts';
import { adminClient, authClient, goodPassword, jwtClaims, signedUpUser, uniqueEmail } from './auth.helpers.ts';

const notAdmin = { name: 'AuthApiError', status: 403, code: 'not_admin', message: 'User not allowed' };

async function createConfirmedUser(tag: string, extra: { app_metadata?: Record<string, unknown>; user_metadata?: Record<string, unknown> } = {}) {
  const email = uniqueEmail(tag);
  const password = goodPassword();
  const { data, error } = await adminClient().auth.admin.createUser({ email, password, email_confirm: true, ...extra });
  if (error || !data.user) throw new Error(`createUser failed: ${error?.message ?? 'no user'}`);
  return { email, password, user: data.user };
}

describe('the admin API with the service-role key', () => {
  it('creates a confirmed user with metadata who can sign in and carries app_metadata in the JWT', async () => {
    const { email, password, user } = await createConfirmedUser('created', { app_metadata: { roles: ['finance'] }, user_metadata: { display_name: 'Фёдор' } });
    expect(user).toMatchObject({
      email,
      aud: 'authenticated',
      role: 'authenticated',
      email_confirmed_at: expect.any(String),
      app_metadata: { provider: 'email', providers: ['email'], roles: ['finance'] },
      user_metadata: { display_name: 'Фёдор' },
      identities: [expect.objectContaining({ provider: 'email', email })],
    });
    const { data, error } = await authClient().auth.signInWithPassword({ email, password });
    expect(error).toBeNull();
    expect(jwtClaims(data.session?.access_token ?? '').app_metadata).toEqual({ provider: 'email', providers: ['email'], roles: ['finance'] });
  });

  it('refuses a second user with the same address', async () => {
    const { email } = await createConfirmedUser('twice');
    const result = await adminClient().auth.admin.createUser({ email, password: goodPassword() });
    expect(result).toEqual({
      data: { user: null },
      error: expect.objectContaining({ status: 422, code: 'email_exists', message: 'A user with this email address has already been registered' }),
    });
  });

  it('lists users newest first with pagination', async () => {
    await createConfirmedUser('listed-a');
    const { user: newest } = await createConfirmedUser('listed-b');
    const { data, error } = await adminClient().auth.admin.listUsers({ page: 1, perPage: 2 });
    expect(error).toBeNull();
    expect(data).toMatchObject({ aud: 'authenticated', nextPage: 2, total: expect.any(Number), lastPage: expect.any(Number) });
    expect(data.users).toHaveLength(2);
    // Five demo users and the two above, at least; other files add theirs concurrently.
    expect('total' in data ? data.total : 0).toBeGreaterThanOrEqual(7);
    // Other test files create users concurrently, so the newest may be one of theirs.
    const createdAt = data.users.map((u) => Date.parse(u.created_at));
    expect(createdAt[0]).toBeGreaterThanOrEqual(createdAt[1] ?? 0);
    expect(createdAt[0]).toBeGreaterThanOrEqual(Date.parse(newest.created_at));
  });

  it('gets a user by id and answers 404 for an unknown one', async () => {
    const { user } = await createConfirmedUser('byid');
    expect(await adminClient().auth.admin.getUserById(user.id)).toEqual({ data: { user: { ...user, updated_at: expect.any(String) } }, error: null });
    const missing = await adminClient().auth.admin.getUserById('00000000-0000-4000-8000-00000000ffff');
    expect(missing).toEqual({ data: { user: null }, error: expect.objectContaining({ status: 404, code: 'user_not_found', message: 'User not found' }) });
  });

  it('updates metadata by merging and a password (policy checked, sessions signed out)', async () => {
    const { email, password, user } = await createConfirmedUser('updated', { app_metadata: { roles: ['viewer'] }, user_metadata: { a: 1, b: 2 } });
    const session = (await authClient().auth.signInWithPassword({ email, password })).data.session;
    const admin = adminClient().auth.admin;
    const updated = await admin.updateUserById(user.id, { app_metadata: { roles: ['admin'] }, user_metadata: { b: null, c: 3 } });
    expect(updated.error).toBeNull();
    expect(updated.data.user?.app_metadata).toEqual({ provider: 'email', providers: ['email'], roles: ['admin'] });
    expect(updated.data.user?.user_metadata).toEqual({ a: 1, c: 3 });
    expect((await admin.updateUserById(user.id, { password: 'weak' })).error).toMatchObject({ status: 422, code: 'weak_password' });
    const next = goodPassword();
    expect((await admin.updateUserById(user.id, { password: next })).error).toBeNull();
    expect((await authClient().auth.getUser(session?.access_token)).error).toMatchObject({ name: 'AuthSessionMissingError' });
    expect((await authClient().auth.signInWithPassword({ email, password: next })).error).toBeNull();
  });

  it('bans and unbans a user', async () => {
    const { email, password, user } = await createConfirmedUser('banned');
    const session = (await authClient().auth.signInWithPassword({ email, password })).data.session;
    const admin = adminClient().auth.admin;
    const banned = await admin.updateUserById(user.id, { ban_duration: '24h' });
    expect(Date.parse(banned.data.user?.banned_until ?? '')).toBeGreaterThan(Date.now() + 23 * 3600_000);
    expect((await authClient().auth.signInWithPassword({ email, password })).error).toMatchObject({ status: 400, code: 'user_banned', message: 'User is banned' });
    expect((await authClient().auth.refreshSession({ refresh_token: session?.refresh_token ?? '' })).error).toMatchObject({ status: 400, code: 'user_banned' });
    expect((await admin.updateUserById(user.id, { ban_duration: 'forever' })).error).toMatchObject({ status: 400, code: 'validation_failed' });
    expect((await admin.updateUserById(user.id, { ban_duration: 'none' })).data.user?.banned_until).toBeUndefined();
    expect((await authClient().auth.signInWithPassword({ email, password })).error).toBeNull();
  });

  it('deletes a user, whose tokens then stop working', async () => {
    const { email, password, user } = await createConfirmedUser('deleted');
    const session = (await authClient().auth.signInWithPassword({ email, password })).data.session;
    expect(await adminClient().auth.admin.deleteUser(user.id)).toEqual({ data: { user: {} }, error: null });
    expect((await adminClient().auth.admin.getUserById(user.id)).error).toMatchObject({ status: 404, code: 'user_not_found' });
    expect((await authClient().auth.getUser(session?.access_token)).error).toMatchObject({ status: 403, code: 'user_not_found' });
    expect((await authClient().auth.signInWithPassword({ email, password })).error).toMatchObject({ code: 'invalid_credentials' });
  });
});

describe('the admin API without the service-role key', () => {
  it('is forbidden with the anon key', async () => {
    const admin = authClient().auth.admin;
    expect(await admin.listUsers()).toEqual({ data: { users: [] }, error: expect.objectContaining(notAdmin) });
    expect((await admin.createUser({ email: uniqueEmail('anon'), password: goodPassword() })).error).toMatchObject(notAdmin);
  });

  it("is forbidden with a signed-in user's JWT", async () => {
    const { session } = await signedUpUser('notadmin');
    const asUser = authClient({ headers: { Authorization: `Bearer ${session.access_token}` } }).auth.admin;
    expect((await asUser.listUsers()).error).toMatchObject(notAdmin);
    expect((await asUser.getUserById(session.user.id)).error).toMatchObject(notAdmin);
    expect((await asUser.deleteUser(session.user.id)).error).toMatchObject(notAdmin);
    expect((await adminClient().auth.admin.getUserById(session.user.id)).data.user?.id).toBe(session.user.id);
  });

  it('is forbidden with a JWT signed by another secret', async () => {
    const forged = stack.serviceRoleKey.replace(/\.[^.]+$/, '.AAAA');
    const asForger = authClient({ headers: { Authorization: `Bearer ${forged}` } }).auth.admin;
    expect((await asForger.listUsers()).error).toMatchObject({ status: 403, code: 'bad_jwt' });
  });
});
