import { randomBytes } from 'node:crypto';
import type { ISql, PendingQuery, Row } from 'postgres';
import { factorsOf, type Factor } from './factors.ts';
import { isJsonObject, type JsonObject } from './params.ts';

/** A connection or a transaction: every query here runs in either. */
export type Db = ISql;

/** The audience and role GoTrue gives every user it creates (GOTRUE_JWT_AUD, DEFAULT_GROUP_NAME). */
export const defaultAudience = 'authenticated';
const defaultRole = 'authenticated';
/** GoTrue's instance_id for every row since it stopped being multi-tenant. */
const nilUuid = '00000000-0000-0000-0000-000000000000';
/** bcrypt cost GoTrue uses; pgcrypto's `gen_salt('bf', 10)` makes the same `$2a$10$` hashes. */
const bcryptCost = 10;

interface UserRow {
  id: string;
  aud: string | null;
  role: string | null;
  email: string | null;
  phone: string | null;
  has_password: boolean;
  is_banned: boolean;
  email_confirmed_at: Date | null;
  invited_at: Date | null;
  phone_confirmed_at: Date | null;
  confirmation_sent_at: Date | null;
  confirmed_at: Date | null;
  recovery_sent_at: Date | null;
  email_change: string | null;
  email_change_sent_at: Date | null;
  last_sign_in_at: Date | null;
  raw_app_meta_data: unknown;
  raw_user_meta_data: unknown;
  created_at: Date | null;
  updated_at: Date | null;
  banned_until: Date | null;
  deleted_at: Date | null;
  is_anonymous: boolean;
}

interface IdentityRow {
  id: string;
  provider_id: string;
  user_id: string;
  identity_data: unknown;
  provider: string;
  last_sign_in_at: Date | null;
  created_at: Date | null;
  updated_at: Date | null;
  email: string | null;
}

/** A user of auth.users, with what the Auth service decides on and its GoTrue JSON. */
export interface AuthUser {
  id: string;
  aud: string;
  role: string;
  email: string;
  phone: string;
  hasPassword: boolean;
  emailConfirmed: boolean;
  banned: boolean;
  isAnonymous: boolean;
  /** Whether a factor is verified: the user can reach aal2 (GoTrue's HasMFAEnabled). */
  mfaEnabled: boolean;
  appMetadata: JsonObject;
  userMetadata: JsonObject;
  /** The user's factors, verified or not, oldest first. */
  factors: Factor[];
  /** The user as GoTrue's models.User serialises it (the `user` of every auth-js response). */
  json: JsonObject;
}

export interface NewUser {
  email: string;
  /** Undefined gives the user a random password nobody knows, as GoTrue's admin API does. */
  password: string | undefined;
  userMetadata: JsonObject;
  /** Merged over `{provider: 'email', providers: ['email']}`. */
  appMetadata: JsonObject;
  emailConfirmed: boolean;
}

const userColumns = `
  u.id, u.aud, u.role, u.email, u.phone,
  coalesce(u.encrypted_password, '') <> '' as has_password,
  coalesce(u.banned_until > now(), false) as is_banned,
  u.email_confirmed_at, u.invited_at, u.phone_confirmed_at, u.confirmation_sent_at,
  least(u.email_confirmed_at, u.phone_confirmed_at) as confirmed_at,
  u.recovery_sent_at, u.email_change, u.email_change_sent_at, u.last_sign_in_at,
  u.raw_app_meta_data, u.raw_user_meta_data, u.created_at, u.updated_at, u.banned_until,
  u.deleted_at, u.is_anonymous`;

function timestamp(value: Date | null): string | undefined {
  return value ? value.toISOString() : undefined;
}

/** Drops undefined members, as Go's `omitempty` leaves them out of the JSON. */
function compact(entries: Record<string, unknown>): JsonObject {
  return Object.fromEntries(Object.entries(entries).filter(([, v]) => v !== undefined));
}

function identityJson(row: IdentityRow): JsonObject {
  return compact({
    identity_id: row.id,
    id: row.provider_id,
    user_id: row.user_id,
    identity_data: isJsonObject(row.identity_data) ? row.identity_data : undefined,
    provider: row.provider,
    last_sign_in_at: timestamp(row.last_sign_in_at),
    created_at: timestamp(row.created_at),
    updated_at: timestamp(row.updated_at),
    email: row.email ?? undefined,
  });
}

