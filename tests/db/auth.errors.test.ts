import { describe, expect, it } from 'vitest';
import { stack } from '../support/clients.ts';
import { authClient, uniqueIp } from './auth.helpers.ts';

/**
 * Requests supabase-js never sends (broken JSON, wrong types, unknown routes) go through
 * plain fetch: the point is that whatever arrives, the answer is a GoTrue error, not a crash.
 */
async function call(method: string, path: string, options: { body?: string; auth?: string | null; version?: boolean } = {}) {
  const headers: Record<string, string> = { apikey: stack.anonKey, 'content-type': 'application/json', 'x-forwarded-for': uniqueIp() };
  if (options.auth !== null) headers.authorization = `Bearer ${options.auth ?? stack.anonKey}`;
  if (options.version) headers['x-supabase-api-version'] = '2024-01-01';
  const res = await fetch(`${stack.apiUrl}/auth/v1${path}`, { method, headers, body: options.body });
  const body: unknown = await res.json();
  return { status: res.status, version: res.headers.get('x-supabase-api-version'), body };
}

describe('bad input', () => {
  it('answers broken JSON with 400 bad_json in the legacy and the 2024-01-01 format', async () => {
    expect(await call('POST', '/token?grant_type=password', { body: '{"email":' })).toEqual({
      status: 400,
      version: null,
      body: { code: 400, error_code: 'bad_json', msg: expect.stringMatching(/^Could not parse request body as JSON: /) },
    });
    expect(await call('POST', '/signup', { body: '{"email":', version: true })).toEqual({
      status: 400,
      version: '2024-01-01',
      body: { code: 'bad_json', message: expect.stringMatching(/^Could not parse request body as JSON: /) },
    });
  });

  it('answers fields of the wrong type, non-object bodies and NUL characters with 400 bad_json', async () => {
    for (const body of ['{"email": 42, "password": "x"}', '[1, 2]', '"text"', '{"email": "a@b.co", "password": "x\\u0000y"}', '{"email": "a@b.co", "password": "Abcdefg12", "data": "x"}']) {
      const result = await call('POST', '/signup', { body });
      expect(result).toMatchObject({ status: 400, body: { code: 400, error_code: 'bad_json' } });
    }
  });

  it('answers missing fields with 400 validation_failed', async () => {
    expect(await call('POST', '/token?grant_type=password', { body: '{}' })).toEqual({ status: 400, version: null, body: { code: 400, error_code: 'validation_failed', msg: 'missing email or phone' } });
    expect(await call('POST', '/token?grant_type=refresh_token', { body: '' })).toMatchObject({ status: 400, body: { error_code: 'validation_failed', msg: 'Refresh token is not valid' } });
    expect(await call('POST', '/verify', { body: '{"type":"recovery"}' })).toMatchObject({ status: 400, body: { msg: 'Verify requires either a token or a token hash' } });
  });

  it('answers an unknown grant type, route or method', async () => {
    expect(await call('POST', '/token?grant_type=magic', { body: '{}' })).toMatchObject({ status: 400, body: { error_code: 'invalid_credentials', msg: 'unsupported_grant_type' } });
    expect(await call('GET', '/no/such/route')).toMatchObject({ status: 404, body: { error_code: 'not_found' } });
    expect(await call('DELETE', '/signup')).toMatchObject({ status: 405, body: { error_code: 'method_not_allowed' } });
    expect(await call('POST', '/logout?scope=everywhere', { auth: (await signedInToken()) })).toMatchObject({ status: 400, body: { msg: 'Unsupported logout scope "everywhere"' } });
  });

  it('answers missing and broken bearer tokens as GoTrue does', async () => {
    expect(await call('GET', '/user', { auth: null })).toMatchObject({ status: 401, body: { error_code: 'no_authorization', msg: 'This endpoint requires a valid Bearer token' } });
    expect(await call('GET', '/user', { auth: 'not.a.jwt' })).toMatchObject({ status: 403, body: { error_code: 'bad_jwt' } });
    expect(await call('GET', '/user')).toMatchObject({ status: 403, body: { error_code: 'bad_jwt', msg: 'invalid claim: missing sub claim' } });
    expect(await call('GET', '/admin/users', { auth: null })).toMatchObject({ status: 401, body: { error_code: 'no_authorization' } });
    expect(await call('GET', '/admin/users/not-a-uuid', { auth: stack.serviceRoleKey })).toMatchObject({ status: 404, body: { msg: 'user_id must be an UUID' } });
    expect(await call('GET', '/admin/users?page=x', { auth: stack.serviceRoleKey })).toMatchObject({ status: 400, body: { error_code: 'validation_failed' } });
  });

  it('still serves requests after all of the above', async () => {
    expect(await call('GET', '/health')).toMatchObject({ status: 200, body: { name: 'GoTrue' } });
    expect(await call('GET', '/settings')).toMatchObject({ status: 200, body: { external: { email: true, phone: false }, disable_signup: false, mailer_autoconfirm: true } });
  });
});

async function signedInToken(): Promise<string> {
  const { data } = await authClient().auth.signInWithPassword({ email: 'viewer@demo.arbidesk.local', password: 'arbidesk2026' });
  return data.session?.access_token ?? '';
}
