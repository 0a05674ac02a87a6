import type { IncomingMessage } from 'node:http';
import { isIP } from 'node:net';
import type { Sql } from 'postgres';
import type { AuthConfig } from '../config.ts';
import { clientIp } from '../http.ts';
import type { ProjectKeys } from '../keys.ts';
import type { FactorStore } from './factors.ts';
import type { Outbox } from '../mail/outbox.ts';
import type { SlidingWindowLimiter } from './rateLimit.ts';
import type { ClientInfo, SessionStore } from './sessions.ts';
import type { SpentTotpSteps } from './spentTotpSteps.ts';
import type { UserStore } from './users.ts';

/** The per-IP and per-email limiters of the Auth service. */
export interface AuthLimits {
  /** Sign-ups, password sign-ins and recovery emails per IP (Supabase's sign_in_sign_ups). */
  signIns: SlidingWindowLimiter;
  refreshes: SlidingWindowLimiter;
  verifications: SlidingWindowLimiter;
  /** Failed password sign-ins per email address. */
  failedSignIns: SlidingWindowLimiter;
  /** MFA challenges per IP (GoTrue's FactorChallenge limiter). */
  factorChallenges: SlidingWindowLimiter;
  /** MFA verifications per IP (GoTrue's FactorVerify limiter). */
  factorVerifications: SlidingWindowLimiter;
}

/** What every endpoint works with. */
export interface AuthContext {
  sql: Sql;
  config: AuthConfig;
  keys: ProjectKeys;
  users: UserStore;
  sessions: SessionStore;
  factors: FactorStore;
  /** The TOTP steps each factor has accepted, so that a code works once. */
  spentTotpSteps: SpentTotpSteps;
  outbox: Outbox;
  limits: AuthLimits;
  /** Wrong codes entered against each pending recovery code, by `<user id>:<code hash>`. */
  wrongRecoveryCodes: Map<string, number>;
  /** The API's address as clients reach it (API_EXTERNAL_URL), known once the server listens. */
  externalUrl: () => string;
}

/** An endpoint's answer; no body means an empty response (204, redirects). */
export interface Reply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

/** The client's user agent and address, as stored on its session. */
export function clientInfo(req: IncomingMessage): ClientInfo {
  const ip = clientIp(req);
  const agent = req.headers['user-agent'];
  return { userAgent: agent ? agent.slice(0, 1000) : null, ip: isIP(ip) ? ip : null };
}
