import type { IncomingMessage } from 'node:http';
import { requireAdmin } from '../authenticate.ts';
import type { AuthContext, Reply } from '../context.ts';
import { AuthApiError, validationFailed } from '../errors.ts';
import { booleanField, isUuid, objectField, readJsonObject, stringField, validEmail, type JsonObject } from '../params.ts';
import { assertPasswordAcceptable } from '../passwordPolicy.ts';
import { defaultAudience, type AuthUser } from '../users.ts';
import { loadFactor, removeFactor } from './mfa.ts';
import { connectionError, isDatabaseError } from '../../rest/pgErrors.ts';

const defaultPerPage = 50;
const bcryptMaxBytes = 72;

const durationUnits: Record<string, number> = { ns: 1e-9, us: 1e-6, 'µs': 1e-6, 'μs': 1e-6, ms: 1e-3, s: 1, m: 60, h: 3600 };

/**
 * Seconds in a Go duration string ("24h", "1h30m", "90s"), the format of `ban_duration`;
 * "none" is 0 (lift the ban). Throws GoTrue's 400 for anything else.
 */
export function banSeconds(duration: string): number {
  if (duration === 'none') return 0;
  const invalid = validationFailed(`invalid format for ban duration: time: invalid duration "${duration}"`);
  const match = /^([-+]?)((?:\d+(?:\.\d*)?|\.\d+)(?:ns|us|µs|μs|ms|s|m|h))+$/.exec(duration);
  if (!match) {
    if (duration === '0') return 0;
    throw invalid;
  }
  let seconds = 0;
  for (const part of duration.matchAll(/(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h)/g)) {
    seconds += Number(part[1]) * (durationUnits[part[2] ?? ''] ?? Number.NaN);
  }
  if (!Number.isFinite(seconds)) throw invalid;
  return match[1] === '-' ? -seconds : seconds;
}

/** Fields of the admin API the local service does not implement; refused instead of silently ignored. */
function refuseUnsupported(body: JsonObject): void {
  for (const field of ['phone', 'password_hash', 'role', 'nonce']) {
    if (stringField(body, field)) throw validationFailed(`"${field}" is not supported by the local Auth service`);
  }
  if (booleanField(body, 'phone_confirm')) throw validationFailed('"phone_confirm" is not supported by the local Auth service');
}

async function loadUser(ctx: AuthContext, id: string): Promise<AuthUser> {
  if (!isUuid(id)) throw new AuthApiError(404, 'validation_failed', 'user_id must be an UUID');
  const user = await ctx.users.findById(ctx.sql, id);
  if (!user) throw new AuthApiError(404, 'user_not_found', 'User not found');
  return user;
}

function pageParam(url: URL, name: string, fallback: number): number {
  const raw = url.searchParams.get(name) ?? '';
  if (raw === '') return fallback;
  if (!/^\d+$/.test(raw)) throw validationFailed(`Bad Pagination Parameters: strconv.ParseUint: parsing "${raw}": invalid syntax`);
  return Math.max(1, Math.min(Number(raw), Number.MAX_SAFE_INTEGER));
}

/**
 * GET /admin/users?page&per_page (auth-js admin.listUsers): `{users, aud}`, newest first,
 * with GoTrue's `X-Total-Count` and `Link` (rel next/last) headers, which auth-js turns
 * into nextPage, lastPage and total.
 */
async function listUsers(ctx: AuthContext, url: URL): Promise<Reply> {
  const page = pageParam(url, 'page', 1);
  const perPage = Math.min(pageParam(url, 'per_page', defaultPerPage), 1000);
  const { users, total } = await ctx.users.list(ctx.sql, page, perPage);
  const lastPage = Math.ceil(total / perPage);
  const link = (p: number) => `</auth/v1/admin/users?page=${p}&per_page=${url.searchParams.get('per_page') ?? ''}>`;
  const links = [...(lastPage > page ? [`${link(page + 1)}; rel="next"`] : []), `${link(lastPage)}; rel="last"`];
  return {
    status: 200,
    body: { users: users.map((u) => u.json), aud: defaultAudience },
    headers: { 'x-total-count': String(total), link: links.join(', ') },
  };
}

/** POST /admin/users (auth-js admin.createUser). As in GoTrue, an admin-set password skips the policy. */
async function createUser(ctx: AuthContext, req: IncomingMessage): Promise<Reply> {
  const body = await readJsonObject(req);
  refuseUnsupported(body);
  const requested = stringField(body, 'email');
  if (!requested) throw validationFailed('Cannot create a user without either an email or phone');
  const email = validEmail(requested);
  const password = stringField(body, 'password') || undefined;
  if (password !== undefined && Buffer.byteLength(password, 'utf8') > bcryptMaxBytes) {
    throw validationFailed(`Password cannot be longer than ${bcryptMaxBytes} characters`);
  }
  const userMetadata = objectField(body, 'user_metadata') ?? {};
  const appMetadata = objectField(body, 'app_metadata') ?? {};
  const ban = stringField(body, 'ban_duration');
  const seconds = ban ? banSeconds(ban) : 0;
  const id = await ctx.sql.begin(async (tx) => {
    const user = await ctx.users.create(tx, { email, password, userMetadata, appMetadata, emailConfirmed: booleanField(body, 'email_confirm') ?? false });
    if (!user) throw new AuthApiError(422, 'email_exists', 'A user with this email address has already been registered');
    if (seconds > 0) await ctx.users.ban(tx, user.id, seconds);
    return user.id;
  });
  return { status: 200, body: (await loadUser(ctx, id)).json };
}

