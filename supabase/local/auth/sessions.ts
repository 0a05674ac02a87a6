import { randomInt } from 'node:crypto';
import type { Sql } from 'postgres';
import type { AuthConfig } from '../config.ts';
import { AuthApiError } from './errors.ts';
import type { FactorType } from './factors.ts';
import type { Db } from './users.ts';

/** How a session was started, as GoTrue records it in auth.mfa_amr_claims and the `amr` claim. */
export type AuthenticationMethod = 'password' | 'otp';
/**
 * The amr method a verified factor of each type adds to its session (GoTrue's
 * amrMethodForFactorType); any of them makes the session aal2 (IsAAL2Claim).
 */
const secondFactorMethod: Record<FactorType, string> = { totp: 'totp', phone: 'mfa/phone', webauthn: 'mfa/webauthn' };

/** The assurance level of a session with these methods (GoTrue's CalculateAALAndAMR). */
export function assuranceLevel(amr: AmrEntry[]): 'aal1' | 'aal2' {
  const methods = Object.values(secondFactorMethod);
  return amr.some((entry) => methods.includes(entry.method)) ? 'aal2' : 'aal1';
}

export interface AmrEntry {
  method: string;
  timestamp: number;
}

/** Who is asking, stored on the session as GoTrue does. */
export interface ClientInfo {
  userAgent: string | null;
  /** A valid IP address or null (the column is inet; a forged header must not break the insert). */
  ip: string | null;
}

/** A refresh token and the session it belongs to. */
export interface IssuedRefreshToken {
  userId: string;
  sessionId: string;
  refreshToken: string;
}

const nilUuid = '00000000-0000-0000-0000-000000000000';
const tokenAlphabet = 'abcdefghijklmnopqrstuvwxyz0123456789';
const tokenLength = 12;
/** GoTrue's (v1) refresh token format; anything else cannot be one of ours. */
const tokenPattern = /^[a-z0-9]{12}$/;

/** A refresh token as GoTrue v1 makes them: 12 random lower-case letters and digits. */
function newRefreshToken(): string {
  let token = '';
  for (let i = 0; i < tokenLength; i += 1) token += tokenAlphabet[randomInt(tokenAlphabet.length)];
  return token;
}

function refreshError(errorCode: string, message: string): AuthApiError {
  return new AuthApiError(400, errorCode, message);
}

interface TokenRow {
  id: string;
  token: string;
  revoked: boolean;
  session_id: string | null;
  within_reuse_interval: boolean;
}

/**
 * Sessions and their refresh tokens (auth.sessions, auth.refresh_tokens, auth.mfa_amr_claims).
 * Refresh tokens rotate: each use revokes the token and issues a child (`parent` = the used
 * token), so a session's tokens form one family.
 */
export class SessionStore {
  constructor(
    private readonly sql: Sql,
    private readonly config: AuthConfig,
  ) {}

  /** Starts a session for a user with its first refresh token. */
  async start(db: Db, userId: string, method: AuthenticationMethod, client: ClientInfo): Promise<IssuedRefreshToken> {
    const [session] = await db<{ id: string }[]>`
      insert into auth.sessions (id, user_id, created_at, updated_at, aal, refreshed_at, user_agent, ip)
      values (gen_random_uuid(), ${userId}::uuid, now(), now(), 'aal1', now() at time zone 'utc', ${client.userAgent}, ${client.ip}::inet)
      returning id`;
    if (!session) throw new Error('insert into auth.sessions returned no row');
    await db`
      insert into auth.mfa_amr_claims (id, session_id, created_at, updated_at, authentication_method)
      values (gen_random_uuid(), ${session.id}::uuid, now(), now(), ${method})`;
    const refreshToken = newRefreshToken();
    await db`
      insert into auth.refresh_tokens (instance_id, token, user_id, revoked, created_at, updated_at, parent, session_id)
      values (${nilUuid}::uuid, ${refreshToken}, ${userId}, false, now(), now(), null, ${session.id}::uuid)`;
    return { userId, sessionId: session.id, refreshToken };
  }

