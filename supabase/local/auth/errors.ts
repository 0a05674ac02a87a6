import type { IncomingMessage, ServerResponse } from 'node:http';
import { sendJson } from '../http.ts';

/**
 * An error the Auth API answers with, as Supabase Auth's `HTTPError`: an HTTP status, a
 * stable `error_code` (https://supabase.com/docs/guides/auth/debugging/error-codes) and a
 * message for people.
 */
export class AuthApiError extends Error {
  constructor(
    readonly status: number,
    readonly errorCode: string,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

/** A password that breaks the policy; answered 422 with `weak_password.reasons`, as GoTrue does. */
export class WeakPasswordError extends AuthApiError {
  constructor(
    message: string,
    readonly reasons: string[],
  ) {
    super(422, 'weak_password', message);
  }
}

/** The first API version whose errors carry the error code in `code` (auth-js sends it). */
const apiVersion20240101 = '2024-01-01';

/**
 * The API version the client asked for in `X-Supabase-Api-Version`: '2024-01-01' for that
 * date or later, undefined for none or an unreadable value (GoTrue then uses the initial format).
 */
export function requestedApiVersion(req: IncomingMessage): string | undefined {
  const raw = req.headers['x-supabase-api-version'];
  const value = Array.isArray(raw) ? raw[0] : raw;
  if (!value || !/^\d{4}-\d{2}-\d{2}$/.test(value) || Number.isNaN(Date.parse(`${value}T00:00:00Z`))) return undefined;
  return value >= apiVersion20240101 ? apiVersion20240101 : undefined;
}

/**
 * Answers an error exactly as GoTrue's HandleResponseError does: clients that send
 * `X-Supabase-Api-Version: 2024-01-01` (auth-js does) get `{code: <error_code>, message}` and
 * the version echoed; older clients get `{code: <status>, error_code, msg}`. Weak passwords
 * add `weak_password: {reasons}` in both formats.
 */
export function sendAuthError(req: IncomingMessage, res: ServerResponse, error: AuthApiError): void {
  const version = requestedApiVersion(req);
  const headers: Record<string, string> = { ...error.headers, 'x-sb-error-code': error.errorCode };
  const weak = error instanceof WeakPasswordError ? { weak_password: { reasons: error.reasons } } : {};
  if (version) {
    headers['x-supabase-api-version'] = version;
    sendJson(res, error.status, { code: error.errorCode, message: error.message, ...weak }, headers);
    return;
  }
  sendJson(res, error.status, { code: error.status, error_code: error.errorCode, msg: error.message, ...weak }, headers);
}

/** 400 validation_failed, GoTrue's answer to a request that is well-formed JSON but not valid. */
export function validationFailed(message: string): AuthApiError {
  return new AuthApiError(400, 'validation_failed', message);
}
