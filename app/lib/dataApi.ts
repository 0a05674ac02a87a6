import type { AuthChangeEvent, PostgrestError, Session, SupabaseClient } from '@supabase/supabase-js';
import { RequestError } from './errors.ts';
import { array, bool, decimal, integerDigits, nonEmptyText, nullable, object, oneOf, readAs, text, uuid } from './guards.ts';
import { readAnalyticsTable, type AnalyticsTable } from './analytics.ts';
import type { DayRange } from './summary.ts';
import { loadRecordColumns, toLoadRecord, toLoadRowError, type LoadRecord, type LoadRowError } from './uploads.ts';
// Straight from its module: the parser barrel would bring the whole file parser into the first screen's bundle.
import { parseSavedMapping, type SavedMapping } from '../../functions/_shared/etl/headerMapping.ts';
import type { SourceName } from '../../functions/_shared/etl/sources.ts';

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
  /** The person chose the language (at sign-up or since): a new device takes it. */
  localeChosen: boolean;
  timeZone: string;
  /** Digits of the Telegram user id, or null when not linked. */
  telegramId: string | null;
  updatedAt: string;
}

/** What a person changes themselves; the Telegram chat is linked by the bot (telegramLinkStart). */
export type ProfileChanges = Pick<Profile, 'displayName' | 'locale' | 'timeZone'>;

/** A one-time code to send to the bot as "/start CODE", and until when it works. */
export interface TelegramLinkCode {
  code: string;
  expiresAt: string;
}

/** Sums of a date range in the workspace's base currency (the metrics RPC). */
export interface PeriodTotals {
  spend: number;
  revenue: number;
  profit: number;
  /** (revenue − spend) / spend as a fraction; null without spend. */
  roi: number | null;
  ftds: number;
  /** Facts in other currencies, not in the sums yet. */
  otherCurrencyRows: number;
}

export interface OfferProfit {
  /** The TrafficWave offer id; null for facts without an offer. */
  offerId: string | null;
  /** "CODE · Name" of the registry offer this TW offer maps to as a whole, when one does. */
  offerName: string | null;
  profit: number;
  roi: number | null;
}

export const loadStatuses = ['pending', 'running', 'done', 'duplicate', 'failed', 'cancelled', 'rolled_back'] as const;
export type LoadStatus = (typeof loadStatuses)[number];

/** One upload (row of `etl_loads`) as lists show it. */
export interface LoadOutline {
  id: string;
  fileName: string;
  status: LoadStatus;
  rowsAccepted: number;
  rowsRejected: number;
  startedAt: string;
  finishedAt: string | null;
}

const readMembership = object({
  role: oneOf(memberRoles),
  workspace: object({ id: uuid, name: nonEmptyText, base_currency: text }),
});

const readProfile = object({
  user_id: uuid,
  display_name: text,
  locale: oneOf(locales),
  locale_chosen: bool,
  time_zone: nonEmptyText,
  telegram_id: nullable(integerDigits),
  updated_at: text,
});

const readAcceptedMembership = object({ workspace_id: uuid, role: oneOf(memberRoles) });

const readMetricsRow = object({
  is_total: bool,
  offer_id: nullable(text),
  spend: decimal,
  revenue: decimal,
  profit: decimal,
  roi: nullable(decimal),
  ftds: decimal,
  other_currency_rows: decimal,
});

const readOfferName = object({ tw_offer_id: text, offer: object({ code: text, name: text }) });

const readLoad = object({
  id: uuid,
  file_name: text,
  status: oneOf(loadStatuses),
  rows_accepted: decimal,
  rows_rejected: decimal,
  started_at: text,
  finished_at: nullable(text),
});

const loadColumns = 'id, file_name, status, rows_accepted, rows_rejected, started_at, finished_at';

function toLoad(row: unknown): LoadOutline {
  const l = readAs(readLoad, row, 'load');
  return { id: l.id, fileName: l.file_name, status: l.status, rowsAccepted: l.rows_accepted, rowsRejected: l.rows_rejected, startedAt: l.started_at, finishedAt: l.finished_at };
}

let channelCount = 0;

const profileColumns = 'user_id, display_name, locale, locale_chosen, time_zone, telegram_id, updated_at';

function toProfile(row: unknown): Profile {
  const p = readAs(readProfile, row, 'profile');
  return { userId: p.user_id, displayName: p.display_name, locale: p.locale, localeChosen: p.locale_chosen, timeZone: p.time_zone, telegramId: p.telegram_id, updatedAt: p.updated_at };
}

