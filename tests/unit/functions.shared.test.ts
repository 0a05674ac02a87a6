import { describe, expect, it, vi } from 'vitest';
import { corsHeaders } from '../../functions/_shared/cors.ts';
import { handler, HttpError } from '../../functions/_shared/http.ts';
import { whoami } from '../../functions/whoami/handler.ts';
import { signJwt } from '../../supabase/local/jwt.ts';

// functions/_shared is runtime-neutral: the same code runs here under Node.

/** No request reaches it: these cases end before whoami calls REST. */
const unreachableEnv = { url: 'http://127.0.0.1:9', anonKey: 'unused' };

const request = (init: RequestInit & { authorization?: string } = {}) =>
  new Request('http://localhost/whoami', { ...init, headers: init.authorization ? { Authorization: init.authorization } : {} });

describe('functions/_shared/http.ts handler', () => {
  it('answers the CORS preflight without running the logic', async () => {
    const logic = vi.fn();
    const response = await handler(logic)(request({ method: 'OPTIONS' }));
    expect(logic).not.toHaveBeenCalled();
    expect(response.status).toBe(200);
    expect(Object.fromEntries(response.headers)).toMatchObject(Object.fromEntries(Object.entries(corsHeaders).map(([k, v]) => [k.toLowerCase(), v])));
  });

  it('answers an HttpError with its status and code', async () => {
    const response = await handler(() => {
      throw new HttpError(409, 'cap_reached', 'The cap is reached');
    })(request());
    expect({ status: response.status, body: await response.json() }).toEqual({ status: 409, body: { code: 'cap_reached', message: 'The cap is reached' } });
  });

  it('answers anything else with a 500 whose error id is in the log line', async () => {
    const logged = vi.spyOn(console, 'error').mockImplementation(() => {});
    const response = await handler(() => {
      throw new Error('boom');
    })(request());
    const body = (await response.json()) as { code: string; error_id: string };
    expect(response.status).toBe(500);
    expect(body).toMatchObject({ code: 'internal_error' });
    expect(logged).toHaveBeenCalledWith(`error ${body.error_id}:`, expect.any(Error));
    logged.mockRestore();
  });
});

describe('whoami handler', () => {
  it('is a 401, not a 500, without a token or with a token that is not a JWT', async () => {
    for (const authorization of [undefined, 'Basic abc', 'Bearer not-a-jwt']) {
      const response = await handler((req) => whoami(req, unreachableEnv))(request({ authorization }));
      expect(response.status).toBe(401);
      expect(await response.json()).toMatchObject({ code: expect.stringMatching(/^(missing|invalid)_token$/) });
    }
  });

  it('answers the verified token’s claims, non-ASCII included, and no workspaces for a token without a user', async () => {
    const token = signJwt({ role: 'anon', email: 'анна@пример.рф', aal: 'aal1' }, 'secret');
    const response = await handler((req) => whoami(req, unreachableEnv))(request({ authorization: `Bearer ${token}` }));
    expect(await response.json()).toEqual({ sub: null, role: 'anon', email: 'анна@пример.рф', aal: 'aal1', workspaces: [] });
  });
});