  /** The session, if still signed in, and whether it is at aal2 (auth.sessions.aal, which GoTrue's IsAAL2 reads). */
  async find(db: Db, sessionId: string): Promise<{ aal2: boolean } | undefined> {
    const [session] = await db<{ aal2: boolean }[]>`select aal = 'aal2' as aal2 from auth.sessions where id = ${sessionId}::uuid`;
    return session ? { aal2: session.aal2 ?? false } : undefined;
  }

  /** The session's authentication methods for the `amr` claim; they keep the time of sign-in across refreshes. */
  async amr(db: Db, sessionId: string): Promise<AmrEntry[]> {
    const rows = await db<{ method: string; timestamp: number }[]>`
      select authentication_method as method, extract(epoch from updated_at)::int as timestamp
      from auth.mfa_amr_claims where session_id = ${sessionId}::uuid order by updated_at desc`;
    return rows.map((r) => ({ method: r.method, timestamp: r.timestamp }));
  }

  /**
   * Exchanges a refresh token for the session's next one (GoTrue's RefreshTokenGrant, v1 tokens).
   *
   * - An active token is revoked and a child is issued.
   * - A revoked token used again within `refreshTokenReuseInterval` seconds of its revocation
   *   gets the session's currently active token: tabs that refreshed at the same moment all
   *   end up on one token.
   * - Otherwise reuse means the token leaked: every token of the session is revoked (the
   *   revocation is committed) and the request fails with refresh_token_already_used.
   *
   * The session row is locked first, so concurrent refreshes of one session run one at a time.
   * GoTrue hands the active child to its direct parent at any time; here the reuse interval
   * bounds that case too, so a token leaked after its rotation cannot be replayed later.
   */
  async refresh(token: string, client: ClientInfo): Promise<IssuedRefreshToken> {
    if (!tokenPattern.test(token)) throw refreshError('validation_failed', 'Refresh token is not valid');
    const outcome = await this.sql.begin(async (tx): Promise<IssuedRefreshToken | 'reused'> => {
      const [found] = await tx<{ session_id: string | null }[]>`select session_id from auth.refresh_tokens where token = ${token}`;
      if (!found) throw refreshError('refresh_token_not_found', 'Invalid Refresh Token: Refresh Token Not Found');
      const [session] = found.session_id
        ? await tx<{ id: string; user_id: string; expired: boolean; banned: boolean }[]>`
            select s.id, s.user_id, coalesce(s.not_after < now(), false) as expired, coalesce(u.banned_until > now(), false) as banned
            from auth.sessions s join auth.users u on u.id = s.user_id
            where s.id = ${found.session_id}::uuid for update of s`
        : [];
      if (!session) throw refreshError('session_not_found', 'Invalid Refresh Token: No Valid Session Found');
      if (session.banned) throw refreshError('user_banned', 'Invalid Refresh Token: User Banned');
      if (session.expired) throw refreshError('session_expired', 'Invalid Refresh Token: Session Expired');
      // Read again under the session lock: a concurrent refresh may have just revoked it.
      const [current] = await tx<TokenRow[]>`
        select id, token, revoked, session_id,
          now() - updated_at <= make_interval(secs => ${this.config.refreshTokenReuseInterval}::float8) as within_reuse_interval
        from auth.refresh_tokens where token = ${token}`;
      if (!current) throw refreshError('refresh_token_not_found', 'Invalid Refresh Token: Refresh Token Not Found');
      let issued: string;
      if (current.revoked) {
        const [active] = await tx<{ token: string }[]>`
          select token from auth.refresh_tokens where session_id = ${session.id}::uuid and not revoked order by id desc limit 1`;
        if (!current.within_reuse_interval || !active) {
          if (this.config.refreshTokenRotation) {
            await tx`update auth.refresh_tokens set revoked = true, updated_at = now() where session_id = ${session.id}::uuid and not revoked`;
          }
          return 'reused';
        }
        issued = active.token;
      } else {
        await tx`update auth.refresh_tokens set revoked = true, updated_at = now() where id = ${current.id}`;
        issued = newRefreshToken();
        await tx`
          insert into auth.refresh_tokens (instance_id, token, user_id, revoked, created_at, updated_at, parent, session_id)
          values (${nilUuid}::uuid, ${issued}, ${session.user_id}, false, now(), now(), ${current.token}, ${session.id}::uuid)`;
      }
      await tx`
        update auth.sessions set refreshed_at = now() at time zone 'utc', updated_at = now(), user_agent = ${client.userAgent}, ip = ${client.ip}::inet
        where id = ${session.id}::uuid`;
      return { userId: session.user_id, sessionId: session.id, refreshToken: issued };
    });
    if (outcome === 'reused') throw refreshError('refresh_token_already_used', 'Invalid Refresh Token: Already Used');
    return outcome;
  }

