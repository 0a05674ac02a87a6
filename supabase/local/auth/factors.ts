import type { JsonObject } from './params.ts';
import type { Db } from './users.ts';

/** How long an unverified factor nobody challenged is kept (GoTrue's mfa.factor_expiry_duration, 300 s). */
const unverifiedFactorLifetimeSeconds = 300;
/** How long a challenge can be verified (GoTrue's mfa.challenge_expiry_duration, 300 s). */
const challengeLifetimeSeconds = 300;

export type FactorType = 'totp' | 'webauthn' | 'phone';

/** A row of auth.mfa_factors, with what the Auth service decides on and its GoTrue JSON. */
export interface Factor {
  id: string;
  userId: string;
  friendlyName: string;
  factorType: FactorType;
  verified: boolean;
  /** The TOTP secret (base32); empty for other types. */
  secret: string;
  /** The factor as GoTrue's models.Factor serialises it (`user.factors`, the admin API). */
  json: JsonObject;
}

/** A challenge of a factor, as its verification needs it. */
export interface Challenge {
  id: string;
  spent: boolean;
  /** Whether it was asked for from the address now verifying it. */
  sameAddress: boolean;
  expired: boolean;
}

interface FactorRow {
  id: string;
  user_id: string;
  friendly_name: string | null;
  factor_type: FactorType;
  status: 'verified' | 'unverified';
  secret: string | null;
  phone: string | null;
  created_at: Date;
  updated_at: Date;
  last_challenged_at: Date | null;
}

const factorColumns = 'id, user_id, friendly_name, factor_type, status, secret, phone, created_at, updated_at, last_challenged_at';

function toFactor(row: FactorRow): Factor {
  const friendlyName = row.friendly_name ?? '';
  // models.Factor's field order; friendly_name is omitted when empty, phone is "" when null.
  const json: JsonObject = {
    id: row.id,
    created_at: row.created_at.toISOString(),
    updated_at: row.updated_at.toISOString(),
    status: row.status,
    ...(friendlyName ? { friendly_name: friendlyName } : {}),
    factor_type: row.factor_type,
    phone: row.phone ?? '',
    last_challenged_at: row.last_challenged_at ? row.last_challenged_at.toISOString() : null,
  };
  return { id: row.id, userId: row.user_id, friendlyName, factorType: row.factor_type, verified: row.status === 'verified', secret: row.secret ?? '', json };
}

/** The factors of these users, oldest first, for their user objects. */
export async function factorsOf(db: Db, userIds: string[]): Promise<Factor[]> {
  const rows = await db<FactorRow[]>`
    select ${db.unsafe(factorColumns)} from auth.mfa_factors where user_id = any(${userIds}::uuid[]) order by created_at, id`;
  return rows.map(toFactor);
}

/** Reads and writes auth.mfa_factors and auth.mfa_challenges with the semantics of GoTrue's models. */
export class FactorStore {
  /**
   * Forgets unverified factors older than their lifetime that were never challenged, of every
   * user, as GoTrue's DeleteExpiredFactors does before each enrolment.
   */
  async deleteExpiredUnverified(db: Db): Promise<void> {
    await db`
      delete from auth.mfa_factors f where f.status <> 'verified'
        and not exists (select from auth.mfa_challenges c where c.factor_id = f.id)
        and f.created_at + make_interval(secs => ${unverifiedFactorLifetimeSeconds}) < now()`;
  }

  /** The user's factors, after locking the user so that concurrent enrolments are counted one after the other. */
  async lockAndList(db: Db, userId: string): Promise<Factor[]> {
    await db`select from auth.users where id = ${userId}::uuid for update`;
    return factorsOf(db, [userId]);
  }

  /** The user's factor with this id (GoTrue's FindOwnedFactorByID). */
  async findOwned(db: Db, userId: string, factorId: string): Promise<Factor | undefined> {
    const [row] = await db<FactorRow[]>`
      select ${db.unsafe(factorColumns)} from auth.mfa_factors where id = ${factorId}::uuid and user_id = ${userId}::uuid`;
    return row ? toFactor(row) : undefined;
  }

  /** Adds an unverified TOTP factor. */
  async createTotp(db: Db, userId: string, friendlyName: string, secret: string): Promise<Factor> {
    const [row] = await db<FactorRow[]>`
      insert into auth.mfa_factors (id, user_id, friendly_name, factor_type, status, created_at, updated_at, secret)
      values (gen_random_uuid(), ${userId}::uuid, ${friendlyName}, 'totp', 'unverified', now(), now(), ${secret})
      returning ${db.unsafe(factorColumns)}`;
    if (!row) throw new Error('insert into auth.mfa_factors returned no row');
    return toFactor(row);
  }

  /** Records a challenge from `ip` and stamps the factor's last_challenged_at; returns its id and expiry (Unix seconds, truncated as Go's Unix()). */
  async challenge(db: Db, factorId: string, ip: string | null): Promise<{ id: string; expiresAt: number }> {
    const [challenge] = await db<{ id: string; expires_at: number }[]>`
      insert into auth.mfa_challenges (id, factor_id, created_at, ip_address)
      values (gen_random_uuid(), ${factorId}::uuid, now(), ${ip}::inet)
      returning id, floor(extract(epoch from created_at + make_interval(secs => ${challengeLifetimeSeconds})))::bigint as expires_at`;
    if (!challenge) throw new Error('insert into auth.mfa_challenges returned no row');
    await db`update auth.mfa_factors set last_challenged_at = now() where id = ${factorId}::uuid`;
    return { id: challenge.id, expiresAt: Number(challenge.expires_at) };
  }

  /** The factor's challenge with this id, judged against the verifying address and the clock. */
  async findChallenge(db: Db, factorId: string, challengeId: string, ip: string | null): Promise<Challenge | undefined> {
    const [row] = await db<{ id: string; spent: boolean; same_address: boolean; expired: boolean }[]>`
      select id, verified_at is not null as spent, coalesce(ip_address = ${ip}::inet, false) as same_address,
        now() > created_at + make_interval(secs => ${challengeLifetimeSeconds}) as expired
      from auth.mfa_challenges where id = ${challengeId}::uuid and factor_id = ${factorId}::uuid`;
    return row ? { id: row.id, spent: row.spent, sameAddress: row.same_address, expired: row.expired } : undefined;
  }

  async deleteChallenge(db: Db, challengeId: string): Promise<void> {
    await db`delete from auth.mfa_challenges where id = ${challengeId}::uuid`;
  }

  /** Marks the challenge verified; false when a concurrent verification spent it first. */
  async spendChallenge(db: Db, challengeId: string): Promise<boolean> {
    const rows = await db`update auth.mfa_challenges set verified_at = now() where id = ${challengeId}::uuid and verified_at is null returning id`;
    return rows.length > 0;
  }

  async markVerified(db: Db, factorId: string): Promise<void> {
    await db`update auth.mfa_factors set status = 'verified', updated_at = now() where id = ${factorId}::uuid and status <> 'verified'`;
  }

  /** Drops the user's other enrolments of this type left unverified, once one is verified (GoTrue's DeleteUnverifiedFactors). */
  async deleteUnverified(db: Db, userId: string, factorType: FactorType): Promise<void> {
    await db`delete from auth.mfa_factors where user_id = ${userId}::uuid and status = 'unverified' and factor_type = ${factorType}::auth.factor_type`;
  }

  /** Removes the factor; its challenges go with it (foreign key cascade). */
  async delete(db: Db, factorId: string): Promise<void> {
    await db`delete from auth.mfa_factors where id = ${factorId}::uuid`;
  }
}
