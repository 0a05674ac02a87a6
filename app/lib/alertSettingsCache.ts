import { alertKinds, alertSeverities } from './alerts.ts';
import { alertChannels, type AlertRule, type AlertSilence, type PersonAlertSettings, type SlackChannel, type WorkspaceAlertSettings } from './alertSettings.ts';
import { array, bool, nonEmptyText, nullable, object, oneOf, record, text, uuid, type Reader } from './guards.ts';
import { keep, recall } from './summaryCache.ts';

/** The alert settings of one person in one workspace as last fetched: what shows, read-only, while the backend is out of reach. */
export interface AlertSettingsSnapshot {
  workspaceId: string;
  rules: AlertRule[];
  person: PersonAlertSettings;
  silences: AlertSilence[];
  workspace: WorkspaceAlertSettings;
  /** Null: none set, or the person is not an admin (RLS hides it). */
  slack: SlackChannel | null;
  /** Display names of the silences' authors, by id. */
  names: Record<string, string>;
  fetchedAt: string;
}

const wholeNumber: Reader<number> = (value, path) => {
  if (typeof value === 'number' && Number.isInteger(value)) return value;
  throw new Error(`${path}: not a whole number`);
};
const names: Reader<Record<string, string>> = (value, path) =>
  Object.fromEntries(Object.entries(record(value, path)).filter((entry): entry is [string, string] => typeof entry[1] === 'string'));

const readSnapshot = object({
  workspaceId: uuid,
  rules: array(object({ kind: oneOf(alertKinds), minSeverity: nullable(oneOf(alertSeverities)), channels: array(oneOf(alertChannels)), own: bool })),
  person: object({ quietStart: nullable(text), quietEnd: nullable(text), timeZone: nonEmptyText, telegramLinked: bool }),
  silences: array(object({ id: uuid, kind: nullable(oneOf(alertKinds)), subjectId: nullable(text), until: text, reason: text, createdBy: nullable(uuid), createdAt: text })),
  workspace: object({ escalateAfterMinutes: nullable(wholeNumber), repeatAfterMinutes: nullable(wholeNumber), staleAfterHours: nullable(wholeNumber) }),
  slack: nullable(object({ id: uuid, webhookHint: text, minSeverity: oneOf(alertSeverities), locale: oneOf(['ru', 'en']), timeZone: nonEmptyText, enabled: bool })),
  names,
  fetchedAt: text,
});

// Under the alert centre's prefix, so signing out (forgetAlerts) forgets these too.
const key = (userId: string, workspaceId: string) => `arbidesk.alerts.settings.${userId}.${workspaceId}`;

export function rememberAlertSettings(userId: string, snapshot: AlertSettingsSnapshot): void {
  keep(key(userId, snapshot.workspaceId), snapshot);
}

export function recallAlertSettings(userId: string, workspaceId: string): AlertSettingsSnapshot | null {
  const kept = recall(key(userId, workspaceId), readSnapshot, 'stored alert settings');
  return kept?.workspaceId === workspaceId ? kept : null;
}