/**
 * PUT /admin/users/:id (auth-js admin.updateUserById): user_metadata and app_metadata
 * merged (null deletes a key), a new password (policy checked; every session signed out,
 * as GoTrue does), email_confirm, ban_duration.
 */
async function updateUser(ctx: AuthContext, req: IncomingMessage, id: string): Promise<Reply> {
  const user = await loadUser(ctx, id);
  const body = await readJsonObject(req);
  refuseUnsupported(body);
  const email = stringField(body, 'email');
  if (email && validEmail(email) !== user.email) throw new AuthApiError(422, 'feature_disabled', 'Changing the email address is not supported by the local Auth service');
  const password = stringField(body, 'password');
  if (password !== undefined) assertPasswordAcceptable(password, ctx.config);
  const userMetadata = objectField(body, 'user_metadata');
  const appMetadata = objectField(body, 'app_metadata');
  const ban = stringField(body, 'ban_duration');
  const seconds = ban ? banSeconds(ban) : undefined;
  await ctx.sql.begin(async (tx) => {
    if (booleanField(body, 'email_confirm')) await ctx.users.confirmEmail(tx, user.id);
    if (password !== undefined) {
      await ctx.users.setPassword(tx, user.id, password);
      await ctx.sessions.endAll(tx, user.id);
    }
    if (appMetadata) await ctx.users.mergeAppMetadata(tx, user.id, appMetadata);
    if (userMetadata) await ctx.users.mergeUserMetadata(tx, user.id, userMetadata);
    if (seconds !== undefined) await ctx.users.ban(tx, user.id, seconds);
  });
  return { status: 200, body: (await loadUser(ctx, user.id)).json };
}

/** DELETE /admin/users/:id (auth-js admin.deleteUser): removes the user with identities and sessions. */
async function deleteUser(ctx: AuthContext, req: IncomingMessage, id: string): Promise<Reply> {
  const user = await loadUser(ctx, id);
  const body = await readJsonObject(req);
  if (booleanField(body, 'should_soft_delete')) throw validationFailed('Soft deletion is not supported by the local Auth service');
  try {
    await ctx.sql.begin((tx) => ctx.users.delete(tx, user.id));
  } catch (error) {
    // The project's own rules refuse it (the only admin of a workspace): say which, where
    // Supabase Auth answers 500 "Database error deleting user".
    if (isDatabaseError(error) && !connectionError(error)) {
      throw new AuthApiError(409, 'conflict', `The user cannot be deleted: ${error.message}${error.hint ? ` ${error.hint}` : ''}`);
    }
    throw error;
  }
  return { status: 200, body: {} };
}

/** GET /admin/users/:id (auth-js admin.getUserById). */
async function getUser(ctx: AuthContext, id: string): Promise<Reply> {
  return { status: 200, body: (await loadUser(ctx, id)).json };
}

/** GET /admin/users/:id/factors (auth-js admin.mfa.listFactors): every factor of the user, verified or not. */
async function listFactors(ctx: AuthContext, userId: string): Promise<Reply> {
  return { status: 200, body: (await loadUser(ctx, userId)).factors.map((f) => f.json) };
}

/**
 * DELETE /admin/users/:id/factors/:factor_id (auth-js admin.mfa.deleteFactor): removes a
 * factor whatever its status, downgrading the sessions it lifted to aal2, and answers it.
 */
async function deleteFactor(ctx: AuthContext, userId: string, factorId: string): Promise<Reply> {
  const user = await loadUser(ctx, userId);
  const factor = await loadFactor(ctx, user.id, factorId);
  await removeFactor(ctx, factor);
  return { status: 200, body: factor.json };
}

/**
 * The admin API under /admin/users, for the service-role key only (GoTrue's
 * requireAdminCredentials: 401 without a bearer token, 403 not_admin for any other role).
 */
export const adminUsers = {
  async list(ctx: AuthContext, req: IncomingMessage, url: URL): Promise<Reply> {
    requireAdmin(ctx, req);
    return listUsers(ctx, url);
  },
  async create(ctx: AuthContext, req: IncomingMessage): Promise<Reply> {
    requireAdmin(ctx, req);
    return createUser(ctx, req);
  },
  async get(ctx: AuthContext, req: IncomingMessage, id: string): Promise<Reply> {
    requireAdmin(ctx, req);
    return getUser(ctx, id);
  },
  async update(ctx: AuthContext, req: IncomingMessage, id: string): Promise<Reply> {
    requireAdmin(ctx, req);
    return updateUser(ctx, req, id);
  },
  async delete(ctx: AuthContext, req: IncomingMessage, id: string): Promise<Reply> {
    requireAdmin(ctx, req);
    return deleteUser(ctx, req, id);
  },
};

/** The admin API for a user's MFA factors (/admin/users/:id/factors), for the service-role key only. */
export const adminFactors = {
  async list(ctx: AuthContext, req: IncomingMessage, userId: string): Promise<Reply> {
    requireAdmin(ctx, req);
    return listFactors(ctx, userId);
  },
  async delete(ctx: AuthContext, req: IncomingMessage, userId: string, factorId: string): Promise<Reply> {
    requireAdmin(ctx, req);
    return deleteFactor(ctx, userId, factorId);
  },
};