function toAuthUser(row: UserRow, identities: IdentityRow[], allFactors: Factor[]): AuthUser {
  const factors = allFactors.filter((f) => f.userId === row.id);
  const appMetadata = isJsonObject(row.raw_app_meta_data) ? row.raw_app_meta_data : {};
  const userMetadata = isJsonObject(row.raw_user_meta_data) ? row.raw_user_meta_data : {};
  const json = compact({
    id: row.id,
    aud: row.aud ?? '',
    role: row.role ?? '',
    email: row.email ?? '',
    email_confirmed_at: timestamp(row.email_confirmed_at),
    invited_at: timestamp(row.invited_at),
    phone: row.phone ?? '',
    phone_confirmed_at: timestamp(row.phone_confirmed_at),
    confirmation_sent_at: timestamp(row.confirmation_sent_at),
    confirmed_at: timestamp(row.confirmed_at),
    recovery_sent_at: timestamp(row.recovery_sent_at),
    new_email: row.email_change || undefined,
    email_change_sent_at: timestamp(row.email_change_sent_at),
    last_sign_in_at: timestamp(row.last_sign_in_at),
    app_metadata: appMetadata,
    user_metadata: userMetadata,
    // Left out when there are none, as Go's omitempty does; auth-js reads it for listFactors and the AAL.
    factors: factors.length > 0 ? factors.map((f) => f.json) : undefined,
    identities: identities.filter((i) => i.user_id === row.id).map(identityJson),
    created_at: timestamp(row.created_at),
    updated_at: timestamp(row.updated_at),
    banned_until: timestamp(row.banned_until),
    deleted_at: timestamp(row.deleted_at),
    is_anonymous: row.is_anonymous,
  });
  return {
    id: row.id,
    aud: row.aud ?? defaultAudience,
    role: row.role || defaultRole,
    email: row.email ?? '',
    phone: row.phone ?? '',
    hasPassword: row.has_password,
    emailConfirmed: row.email_confirmed_at !== null,
    banned: row.is_banned,
    isAnonymous: row.is_anonymous,
    mfaEnabled: factors.some((f) => f.verified),
    appMetadata,
    userMetadata,
    factors,
    json,
  };
}

/** Splits a metadata patch as GoTrue applies it: null members delete keys, the others are set. */
function metadataPatch(patch: JsonObject): { set: string; remove: string[] } {
  const set = Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== null));
  return { set: JSON.stringify(set), remove: Object.keys(patch).filter((k) => patch[k] === null) };
}

/** Reads and writes users in auth.users and auth.identities, with the semantics of GoTrue's models.User. */
export class UserStore {
  private async load(db: Db, where: PendingQuery<Row[]>): Promise<AuthUser[]> {
    const rows = await db<UserRow[]>`select ${db.unsafe(userColumns)} from auth.users u where ${where}`;
    return this.withIdentitiesAndFactors(db, rows);
  }

  /** Completes users with their identities and factors, as GoTrue loads a user eagerly. */
  private async withIdentitiesAndFactors(db: Db, rows: readonly UserRow[]): Promise<AuthUser[]> {
    if (rows.length === 0) return [];
    const ids = rows.map((r) => r.id);
    const identities = await db<IdentityRow[]>`
      select id, provider_id, user_id, identity_data, provider, last_sign_in_at, created_at, updated_at, email
      from auth.identities where user_id = any(${ids}::uuid[]) order by created_at, id`;
    const factors = await factorsOf(db, ids);
    return rows.map((row) => toAuthUser(row, identities, factors));
  }

  /** The user with this id, identities included. */
  async findById(db: Db, id: string): Promise<AuthUser | undefined> {
    return (await this.load(db, db`u.id = ${id}::uuid`))[0];
  }

  /** The email user of the default audience; SSO users share addresses, so they are not matched (as in GoTrue). */
  async findByEmail(db: Db, email: string): Promise<AuthUser | undefined> {
    return (await this.load(db, db`lower(u.email) = lower(${email}) and u.aud = ${defaultAudience} and not u.is_sso_user`))[0];
  }

