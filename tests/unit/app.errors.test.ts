import { AuthApiError, AuthRetryableFetchError, AuthWeakPasswordError } from '@supabase/supabase-js';
import { describe, expect, it } from 'vitest';
import { describeError, RequestError } from '../../app/lib/errors.ts';
import { InvalidResponseError } from '../../app/lib/guards.ts';
import { loadResources } from '../../app/i18n/resources.ts';

const en = await loadResources('en');

/** The English text a message stands for, so each case reads as what a person sees. */
function english(error: unknown): string {
  const { key, values = {} } = describeError(error);
  const template = key.split('.').reduce<unknown>((node, part) => (node as Record<string, unknown>)[part], en);
  if (typeof template !== 'string') throw new Error(`no text for ${key}`);
  return template.replace(/\{\{(\w+)\}\}/g, (_, name: string) => String(values[name]));
}

describe('describeError: what a person is told about a failed request', () => {
  it('sign-in refusals', () => {
    expect(english(new AuthApiError('Invalid login credentials', 400, 'invalid_credentials'))).toBe('Wrong email or password. Check both, or reset the password.');
    expect(english(new AuthApiError('Too many failed sign-in attempts for this email address. Try again in 840 seconds.', 429, 'over_request_rate_limit'))).toBe(
      'Too many failed attempts. Try again in 14 min, or reset the password.',
    );
    expect(english(new AuthApiError('Request rate limit reached', 429, 'over_request_rate_limit'))).toBe('Too many attempts. Wait a few minutes and try again.');
    expect(english(new AuthApiError('User already registered', 422, 'user_already_exists'))).toBe('An account with this email already exists. Sign in with it instead.');
    expect(english(new AuthWeakPasswordError('Password should be at least 10 characters.', 422, ['length']))).toBe(
      'The password is too weak. Use at least 10 characters, with letters and digits.',
    );
  });

  it('no connection, from Auth, from REST and from fetch itself', () => {
    const network = 'No connection to the server. Check the internet connection; the app retries by itself.';
    expect(english(new AuthRetryableFetchError('Failed to fetch', 0))).toBe(network);
    expect(english(new RequestError(0, '', 'TypeError: Failed to fetch'))).toBe(network);
    expect(english(new TypeError('Failed to fetch'))).toBe(network);
    expect(english(new AuthRetryableFetchError('Bad gateway', 502))).toBe('The server ran into a problem. Try again in a minute.');
  });

  it("accept_invitation's refusals", () => {
    expect(english(new RequestError(400, 'P0001', 'This invitation was already used'))).toBe('This invitation has already been used');
    expect(english(new RequestError(400, 'P0001', 'This invitation expired on 2026-11-01'))).toBe('This invitation expired on 2026-11-01');
    expect(english(new RequestError(403, '42501', 'This invitation was sent to another email address'))).toBe('This invitation was sent to another email address');
    expect(english(new RequestError(400, 'P0001', 'This invitation does not exist'))).toBe('This invitation link is not valid');
  });

  it("accept_invitation's refusals by SQLSTATE, whatever the message says", () => {
    expect(english(new RequestError(400, 'IV001', 'whatever'))).toBe('This invitation link is not valid');
    expect(english(new RequestError(400, 'IV002', 'whatever'))).toBe('This invitation has already been used');
    expect(english(new RequestError(400, 'IV003', 'This invitation expired on 2026-11-01'))).toBe('This invitation expired on 2026-11-01');
    expect(english(new RequestError(400, 'IV003', 'expired, no day given'))).toBe('Ask the workspace admin for a new invitation link.');
    expect(english(new RequestError(400, 'IV004', 'This invitation was revoked by the workspace admin'))).toBe('The workspace admin has withdrawn this invitation');
    expect(english(new RequestError(400, 'IV005', 'whatever'))).toBe('This invitation was sent to another email address');
    // A "does not exist" that is not an invitation's stays a generic problem.
    expect(english(new RequestError(404, '42883', 'function public.nope() does not exist'))).toBe('Something went wrong: function public.nope() does not exist. Try again; if it repeats, tell your admin.');
  });

  it('the last-admin protection', () => {
    expect(english(new RequestError(400, 'MB001', 'The workspace needs at least one admin: make another member admin first'))).toBe(
      'The workspace needs at least one admin. Make another member admin first, then change your role or leave.',
    );
  });

  it('REST refusals and answers the app does not understand', () => {
    expect(english(new RequestError(403, '42501', 'permission denied for table profiles'))).toBe('You do not have access to this. Ask a workspace admin.');
    expect(english(new RequestError(401, 'PGRST301', 'JWT expired'))).toBe('Your session has ended. Sign in again.');
    expect(english(new RequestError(400, '22023', 'time zone "Mars/Base" not recognized'))).toBe('The server does not know this time zone. Choose a nearby city.');
    expect(english(new RequestError(400, '23514', 'new row violates check constraint'))).toBe('The server did not accept a value: new row violates check constraint');
    expect(english(new InvalidResponseError('profile.locale', 'one of ru, en'))).toBe(
      "The server's answer was not understood. Reload the page; if it repeats, tell your admin.",
    );
  });
});
