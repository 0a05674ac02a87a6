import { alertKinds, alertSeverities, type Alert, type AlertKind, type AlertSeverity } from './alerts.ts';
import type { MemberRole } from './dataApi.ts';

/** The channels a person is told on (private.alert_channels()); the alert centre is always on. */
export const alertChannels = ['web_push', 'native_push', 'telegram', 'email'] as const;
export type AlertChannel = (typeof alertChannels)[number];

/** One kind's rule as it applies to the person: their own (`own`), else their role's default. */
export interface AlertRule {
  kind: AlertKind;
  /** Null: nothing of this kind is sent (a role default only; an own rule always has one). */
  minSeverity: AlertSeverity | null;
  channels: AlertChannel[];
  own: boolean;
}

/** A silence of the workspace (`alert_silences`). */
export interface AlertSilence {
  id: string;
  kind: AlertKind | null;
  subjectId: string | null;
  until: string;
  reason: string;
  createdBy: string | null;
  createdAt: string;
}

/** The workspace's Slack channel as the app reads it: the webhook only as its masked hint. */
export interface SlackChannel {
  id: string;
  webhookHint: string;
  minSeverity: AlertSeverity;
  locale: 'ru' | 'en';
  timeZone: string;
  enabled: boolean;
}

/** The workspace's own alert settings (null: off). */
export interface WorkspaceAlertSettings {
  escalateAfterMinutes: number | null;
  /** How often an unacknowledged warning or critical alert is told again (20261209150000_alert_repeats). */
  repeatAfterMinutes: number | null;
  staleAfterHours: number | null;
}

/** The person's quiet hours ("HH:MM" local times in `timeZone`; both null: none) and linked chat. */
export interface PersonAlertSettings {
  quietStart: string | null;
  quietEnd: string | null;
  timeZone: string;
  telegramLinked: boolean;
}

export const severityRank: Record<AlertSeverity, number> = { info: 1, warning: 2, critical: 3 };

/** The severities at or above `min`, for "warning and above". */
export const severitiesFrom = (min: AlertSeverity): AlertSeverity[] => alertSeverities.filter((s) => severityRank[s] >= severityRank[min]);

/**
 * A rule as one sentence's parts: i18n key (under alertSettings.rule) and values the page
 * fills with the channels' names. A rule with no channel or no severity sends nothing.
 */
export function ruleSentence(rule: Pick<AlertRule, 'minSeverity' | 'channels'>): { key: 'off' | 'from' | 'only'; severity: AlertSeverity | null; channels: AlertChannel[] } {
  const channels = alertChannels.filter((c) => rule.channels.includes(c));
  if (rule.minSeverity === null || channels.length === 0) return { key: 'off', severity: null, channels: [] };
  return { key: rule.minSeverity === 'critical' ? 'only' : 'from', severity: rule.minSeverity, channels };
}

/** Whether a role may add silences (alert_silences' insert policy). */
export const canSilence = (role: MemberRole | undefined): boolean => role !== undefined && role !== 'read_only';

/** Whether the person may lift a silence: its author (who acts on alerts) or an admin. */
export const canLift = (silence: Pick<AlertSilence, 'createdBy'>, role: MemberRole | undefined, userId: string | undefined): boolean =>
  role === 'admin' || (canSilence(role) && silence.createdBy !== null && silence.createdBy === userId);

export const silencePresets = ['1h', '4h', '1d', '1w', 'custom'] as const;
export type SilencePreset = (typeof silencePresets)[number];
export const silenceUnits = ['hours', 'days'] as const;
export type SilenceUnit = (typeof silenceUnits)[number];

const hour = 3_600_000;
const presetLengths: Record<Exclude<SilencePreset, 'custom'>, number> = { '1h': hour, '4h': 4 * hour, '1d': 24 * hour, '1w': 7 * 24 * hour };
/** alert_silences allows at most 90 days. */
export const maxSilenceHours = 90 * 24;

/**
 * How long a silence lasts, in whole hours (the server adds them to its own now), or the i18n
 * key of what is wrong with a custom length: a whole number of hours or days, 90 days at most.
 */
