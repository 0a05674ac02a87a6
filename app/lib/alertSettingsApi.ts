import type { SupabaseClient } from '@supabase/supabase-js';
import { alertKinds, alertSeverities, type AlertKind, type AlertSeverity } from './alerts.ts';
import { alertChannels, type AlertChannel, type AlertRule, type AlertSilence, type PersonAlertSettings, type SlackChannel, type WorkspaceAlertSettings } from './alertSettings.ts';
import { dataOf } from './dataApi.ts';
import { refusedUnless } from './offersApi.ts';
import { array, bool, integerDigits, nonEmptyText, nullable, object, oneOf, readAs, text, uuid, type Reader } from './guards.ts';

const wholeNumber: Reader<number> = (value, path) => (typeof value === 'number' && Number.isInteger(value) ? value : Number(integerDigits(value, path)));

const readRule = object({ kind: oneOf(alertKinds), min_severity: nullable(oneOf(alertSeverities)), channels: array(oneOf(alertChannels)), own: bool });
const readSilence = object({
  id: uuid,
  kind: nullable(oneOf(alertKinds)),
  subject_id: nullable(text),
  until: text,
  reason: text,
  created_by: nullable(uuid),
  created_at: text,
});
const silenceColumns = 'id, kind, subject_id, until, reason, created_by, created_at';
// Never webhook_url: once saved, the secret stays on the server; the hint says which one it is.
const slackColumns = 'id, webhook_hint, min_severity, locale, time_zone, enabled';
const readSlack = object({ id: uuid, webhook_hint: text, min_severity: oneOf(alertSeverities), locale: oneOf(['ru', 'en']), time_zone: nonEmptyText, enabled: bool });
const readWorkspace = object({ alert_escalate_after_minutes: nullable(wholeNumber), alert_repeat_after_minutes: nullable(wholeNumber), alert_stale_after_hours: nullable(wholeNumber) });
const readPerson = object({ time_zone: nonEmptyText, quiet_hours_start: nullable(text), quiet_hours_end: nullable(text), telegram_id: nullable(integerDigits) });

function toSilence(row: unknown): AlertSilence {
  const s = readAs(readSilence, row, 'silence');
  return { id: s.id, kind: s.kind, subjectId: s.subject_id, until: s.until, reason: s.reason, createdBy: s.created_by, createdAt: s.created_at };
}

function toSlack(row: unknown): SlackChannel {
  const s = readAs(readSlack, row, 'Slack channel');
  return { id: s.id, webhookHint: s.webhook_hint, minSeverity: s.min_severity, locale: s.locale, timeZone: s.time_zone, enabled: s.enabled };
}

/** "HH:MM:SS" from the database as the form's "HH:MM". */
const clock = (value: string | null) => (value === null ? null : value.slice(0, 5));

export interface SlackChanges {
  /** A new webhook; undefined keeps the saved one. */
  webhookUrl?: string;
  minSeverity: AlertSeverity;
  locale: 'ru' | 'en';
  timeZone: string;
  enabled: boolean;
}

/**
 * The alert settings of one person in one workspace, over supabase-js as dataApi.ts does.
 * RLS decides who may change what; the screen only avoids offering what would be refused.
 */