  /** The user a recovery email was sent to, while its hash is unused and younger than `maxAgeSeconds`. */
  async findByRecoveryToken(db: Db, hash: string, maxAgeSeconds: number): Promise<AuthUser | undefined> {
    return (
      await this.load(
        db,
        db`u.recovery_token = ${hash} and u.recovery_token <> '' and u.recovery_sent_at > now() - make_interval(secs => ${maxAgeSeconds})`,
      )
    )[0];
  }

  /** One page of the default audience, newest first, and the total, as GoTrue's admin list. */
  async list(db: Db, page: number, perPage: number): Promise<{ users: AuthUser[]; total: number }> {
    const rows = await db<UserRow[]>`
      select ${db.unsafe(userColumns)} from auth.users u where u.aud = ${defaultAudience}
      order by u.created_at desc nulls last, u.id desc limit ${perPage} offset ${(page - 1) * perPage}`;
    const [{ total } = { total: 0 }] = await db<{ total: number }[]>`
      select count(*)::int as total from auth.users where aud = ${defaultAudience}`;
    return { users: await this.withIdentitiesAndFactors(db, rows), total };
  }

  /**
   * Inserts a user and its email identity. Returns undefined when the address is taken
   * (also when a concurrent request took it first: the unique index decides).
   */
  async create(db: Db, user: NewUser): Promise<AuthUser | undefined> {
    const password = user.password ?? randomBytes(48).toString('base64url');
    const appMetadata = JSON.stringify({ provider: 'email', providers: ['email'], ...user.appMetadata });
    const [created] = await db<{ id: string }[]>`
      insert into auth.users (instance_id, id, aud, role, email, encrypted_password, email_confirmed_at,
        raw_app_meta_data, raw_user_meta_data, created_at, updated_at, is_sso_user, is_anonymous)
      select ${nilUuid}::uuid, gen_random_uuid(), ${defaultAudience}, ${defaultRole}, ${user.email},
        extensions.crypt(${password}, extensions.gen_salt('bf', ${bcryptCost})),
        case when ${user.emailConfirmed}::boolean then now() end,
        ${appMetadata}::jsonb, ${JSON.stringify(user.userMetadata)}::jsonb, now(), now(), false, false
      where not exists (select from auth.users where lower(email) = lower(${user.email}) and not is_sso_user)
      on conflict (email) where is_sso_user = false do nothing
      returning id`;
    if (!created) return undefined;
    const identityData = JSON.stringify({ ...user.userMetadata, sub: created.id, email: user.email, email_verified: user.emailConfirmed, phone_verified: false });
    await db`
      insert into auth.identities (provider_id, user_id, identity_data, provider, created_at, updated_at)
      values (${created.id}, ${created.id}::uuid, ${identityData}::jsonb, 'email', now(), now())`;
    return this.findById(db, created.id);
  }

  /**
   * Whether `password` is the user's, compared in SQL with pgcrypto's bcrypt so hashes made
   * by GoTrue, by seed.sql and here all verify. pgcrypto only knows the `$2a$` prefix; `$2b$`
   * and `$2y$` hashes (bcryptjs, PHP; GoTrue accepts them) are the same algorithm for
   * passwords of at most 72 bytes, so they are compared as `$2a$`. Other or empty hashes never match.
   */
  async verifyPassword(db: Db, id: string, password: string): Promise<boolean> {
    const [row] = await db<{ ok: boolean }[]>`
      select coalesce(hash = extensions.crypt(${password}, hash), false) as ok
      from (select case when encrypted_password ~ '^\\$2[aby]\\$[0-9]{2}\\$' then '$2a$' || substr(encrypted_password, 5) end as hash
            from auth.users where id = ${id}::uuid) as stored`;
    return row?.ok ?? false;
  }

  /**
   * Sets a new password and, as GoTrue's UpdatePassword, forgets pending recovery and
   * confirmation tokens (they were sent to someone the new password may not trust).
   */
  async setPassword(db: Db, id: string, password: string): Promise<void> {
    await db`
      update auth.users set encrypted_password = extensions.crypt(${password}, extensions.gen_salt('bf', ${bcryptCost})),
        recovery_token = '', recovery_sent_at = null, confirmation_token = '', confirmation_sent_at = null, updated_at = now()
      where id = ${id}::uuid`;
  }