export function silenceHours(preset: SilencePreset, amount: string, unit: SilenceUnit): { hours: number } | { problem: string } {
  if (preset !== 'custom') return { hours: presetLengths[preset] / hour };
  const typed = amount.trim();
  if (!/^\d{1,5}$/.test(typed) || Number(typed) === 0) return { problem: 'alertSettings.silences.invalid.amount' };
  const hours = Number(typed) * (unit === 'days' ? 24 : 1);
  return hours > maxSilenceHours ? { problem: 'alertSettings.silences.invalid.tooLong' } : { hours };
}

export const reasonMaxLength = 500;

/** What a new silence sends, or what to fix (by field). */
export function readSilenceDraft(draft: { kind: string; subjectId: string | null; preset: SilencePreset; amount: string; unit: SilenceUnit; reason: string }):
  | { silence: { kind: AlertKind | null; subjectId: string | null; hours: number; reason: string } }
  | { problems: Record<string, string> } {
  const problems: Record<string, string> = {};
  const kind = alertKinds.find((k) => k === draft.kind) ?? null;
  if (kind === null && draft.subjectId === null) problems.kind = 'alertSettings.silences.invalid.kind';
  const length = silenceHours(draft.preset, draft.amount, draft.unit);
  if ('problem' in length) problems.amount = length.problem;
  const reason = draft.reason.trim();
  if (reason === '' || reason.length > reasonMaxLength) problems.reason = 'alertSettings.silences.invalid.reason';
  if (Object.keys(problems).length > 0 || 'problem' in length) return { problems };
  return { silence: { kind, subjectId: draft.subjectId, hours: length.hours, reason } };
}

/**
 * Quiet hours as typed ("HH:MM", both empty: none), or the i18n key of what is wrong: both or
 * neither, and not the same time (the profile's check).
 */
export function readQuietHours(start: string, end: string): { start: string | null; end: string | null } | { problem: string } {
  const from = start.trim();
  const to = end.trim();
  if (from === '' && to === '') return { start: null, end: null };
  const clock = /^([01]\d|2[0-3]):[0-5]\d$/;
  if (!clock.test(from) || !clock.test(to)) return { problem: 'alertSettings.quiet.invalid.both' };
  if (from === to) return { problem: 'alertSettings.quiet.invalid.same' };
  return { start: from, end: to };
}

/** A number of minutes or hours typed in a setting, within its bounds; empty: off (null). */
export function readWholeNumber(typed: string, min: number, max: number): { value: number | null } | { problem: true } {
  const text = typed.trim();
  if (text === '') return { value: null };
  if (!/^\d{1,6}$/.test(text)) return { problem: true };
  const value = Number(text);
  return value < min || value > max ? { problem: true } : { value };
}

/**
 * A webhook URL the table takes (https, at most 500 characters). Which host the delivery posts
 * to is the server's choice (SLACK_WEBHOOK_ORIGIN), so the form does not insist on Slack's.
 */
export function readWebhookUrl(typed: string): string | null {
  const url = typed.trim();
  return /^https:\/\/[^\s/]+\/\S+$/.test(url) && url.length <= 500 ? url : null;
}

/**
 * What a silence's subject is called: the offer, program, file or source named by an alert
 * about it (the app knows subjects by their alerts), else its id as stored.
 */
export function subjectName(subjectId: string, alerts: readonly Pick<Alert, 'subjectId' | 'params'>[], sourceName: (source: string) => string): string {
  const about = alerts.find((a) => a.subjectId === subjectId);
  const param = (name: string) => {
    const value = about?.params[name];
    return typeof value === 'string' && value.trim() !== '' ? value : null;
  };
  const source = param('source');
  const named = param('offer') ?? param('program') ?? param('file_name') ?? (source ? sourceName(source) : null);
  if (named) return named;
  // A source of data is its own id (tw_events): worded even without an alert.
  return /^[a-z_]+$/.test(subjectId) ? sourceName(subjectId) : subjectId;
}