  /**
   * Records a second factor verified in the session, as GoTrue's updateMFASessionAndClaims and
   * what follows it in verifyTOTPFactor: the method joins the session's amr claims, the
   * session becomes aal2 and remembers the factor, its refresh token is swapped for a child
   * (the aal1 token stops being the session's), and the user's other sessions still at aal1
   * are signed out.
   */
  async addSecondFactor(db: Db, sessionId: string, factorId: string, factorType: FactorType): Promise<IssuedRefreshToken> {
    const [session] = await db<{ user_id: string }[]>`select user_id from auth.sessions where id = ${sessionId}::uuid for update`;
    if (!session) throw new AuthApiError(403, 'session_not_found', 'Session from session_id claim in JWT does not exist');
    await db`
      insert into auth.mfa_amr_claims (id, session_id, created_at, updated_at, authentication_method)
      values (gen_random_uuid(), ${sessionId}::uuid, now(), now(), ${secondFactorMethod[factorType]})
      on conflict on constraint mfa_amr_claims_session_id_authentication_method_pkey do update set updated_at = now()`;
    const [active] = await db<{ id: string; token: string }[]>`
      select id, token from auth.refresh_tokens where session_id = ${sessionId}::uuid and not revoked order by created_at, id limit 1`;
    if (!active) throw refreshError('refresh_token_not_found', 'Invalid Refresh Token: Refresh Token Not Found');
    await db`update auth.refresh_tokens set revoked = true, updated_at = now() where id = ${active.id}`;
    const refreshToken = newRefreshToken();
    await db`
      insert into auth.refresh_tokens (instance_id, token, user_id, revoked, created_at, updated_at, parent, session_id)
      values (${nilUuid}::uuid, ${refreshToken}, ${session.user_id}, false, now(), now(), ${active.token}, ${sessionId}::uuid)`;
    await db`update auth.sessions set aal = 'aal2', factor_id = ${factorId}::uuid, updated_at = now() where id = ${sessionId}::uuid`;
    await db`delete from auth.sessions where user_id = ${session.user_id}::uuid and aal < 'aal2'`;
    return { userId: session.user_id, sessionId, refreshToken };
  }

  /**
   * Takes a removed factor's verification back from the sessions it lifted (GoTrue's
   * DowngradeSessionsToAAL1): their claim of its method goes, and they are aal1 again. Their
   * access tokens keep saying aal2 until they expire; the next refresh says aal1.
   */
  async downgradeFactorSessions(db: Db, userId: string, factorId: string, factorType: FactorType): Promise<void> {
    await db`
      delete from auth.mfa_amr_claims where authentication_method = ${secondFactorMethod[factorType]}
        and session_id in (select id from auth.sessions where factor_id = ${factorId}::uuid)`;
    await db`update auth.sessions set aal = 'aal1', factor_id = null where user_id = ${userId}::uuid and factor_id = ${factorId}::uuid`;
  }

  /** Signs out one session; its refresh tokens and amr claims go with it (foreign keys cascade). */
  async end(db: Db, sessionId: string): Promise<void> {
    await db`delete from auth.sessions where id = ${sessionId}::uuid`;
  }

  /** Signs out every session of the user, or every one but `keep`. */
  async endAll(db: Db, userId: string, keep?: string): Promise<void> {
    if (keep) await db`delete from auth.sessions where user_id = ${userId}::uuid and id <> ${keep}::uuid`;
    else await db`delete from auth.sessions where user_id = ${userId}::uuid`;
    await db`delete from auth.refresh_tokens where user_id = ${userId} and session_id is null`;
  }
}
