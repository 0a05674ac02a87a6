import type { AuthChangeEvent, PostgrestError, Session, SupabaseClient } from '@supabase/supabase-js';
import { RequestError } from './errors.ts';
import { array, integerDigits, nonEmptyText, nullable, object, oneOf, readAs, text, uuid } from './guards.ts';

export const memberRoles = ['media_buyer', 'affiliate_manager', 'finance', 'admin', 'read_only'] as const;
export type MemberRole = (typeof memberRoles)[number];

export const locales = ['ru', 'en'] as const;
export type Locale = (typeof locales)[number];

/** The signed-in person as the session names them. */
export interface SessionUser {
  id: string;
  email: string;
}

/** One workspace the signed-in person belongs to, with their role in it. */
export interface Membership {
  workspaceId: string;
  workspaceName: string;
  baseCurrency: string;
  role: MemberRole;
}

/** A row of `profiles`: the person's own settings. */
export interface Profile {
  userId: string;
  displayName: string;
  locale: Locale;
  timeZone: string;
  /** Digits of the Telegram user id, or null when not linked. */
  telegramId: string | null;
  updatedAt: string;
}

export type ProfileChanges = Omit<Profile, 'userId' | 'updatedAt'>;

const readMembership = object({
  role: oneOf(memberRoles),
  workspace: object({ id: uuid, name: nonEmptyText, base_currency: text }),
});

const readProfile = object({
  user_id: uuid,
  display_name: text,
  locale: oneOf(locales),
  time_zone: nonEmptyText,
  telegram_id: nullable(integerDigits),
  updated_at: text,
});

const readAcceptedMembership = object({ workspace_id: uuid, role: oneOf(memberRoles) });

const profileColumns = 'user_id, display_name, locale, time_zone, telegram_id, updated_at';

function toProfile(row: unknown): Profile {
  const p = readAs(readProfile, row, 'profile');
  return { userId: p.user_id, displayName: p.display_name, locale: p.locale, timeZone: p.time_zone, telegramId: p.telegram_id, updatedAt: p.updated_at };
}

/** postgrest-js answers `{data, error, status}`; a failure becomes a RequestError. */
function dataOf<T>(result: { data: T; error: PostgrestError | null; status: number }): T {
  if (result.error) throw new RequestError(result.status, result.error.code ?? '', result.error.message, result.error.hint ?? null);
  return result.data;
}

function sessionUser(session: Session | null): SessionUser | null {
  return session ? { id: session.user.id, email: session.user.email ?? '' } : null;
}

/**
 * Everything the app asks the backend, over supabase-js: Auth for accounts and sessions,
 * REST for rows and RPCs. Answers are validated here, where they enter the app. Reads turn
 * off postgrest-js's own retries (`.retry(false)`): lib/connectivity.ts retries every GET,
 * Auth's included, and two layers of retries would multiply the wait before a failure shows.
 */
export function createDataApi(client: SupabaseClient) {
  return {
    /** Calls `listener` with the current session now and on every change (sign-in, refresh, recovery link). */
    watchSession(listener: (user: SessionUser | null, event: AuthChangeEvent) => void): () => void {
      const { data } = client.auth.onAuthStateChange((event, session) => listener(sessionUser(session), event));
      return () => data.subscription.unsubscribe();
    },

    async signIn(email: string, password: string): Promise<SessionUser> {
      const { data, error } = await client.auth.signInWithPassword({ email, password });
      if (error) throw error;
      return { id: data.user.id, email: data.user.email ?? email };
    },

    /** Creates an account; with email confirmations off (supabase/config.toml) it is signed in at once. */
    async signUp(email: string, password: string, displayName: string, locale: Locale): Promise<SessionUser | null> {
      const { data, error } = await client.auth.signUp({ email, password, options: { data: { display_name: displayName, locale } } });
      if (error) throw error;
      return sessionUser(data.session);
    },

    async signOut(): Promise<void> {
      const { error } = await client.auth.signOut({ scope: 'local' });
      if (error) throw error;
    },

    /** Mails a recovery link (back to `redirectTo`) and a one-time code. */
    async requestPasswordReset(email: string, redirectTo: string): Promise<void> {
      const { error } = await client.auth.resetPasswordForEmail(email, { redirectTo });
      if (error) throw error;
    },

    /** Signs in with the emailed recovery code, after which setPassword works. */
    async verifyRecoveryCode(email: string, code: string): Promise<void> {
      const { error } = await client.auth.verifyOtp({ email, token: code, type: 'recovery' });
      if (error) throw error;
    },

    async setPassword(password: string): Promise<void> {
      const { error } = await client.auth.updateUser({ password });
      if (error) throw error;
    },

    async listMemberships(userId: string): Promise<Membership[]> {
      const rows = dataOf(
        await client.from('workspace_members').select('role, workspace:workspaces(id, name, base_currency)').eq('user_id', userId).retry(false),
      );
      return readAs(array(readMembership), rows, 'memberships')
        .map((m) => ({ workspaceId: m.workspace.id, workspaceName: m.workspace.name, baseCurrency: m.workspace.base_currency, role: m.role }))
        .sort((a, b) => a.workspaceName.localeCompare(b.workspaceName));
    },

    async createWorkspace(name: string): Promise<string> {
      const row = dataOf(await client.rpc('create_workspace', { name }));
      return readAs(object({ id: uuid }), row, 'workspace').id;
    },

    /** Joins the invitation's workspace; refusals (used, expired, other email) come back as RequestError. */
    async acceptInvitation(token: string): Promise<{ workspaceId: string; role: MemberRole }> {
      const row = readAs(readAcceptedMembership, dataOf(await client.rpc('accept_invitation', { invitation_token: token })), 'membership');
      return { workspaceId: row.workspace_id, role: row.role };
    },

    async loadProfile(userId: string): Promise<Profile> {
      return toProfile(dataOf(await client.from('profiles').select(profileColumns).eq('user_id', userId).single().retry(false)));
    },

    async saveProfile(userId: string, changes: Partial<ProfileChanges>): Promise<Profile> {
      const row: Record<string, string | null> = {};
      if (changes.displayName !== undefined) row.display_name = changes.displayName;
      if (changes.locale !== undefined) row.locale = changes.locale;
      if (changes.timeZone !== undefined) row.time_zone = changes.timeZone;
      if (changes.telegramId !== undefined) row.telegram_id = changes.telegramId;
      return toProfile(dataOf(await client.from('profiles').update(row).eq('user_id', userId).select(profileColumns).single()));
    },
  };
}

export type DataApi = ReturnType<typeof createDataApi>;
