import { PostgrestError } from './PostgrestError.ts';

/** A PostgreSQL error as postgres.js reports it. */
export interface DatabaseError {
  code: string;
  message: string;
  detail?: string;
  hint?: string;
}

export function isDatabaseError(error: unknown): error is DatabaseError {
  return error instanceof Error && typeof (error as { code?: unknown }).code === 'string' && 'severity' in error;
}

/**
 * The HTTP status PostgREST gives a SQLSTATE
 * (https://postgrest.org/en/stable/references/errors.html#sqlstate-errors).
 */
export function statusForSqlState(code: string, anonymous: boolean): number {
  // PTxyz: a status chosen in SQL (`raise … using errcode = 'PT404'`).
  if (/^PT[1-5]\d\d$/.test(code)) return Number(code.slice(2));
  switch (code) {
    case '23503':
    case '23505':
      return 409;
    case '25006':
      return 405;
    case '42883':
    case '42P01':
      return 404;
    case '42P17':
      return 500;
    case '42501':
      return anonymous ? 401 : 403;
    case 'P0001':
      return 400;
  }
  const cls = code.slice(0, 2);
  if (cls === '08' || cls === '53') return 503;
  if (cls === '0L' || cls === '0P' || cls === '28') return 403;
  if (['09', '25', '2D', '38', '39', '3B', '40', '54', '55', '57', '58', 'F0', 'HV', 'P0', 'XX'].includes(cls)) return 500;
  return 400;
}

/** Connection failures (refused, reset, server gone) are PostgREST's PGRST000/PGRST001: 503. */
export function connectionError(error: unknown): PostgrestError | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  const network = ['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'CONNECTION_CLOSED', 'CONNECTION_ENDED', 'CONNECTION_DESTROYED', 'CONNECT_TIMEOUT', '57P01', '57P02', '57P03'];
  if (typeof code === 'string' && network.includes(code)) {
    return new PostgrestError(503, 'PGRST001', 'Database client error. Retrying the connection.', error instanceof Error ? error.message : String(error));
  }
  return undefined;
}

export function toPostgrestError(error: unknown, anonymous: boolean): PostgrestError {
  if (error instanceof PostgrestError) return error;
  const lost = connectionError(error);
  if (lost) return lost;
  if (isDatabaseError(error)) {
    return new PostgrestError(statusForSqlState(error.code, anonymous), error.code, error.message, error.detail ?? null, error.hint ?? null);
  }
  return new PostgrestError(500, 'PGRST000', 'Internal error', error instanceof Error ? error.message : String(error));
}
