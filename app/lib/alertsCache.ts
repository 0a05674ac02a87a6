import { alertKinds, alertSeverities, alertStatuses, alertSubjects, type Alert } from './alerts.ts';
import { array, nonEmptyText, nullable, object, oneOf, record, text, uuid, type Reader } from './guards.ts';
import { forgetKeys, keep, recall } from './summaryCache.ts';

/** The alert centre of one workspace as last fetched: what shows while the backend is out of reach. */
export interface AlertsSnapshot {
  workspaceId: string;
  alerts: Alert[];
  /** Display names of who acknowledged, and names of the programs alerts are grouped under, by id. */
  names: Record<string, string>;
  programNames: Record<string, string>;
  fetchedAt: string;
}

const names: Reader<Record<string, string>> = (value, path) =>
  Object.fromEntries(Object.entries(record(value, path)).filter((entry): entry is [string, string] => typeof entry[1] === 'string'));

const readSnapshot = object({
  workspaceId: uuid,
  alerts: array(
    object({
      id: uuid,
      kind: oneOf(alertKinds),
      severity: oneOf(alertSeverities),
      subjectType: oneOf(alertSubjects),
      subjectId: nonEmptyText,
      groupKey: nullable(text),
      params: record,
      status: oneOf(alertStatuses),
      firedAt: text,
      resolvedAt: nullable(text),
      acknowledgedAt: nullable(text),
      acknowledgedBy: nullable(uuid),
    }),
  ),
  names,
  programNames: names,
  fetchedAt: text,
});

// Kept per person and workspace, as the summary is; signing out forgets them.
const prefix = 'arbidesk.alerts.';
const key = (userId: string, workspaceId: string) => `${prefix}${userId}.${workspaceId}`;

export function rememberAlerts(userId: string, snapshot: AlertsSnapshot): void {
  keep(key(userId, snapshot.workspaceId), snapshot);
}

export function recallAlerts(userId: string, workspaceId: string): AlertsSnapshot | null {
  const kept = recall(key(userId, workspaceId), readSnapshot, 'stored alerts');
  return kept?.workspaceId === workspaceId ? kept : null;
}

/** Removes every kept alert list: signing out leaves none of the workspace's alerts on a shared device. */
export function forgetAlerts(): void {
  forgetKeys((k) => k.startsWith(prefix));
}