/** postgrest-js answers `{data, error, status}`; a failure becomes a RequestError. */
export function dataOf<T>(result: { data: T; error: PostgrestError | null; status: number }): T {
  if (result.error) throw new RequestError(result.status, result.error.code ?? '', result.error.message, result.error.hint ?? null);
  return result.data;
}

/**
 * Calls `onChange` with each changed row of a workspace's `table`, as `read` makes it, or with
 * null when a change cannot be read: something changed (realtime postgres_changes; RLS decides
 * who hears it). Returns the unsubscribe.
 */
export function watchWorkspaceRows<T>(client: SupabaseClient, table: string, workspaceId: string, read: (row: unknown) => T, onChange: (row: T | null) => void): () => void {
  channelCount += 1;
  const channel = client
    .channel(`${table}-${workspaceId}-${channelCount}`)
    .on('postgres_changes', { event: '*', schema: 'public', table, filter: `workspace_id=eq.${workspaceId}` }, (change) => {
      let row: T | null;
      try {
        row = read(change.new);
      } catch {
        row = null;
      }
      onChange(row);
    })
    .subscribe();
  return () => void client.removeChannel(channel);
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
      return toProfile(dataOf(await client.from('profiles').update(row).eq('user_id', userId).select(profileColumns).single()));
    },

    async telegramLinkStart(): Promise<TelegramLinkCode> {
      const row = dataOf(await client.rpc('telegram_link_start').single()) as { code: string; expires_at: string };
      return { code: row.code, expiresAt: row.expires_at };
    },

    async telegramUnlink(): Promise<void> {
      dataOf(await client.rpc('telegram_unlink'));
    },

    /** The sums of a range (the metrics RPC's totals row), sent as GET so that it is retried. */
    async periodTotals(workspaceId: string, range: DayRange): Promise<PeriodTotals> {
      const rows = dataOf(await client.rpc('metrics', { workspace: workspaceId, date_from: range.from, date_to: range.to }, { get: true }).retry(false));
      const total = readAs(array(readMetricsRow), rows, 'metrics').find((r) => r.is_total);
      if (!total) return { spend: 0, revenue: 0, profit: 0, roi: null, ftds: 0, otherCurrencyRows: 0 };
      return { spend: total.spend, revenue: total.revenue, profit: total.profit, roi: total.roi, ftds: total.ftds, otherCurrencyRows: total.other_currency_rows };
    },

    /** Profit per offer over a range, each TW offer named after the registry offer it maps to. */
    async offerProfits(workspaceId: string, range: DayRange): Promise<OfferProfit[]> {
      const [metrics, mappings] = await Promise.all([
        client.rpc('metrics', { workspace: workspaceId, date_from: range.from, date_to: range.to, group_by: ['offer'] }, { get: true }).retry(false),
        // Only mappings of a whole TW offer name it: the rollup has no link titles to split by.
        client.from('offer_mapping').select('tw_offer_id, offer:offers(code, name)').eq('workspace_id', workspaceId).eq('is_active', true).is('link_title', null).retry(false),
      ]);
      const names = new Map(readAs(array(readOfferName), dataOf(mappings), 'offer mappings').map((m) => [m.tw_offer_id, `${m.offer.code} · ${m.offer.name}`]));
      return readAs(array(readMetricsRow), dataOf(metrics), 'metrics')
        .filter((r) => !r.is_total)
        .map((r) => ({ offerId: r.offer_id, offerName: (r.offer_id !== null && names.get(r.offer_id)) || null, profit: r.profit, roi: r.roi }));
    },

    /**
     * The metrics table of a range, grouped and filtered (the Analytics screen). Unfiltered it
     * goes as GET, so that it is retried; a GET's arguments arrive as text, which would reach
     * the jsonb `filters` as a JSON string, so a filtered table is asked with POST.
     */
    async analyticsTable(workspaceId: string, range: DayRange, groupBy: string[], filters: Record<string, string[]>): Promise<AnalyticsTable> {
      const filtered = Object.keys(filters).length > 0;
      const args = { workspace: workspaceId, date_from: range.from, date_to: range.to, group_by: groupBy, ...(filtered ? { filters } : {}) };
      return readAs(readAnalyticsTable, dataOf(await client.rpc('metrics', args, { get: !filtered }).retry(false)), 'metrics');
    },

    /** The newest upload of the workspace, or null before the first one. */
    async latestLoad(workspaceId: string): Promise<LoadOutline | null> {
      const rows = dataOf(await client.from('etl_loads').select(loadColumns).eq('workspace_id', workspaceId).order('seq', { ascending: false }).limit(1).retry(false));
      const [row] = readAs(array(readLoad), rows, 'loads');
      return row ? toLoad(row) : null;
    },

    /** Whether any upload of the workspace has brought data (a load that finished as done). */
    async hasLoadedData(workspaceId: string): Promise<boolean> {
      const rows = dataOf(await client.from('etl_loads').select('id').eq('workspace_id', workspaceId).eq('status', 'done').limit(1).retry(false));
      return readAs(array(object({ id: uuid })), rows, 'loads').length > 0;
    },

    /**
     * Calls `onChange` with the new status whenever a load of the workspace changes (realtime
     * postgres_changes; RLS decides who hears it). A change whose row cannot be read is
     * passed on as null: something changed. Returns the unsubscribe.
     */
    watchLoads(workspaceId: string, onChange: (status: LoadStatus | null) => void): () => void {
      const row = nullable(object({ status: oneOf(loadStatuses) }));
      return watchWorkspaceRows<LoadStatus | null>(client, 'etl_loads', workspaceId, (changed) => readAs(row, changed, 'etl_loads change')?.status ?? null, onChange);
    },

    /** The workspace's uploads, newest first. */
    async listLoads(workspaceId: string, limit = 50): Promise<LoadRecord[]> {
      const rows = dataOf(await client.from('etl_loads').select(loadRecordColumns).eq('workspace_id', workspaceId).order('seq', { ascending: false }).limit(limit).retry(false));
      return readAs(array((row) => row), rows, 'loads').map(toLoadRecord);
    },

    async loadRecord(loadId: string): Promise<LoadRecord> {
      return toLoadRecord(dataOf(await client.from('etl_loads').select(loadRecordColumns).eq('id', loadId).single().retry(false)));
    },

    /** Display names of people (teammates' profiles are readable), by user id. */
    async displayNames(userIds: string[]): Promise<Record<string, string>> {
      if (userIds.length === 0) return {};
      const rows = dataOf(await client.from('profiles').select('user_id, display_name').in('user_id', userIds).retry(false));
      return Object.fromEntries(readAs(array(object({ user_id: uuid, display_name: text })), rows, 'profiles').map((p) => [p.user_id, p.display_name]));
    },

    /** One page of a load's rejected rows, in file order, and how many there are in all. */
    async loadErrors(loadId: string, offset: number, limit: number): Promise<{ errors: LoadRowError[]; total: number }> {
      const result = await client
        .from('etl_load_errors')
        .select('line, column_name, value, reason, record', { count: 'exact' })
        .eq('load_id', loadId)
        .order('line')
        .order('id')
        .range(offset, offset + limit - 1)
        .retry(false);
      const rows = dataOf(result);
      return { errors: readAs(array((row) => row), rows, 'rejected rows').map(toLoadRowError), total: result.count ?? 0 };
    },

    /** The load's file header names (null before its first slice, and for loads older than 20261209180000). */
    async loadFileColumns(loadId: string): Promise<string[] | null> {
      const rows = dataOf(await client.from('etl_loads').select('file_columns').eq('id', loadId).retry(false));
      return readAs(array(object({ file_columns: nullable(array(text)) })), rows, 'load header')[0]?.file_columns ?? null;
    },

    rollbackLoad: async (loadId: string): Promise<LoadRecord> => toLoadRecord(dataOf(await client.rpc('rollback_load', { load_id: loadId }))),
    reapplyLoad: async (loadId: string): Promise<LoadRecord> => toLoadRecord(dataOf(await client.rpc('reapply_load', { load_id: loadId }))),
    cancelLoad: async (loadId: string): Promise<LoadRecord> => toLoadRecord(dataOf(await client.rpc('cancel_load', { load_id: loadId }))),

    /** The column mapping the workspace saved for a source, or null. */
    async savedMapping(workspaceId: string, source: SourceName): Promise<SavedMapping | null> {
      const row = dataOf(await client.from('column_mappings').select('mapping').eq('workspace_id', workspaceId).eq('source', source).maybeSingle().retry(false));
      return row ? parseSavedMapping(readAs(object({ mapping: (value) => value }), row, 'column mapping').mapping) : null;
    },

    async saveMapping(workspaceId: string, source: SourceName, mapping: SavedMapping): Promise<void> {
      dataOf(await client.from('column_mappings').upsert({ workspace_id: workspaceId, source, mapping }, { onConflict: 'workspace_id,source' }));
    },

    /** Calls `onChange` with every changed upload row of the workspace (null when a change cannot be read). Returns the unsubscribe. */
    watchLoadRecords(workspaceId: string, onChange: (load: LoadRecord | null) => void): () => void {
      return watchWorkspaceRows(client, 'etl_loads', workspaceId, toLoadRecord, onChange);
    },
  };
}

export type DataApi = ReturnType<typeof createDataApi>;