export function createAlertSettingsApi(client: SupabaseClient) {
  return {
    /** Each kind's rule as it applies to the caller (my_alert_rules()). */
    async rules(workspaceId: string): Promise<AlertRule[]> {
      const rows = readAs(array(readRule), dataOf(await client.rpc('my_alert_rules', { workspace: workspaceId }).retry(false)), 'alert rules');
      return rows.map((r) => ({ kind: r.kind, minSeverity: r.min_severity, channels: r.channels, own: r.own }));
    },

    async saveRule(workspaceId: string, userId: string, kind: AlertKind, minSeverity: AlertSeverity, channels: AlertChannel[]): Promise<void> {
      dataOf(await client.from('alert_rules').upsert({ workspace_id: workspaceId, user_id: userId, kind, min_severity: minSeverity, channels }));
    },

    /** Back to the role's default: the own row goes. */
    async resetRule(workspaceId: string, userId: string, kind: AlertKind): Promise<void> {
      dataOf(await client.from('alert_rules').delete().match({ workspace_id: workspaceId, user_id: userId, kind }));
    },

    async person(userId: string): Promise<PersonAlertSettings> {
      const p = readAs(readPerson, dataOf(await client.from('profiles').select('time_zone, quiet_hours_start, quiet_hours_end, telegram_id').eq('user_id', userId).single().retry(false)), 'profile');
      return { timeZone: p.time_zone, quietStart: clock(p.quiet_hours_start), quietEnd: clock(p.quiet_hours_end), telegramLinked: p.telegram_id !== null };
    },

    async saveQuietHours(userId: string, start: string | null, end: string | null): Promise<void> {
      dataOf(await client.from('profiles').update({ quiet_hours_start: start, quiet_hours_end: end }).eq('user_id', userId));
    },

    /** Silences still in force (their end after now). */
    async silences(workspaceId: string): Promise<AlertSilence[]> {
      const rows = dataOf(await client.from('alert_silences').select(silenceColumns).eq('workspace_id', workspaceId).gt('until', new Date().toISOString()).order('until').limit(200).retry(false));
      return readAs(array((row) => row), rows, 'silences').map(toSilence);
    },

    async addSilence(workspaceId: string, silence: { kind: AlertKind | null; subjectId: string | null; hours: number; reason: string }): Promise<AlertSilence> {
      const row = dataOf(
        await client.rpc('add_alert_silence', { workspace: workspaceId, alert_kind: silence.kind, subject: silence.subjectId, duration: `${silence.hours} hours`, reason: silence.reason }).single(),
      );
      return toSilence(row);
    },

    /** Lifts a silence; RLS lets its author or an admin, and a delete it filtered to nothing is refused. */
    async liftSilence(silenceId: string): Promise<void> {
      refusedUnless((dataOf(await client.from('alert_silences').delete().eq('id', silenceId).select('id')) ?? []).length);
    },

    async workspaceSettings(workspaceId: string): Promise<WorkspaceAlertSettings> {
      const w = readAs(readWorkspace, dataOf(await client.from('workspaces').select('alert_escalate_after_minutes, alert_repeat_after_minutes, alert_stale_after_hours').eq('id', workspaceId).single().retry(false)), 'workspace');
      return { escalateAfterMinutes: w.alert_escalate_after_minutes, repeatAfterMinutes: w.alert_repeat_after_minutes, staleAfterHours: w.alert_stale_after_hours };
    },

    async saveWorkspaceSettings(workspaceId: string, settings: WorkspaceAlertSettings): Promise<void> {
      const changed = dataOf(
        await client
          .from('workspaces')
          .update({ alert_escalate_after_minutes: settings.escalateAfterMinutes, alert_repeat_after_minutes: settings.repeatAfterMinutes, alert_stale_after_hours: settings.staleAfterHours })
          .eq('id', workspaceId)
          .select('id'),
      );
      refusedUnless((changed ?? []).length);
    },

    /** The enabled channel, else the latest one kept switched off; null when none (or not an admin: RLS hides it). */
    async slack(workspaceId: string): Promise<SlackChannel | null> {
      const rows = dataOf(await client.from('alert_slack').select(slackColumns).eq('workspace_id', workspaceId).order('enabled', { ascending: false }).order('updated_at', { ascending: false }).limit(1).retry(false));
      const [row] = readAs(array((r) => r), rows, 'Slack channels');
      return row === undefined ? null : toSlack(row);
    },

    async saveSlack(workspaceId: string, channelId: string | null, changes: SlackChanges): Promise<SlackChannel> {
      const row = {
        min_severity: changes.minSeverity,
        locale: changes.locale,
        time_zone: changes.timeZone,
        enabled: changes.enabled,
        ...(changes.webhookUrl === undefined ? {} : { webhook_url: changes.webhookUrl }),
      };
      const saved = channelId
        ? await client.from('alert_slack').update(row).eq('id', channelId).select(slackColumns).single()
        : await client.from('alert_slack').insert({ ...row, workspace_id: workspaceId }).select(slackColumns).single();
      return toSlack(dataOf(saved));
    },
  };
}

export type AlertSettingsApi = ReturnType<typeof createAlertSettingsApi>;
