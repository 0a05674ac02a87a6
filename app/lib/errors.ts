import { isAuthApiError, isAuthError, isAuthRetryableFetchError, isAuthWeakPasswordError } from '@supabase/supabase-js';
import { TransferError } from './fileTransfer.ts';
import { InvalidResponseError } from './guards.ts';

/** A message for people: an i18n key (under `errors.`, `invitation.`, a feature's…) and its values. */
export interface UserMessage {
  key: string;
  values?: Record<string, string | number>;
}

/**
 * A failed REST or RPC request, as postgrest-js reports it: the HTTP status (0 when no
 * answer came), PostgreSQL's or PostgREST's code, and the server's message and hint.
 */
export class RequestError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly hint: string | null = null,
  ) {
    super(message);
    this.name = 'RequestError';
  }
}

/** accept_invitation()'s refusals by SQLSTATE (migration 20261126100300_invitation_errors). */
const invitationCodes: Record<string, string> = {
  IV001: 'invitation.notFound',
  IV002: 'invitation.used',
  IV003: 'invitation.expired',
  IV004: 'invitation.revoked',
  IV005: 'invitation.wrongEmail',
};

/**
 * Why accept_invitation refused: by code, or, from a database without that migration, by
 * the messages it raised then. An expiry carries its day in the message.
 */
function invitationProblem(error: RequestError): UserMessage | undefined {
  const expired = /expired on (\d{4}-\d{2}-\d{2})/.exec(error.message)?.[1];
  const key = invitationCodes[error.code] ?? legacyInvitationKey(error);
  if (key === 'invitation.expired') return expired ? { key, values: { date: expired } } : { key: 'invitation.askAgain' };
  return key ? { key } : undefined;
}

function legacyInvitationKey(error: RequestError): string | undefined {
  if (/expired on \d{4}-\d{2}-\d{2}/.test(error.message)) return 'invitation.expired';
  if (/already used/.test(error.message)) return 'invitation.used';
  if (/another email address/.test(error.message)) return 'invitation.wrongEmail';
  if (/does not exist/.test(error.message) && error.code === 'P0001') return 'invitation.notFound';
  return undefined;
}

function restMessage(error: RequestError): UserMessage {
  if (error.status === 0) return { key: 'errors.network' };
  const invitation = invitationProblem(error);
  if (invitation) return invitation;
  // The last-admin protection (migration 20261126100310_last_admin_error).
  if (error.code === 'MB001') return { key: 'members.lastAdmin' };
  if (error.status === 401 || error.code === 'PGRST301' || error.code === 'PGRST303') return { key: 'errors.sessionEnded' };
  if (error.code === '42501' || error.status === 403) return { key: 'errors.forbidden' };
  if (error.code === '22023' && /time zone/i.test(error.message)) return { key: 'errors.unknownTimeZone' };
  if (error.code.startsWith('22') || error.code.startsWith('23')) return { key: 'errors.rejectedValue', values: { detail: error.message } };
  if (error.status >= 500) return { key: 'errors.server' };
  return { key: 'errors.unexpected', values: { detail: error.message } };
}

function authMessage(error: { code?: string | undefined; status?: number | undefined; message: string }): UserMessage {
  switch (error.code) {
    case 'invalid_credentials':
      return { key: 'errors.wrongCredentials' };
    case 'over_request_rate_limit':
    case 'over_email_send_rate_limit': {
      const seconds = /try again in (\d+) seconds?/i.exec(error.message)?.[1];
      return seconds ? { key: 'errors.tooManyAttemptsFor', values: { minutes: Math.max(1, Math.ceil(Number(seconds) / 60)) } } : { key: 'errors.tooManyAttempts' };
    }
    case 'user_already_exists':
    case 'email_exists':
      return { key: 'errors.accountExists' };
    case 'same_password':
      return { key: 'errors.samePassword' };
    case 'otp_expired':
      return { key: 'errors.codeExpired' };
    case 'email_address_invalid':
      return { key: 'errors.invalidEmail' };
    case 'signup_disabled':
      return { key: 'errors.signupDisabled' };
    case 'user_banned':
      return { key: 'errors.banned' };
    case 'session_not_found':
    case 'refresh_token_not_found':
    case 'refresh_token_already_used':
    case 'bad_jwt':
      return { key: 'errors.sessionEnded' };
  }
  if (error.code === 'validation_failed' && /email/i.test(error.message)) return { key: 'errors.invalidEmail' };
  if ((error.status ?? 0) >= 500) return { key: 'errors.server' };
  return { key: 'errors.unexpected', values: { detail: error.message } };
}

/** A tus upload to Storage that stopped: its answers are plain text (@tus/server's). */
function transferMessage(error: TransferError): UserMessage {
  if (error.status === 0) return { key: 'errors.network' };
  if (error.status === 401) return { key: 'errors.sessionEnded' };
  if (error.status === 403) return { key: 'errors.forbidden' };
  if (error.status === 413) return { key: 'upload.tooLarge' };
  if (error.status >= 500) return { key: 'errors.server' };
  return { key: 'errors.unexpected', values: { detail: error.message } };
}

/** What to tell a person about a failed request, with what they can do about it. */
export function describeError(error: unknown): UserMessage {
  if (error instanceof RequestError) return restMessage(error);
  if (error instanceof TransferError) return transferMessage(error);
  if (error instanceof InvalidResponseError) return { key: 'errors.invalidResponse' };
  if (isAuthWeakPasswordError(error)) {
    const minimum = /at least (\d+) characters/.exec(error.message)?.[1];
    return { key: 'errors.weakPassword', values: { minimum: Number(minimum ?? 8) } };
  }
  if (isAuthRetryableFetchError(error)) return (error.status ?? 0) >= 500 ? { key: 'errors.server' } : { key: 'errors.network' };
  if (isAuthApiError(error)) return authMessage(error);
  if (isAuthError(error)) return error.name === 'AuthSessionMissingError' ? { key: 'errors.sessionEnded' } : authMessage(error);
  if (error instanceof TypeError) return { key: 'errors.network' };
  return { key: 'errors.unexpected', values: { detail: error instanceof Error ? error.message : String(error) } };
}