  /** Merges into raw_user_meta_data in one statement, so concurrent updates do not lose keys. */
  async mergeUserMetadata(db: Db, id: string, patch: JsonObject): Promise<void> {
    const { set, remove } = metadataPatch(patch);
    await db`
      update auth.users set raw_user_meta_data = (coalesce(raw_user_meta_data, '{}'::jsonb) || ${set}::jsonb) - ${remove}::text[], updated_at = now()
      where id = ${id}::uuid`;
  }

  /** Merges into raw_app_meta_data (admin only), as mergeUserMetadata does for user metadata. */
  async mergeAppMetadata(db: Db, id: string, patch: JsonObject): Promise<void> {
    const { set, remove } = metadataPatch(patch);
    await db`
      update auth.users set raw_app_meta_data = (coalesce(raw_app_meta_data, '{}'::jsonb) || ${set}::jsonb) - ${remove}::text[], updated_at = now()
      where id = ${id}::uuid`;
  }

  /** Stamps last_sign_in_at on the user and its email identity. */
  async recordSignIn(db: Db, id: string): Promise<void> {
    await db`update auth.users set last_sign_in_at = now(), updated_at = now() where id = ${id}::uuid`;
    await db`update auth.identities set last_sign_in_at = now(), updated_at = now() where user_id = ${id}::uuid and provider = 'email'`;
  }

  /** The user of `email` and the hash of their unused recovery code younger than `maxAgeSeconds`, if they have one. */
  async pendingRecovery(db: Db, email: string, maxAgeSeconds: number): Promise<{ id: string; hash: string } | undefined> {
    const [row] = await db<{ id: string; hash: string }[]>`
      select u.id::text, u.recovery_token as hash from auth.users u
      where lower(u.email) = lower(${email}) and u.aud = ${defaultAudience} and not u.is_sso_user
        and u.recovery_token <> '' and u.recovery_sent_at > now() - make_interval(secs => ${maxAgeSeconds})`;
    return row;
  }

  /** Cancels the recovery code `hash`, if it is still the user's. */
  async cancelRecovery(db: Db, id: string, hash: string): Promise<void> {
    await db`update auth.users set recovery_token = '', updated_at = now() where id = ${id}::uuid and recovery_token = ${hash}`;
  }

  /** Stores the hash of a new recovery code; any earlier code stops working. */
  async startRecovery(db: Db, id: string, hash: string): Promise<void> {
    await db`update auth.users set recovery_token = ${hash}, recovery_sent_at = now(), updated_at = now() where id = ${id}::uuid`;
  }

  /** Spends the recovery code and, as GoTrue, confirms an unconfirmed address (the user proved they read its mail). */
  async finishRecovery(db: Db, id: string): Promise<void> {
    await db`
      update auth.users set recovery_token = '', email_confirmed_at = coalesce(email_confirmed_at, now()), updated_at = now()
      where id = ${id}::uuid`;
  }

  /** Marks the address confirmed (admin `email_confirm`); an earlier confirmation time is kept. */
  async confirmEmail(db: Db, id: string): Promise<void> {
    await db`update auth.users set email_confirmed_at = coalesce(email_confirmed_at, now()), updated_at = now() where id = ${id}::uuid`;
  }

  /** Bans until `seconds` from now, or lifts the ban when `seconds` is 0. */
  async ban(db: Db, id: string, seconds: number): Promise<void> {
    await db`
      update auth.users set banned_until = case when ${seconds}::float8 > 0 then now() + make_interval(secs => ${seconds}::float8) end, updated_at = now()
      where id = ${id}::uuid`;
  }

  /** Deletes the user; identities, sessions and refresh tokens go with it (foreign keys cascade). */
  async delete(db: Db, id: string): Promise<void> {
    await db`delete from auth.refresh_tokens where user_id = ${id}`;
    await db`delete from auth.users where id = ${id}::uuid`;
  }
}
