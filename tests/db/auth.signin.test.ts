import { afterAll, describe, expect, it } from 'vitest';
import { demoUsers } from '../../supabase/local/demoUsers.ts';
import { verifyJwt } from '../../supabase/local/jwt.ts';
import { db, stack } from '../support/clients.ts';
import { adminClient, authClient, authConfig, goodPassword, jwtClaims, signedUpUser, uniqueEmail } from './auth.helpers.ts';

const uuid = expect.stringMatching(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
const isoTime = expect.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
const invalidLogin = { name: 'AuthApiError', status: 400, code: 'invalid_credentials', message: 'Invalid login credentials' };
const sql = db();

afterAll(async () => {
  await sql.end();
});

describe('sign-up with email and password', () => {
  it('creates a confirmed user and returns a session, as Supabase with confirmations off', async () => {
    const client = authClient();
    const email = uniqueEmail('signup');
    const result = await client.auth.signUp({ email: email.toUpperCase(), password: goodPassword(), options: { data: { display_name: 'Ира' } } });
    const user = {
      id: uuid,
      aud: 'authenticated',
      role: 'authenticated',
      email,
      email_confirmed_at: isoTime,
      phone: '',
      confirmed_at: isoTime,
      last_sign_in_at: isoTime,
      app_metadata: { provider: 'email', providers: ['email'] },
      user_metadata: { display_name: 'Ира' },
      identities: [
        {
          identity_id: uuid,
          id: result.data.user?.id,
          user_id: result.data.user?.id,
          identity_data: { display_name: 'Ира', sub: result.data.user?.id, email, email_verified: true, phone_verified: false },
          provider: 'email',
          last_sign_in_at: isoTime,
          created_at: isoTime,
          updated_at: isoTime,
          email,
        },
      ],
      created_at: isoTime,
      updated_at: isoTime,
      is_anonymous: false,
    };
    expect(result).toEqual({
      data: {
        user,
        session: {
          access_token: expect.any(String),
          token_type: 'bearer',
          expires_in: authConfig.jwtExpiry,
          expires_at: expect.any(Number),
          refresh_token: expect.stringMatching(/^[a-z0-9]{12}$/),
          user,
        },
      },
      error: null,
    });
    const { data } = await client.auth.getUser();
    expect(data.user).toEqual(user);
  });

  it('refuses an address that is already registered, in any letter case', async () => {
    const { email } = await signedUpUser('dup');
    const result = await authClient().auth.signUp({ email: email.toUpperCase(), password: goodPassword() });
    expect(result).toEqual({ data: { user: null, session: null }, error: expect.objectContaining({ name: 'AuthApiError', status: 422, code: 'user_already_exists', message: 'User already registered' }) });
  });

  it('validates the address and requires a password', async () => {
    const client = authClient();
    expect((await client.auth.signUp({ email: 'not an email', password: goodPassword() })).error).toMatchObject({
      status: 400,
      code: 'validation_failed',
      message: 'Unable to validate email address: invalid format',
    });
    expect((await client.auth.signUp({ email: uniqueEmail('nopw'), password: '' })).error).toMatchObject({
      status: 400,
      code: 'validation_failed',
      message: 'Signup requires a valid password',
    });
  });
});

describe('the password policy (minimum length and required characters)', () => {
  const characters = `Password should contain at least one character of each: abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ, 0123456789.`;
  const length = `Password should be at least ${authConfig.minimumPasswordLength} characters.`;

  it.each([
    ['too short', 'ab1', ['length'], length],
    ['no digit', 'onlyletters', ['characters'], characters],
    ['no letter', '1234567890', ['characters'], characters],
    ['short and only digits', '12', ['length', 'characters'], `${length} ${characters}`],
  ])('refuses a password that is %s with 422 weak_password and its reasons', async (_case, password, reasons, message) => {
    const result = await authClient().auth.signUp({ email: uniqueEmail('weak'), password });
    expect(result).toEqual({ data: { user: null, session: null }, error: expect.objectContaining({ name: 'AuthWeakPasswordError', status: 422, code: 'weak_password', reasons, message }) });
  });

  it('refuses a password longer than bcrypt can hold', async () => {
    const result = await authClient().auth.signUp({ email: uniqueEmail('long'), password: `a1${'x'.repeat(71)}` });
    expect(result.error).toMatchObject({ status: 400, code: 'validation_failed', message: 'Password cannot be longer than 72 characters' });
  });

  it('lets a user sign in with a password from before the policy and tells the app it is weak', async () => {
    const email = uniqueEmail('oldpw');
    // The admin API sets passwords without the policy, as GoTrue's does.
    expect((await adminClient().auth.admin.createUser({ email, password: 'short', email_confirm: true })).error).toBeNull();
    const result = await authClient().auth.signInWithPassword({ email, password: 'short' });
    expect(result.error).toBeNull();
    expect(result.data.weakPassword).toEqual({ reasons: ['length', 'characters'], message: `${length} ${characters}` });
  });
});

describe('sign-in with password', () => {
  it('signs in every demo user of seed.sql with the shared password', async () => {
    for (const { email } of demoUsers.users) {
      const result = await authClient().auth.signInWithPassword({ email, password: demoUsers.password });
      expect(result.error).toBeNull();
      expect(result.data.user?.email).toBe(email);
      expect(result.data.session?.user.email).toBe(email);
      expect(result.data.weakPassword).toBeUndefined();
    }
  });

  it('issues a Supabase-shaped access token signed with the project JWT secret', async () => {
    const { email, password } = await signedUpUser('claims', { team: 'alpha' });
    const { data, error } = await authClient().auth.signInWithPassword({ email, password });
    expect(error).toBeNull();
    const session = data.session;
    if (!session) throw new Error('no session');
    expect(verifyJwt(session.access_token, stack.jwtSecret)).toBeTruthy();
    expect(jwtClaims(session.access_token)).toEqual({
      iss: `${stack.apiUrl}/auth/v1`,
      sub: data.user?.id,
      aud: 'authenticated',
      exp: session.expires_at,
      iat: (session.expires_at ?? 0) - authConfig.jwtExpiry,
      email,
      phone: '',
      app_metadata: { provider: 'email', providers: ['email'] },
      user_metadata: { team: 'alpha' },
      role: 'authenticated',
      aal: 'aal1',
      amr: [{ method: 'password', timestamp: expect.any(Number) }],
      session_id: uuid,
      is_anonymous: false,
    });
  });

  it('answers a wrong password and an unknown address alike', async () => {
    const { email } = await signedUpUser('wrongpw');
    const client = authClient();
    const wrong = await client.auth.signInWithPassword({ email, password: 'Wrong-password-1' });
    const unknown = await client.auth.signInWithPassword({ email: uniqueEmail('nobody'), password: 'Wrong-password-1' });
    expect(wrong).toEqual({ data: { user: null, session: null }, error: expect.objectContaining(invalidLogin) });
    expect(unknown).toEqual({ data: { user: null, session: null }, error: expect.objectContaining(invalidLogin) });
  });

  it('accepts the bcrypt hashes GoTrue accepts: $2a$ as GoTrue and pgcrypto write them, $2b$ and $2y$ from other tools', async () => {
    const { email, password } = await signedUpUser('bcrypt');
    const [stored] = await sql<{ hash: string }[]>`select encrypted_password as hash from auth.users where email = ${email}`;
    expect(stored?.hash).toMatch(/^\$2a\$10\$.{53}$/);
    for (const prefix of ['$2b$', '$2y$']) {
      await sql`update auth.users set encrypted_password = ${prefix} || substr(${stored?.hash ?? ''}, 5) where email = ${email}`;
      expect((await authClient().auth.signInWithPassword({ email, password })).error).toBeNull();
      expect((await authClient().auth.signInWithPassword({ email, password: `${password}x` })).error).toMatchObject(invalidLogin);
    }
  });

  it('refuses an unconfirmed address', async () => {
    const email = uniqueEmail('unconfirmed');
    const password = goodPassword();
    expect((await adminClient().auth.admin.createUser({ email, password })).error).toBeNull();
    const result = await authClient().auth.signInWithPassword({ email, password });
    expect(result.error).toMatchObject({ status: 400, code: 'email_not_confirmed', message: 'Email not confirmed' });
  });

  it('speaks the legacy error format to clients without the 2024-01-01 API version', async () => {
    const client = authClient({ headers: { 'X-Supabase-Api-Version': '2023-06-01' } });
    const result = await client.auth.signInWithPassword({ email: uniqueEmail('legacy'), password: 'Wrong-password-1' });
    expect(result.error).toMatchObject(invalidLogin);
  });
});
