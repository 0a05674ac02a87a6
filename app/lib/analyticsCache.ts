import { dimensions, metrics, type AnalyticsRow, type AnalyticsTable } from './analytics.ts';
import { array, decimal, nullable, object, record, text, uuid, type Reader } from './guards.ts';
import { forgetKeys, keep, recall } from './summaryCache.ts';

/** The last table Analytics showed for a workspace, and the selection it answers: what shows while the backend is out of reach. */
export interface AnalyticsSnapshot {
  workspaceId: string;
  /** The identity of the selection the table answers (stores/analytics.ts queryOf). */
  query: string;
  range: { from: string; to: string };
  data: AnalyticsTable;
  fetchedAt: string;
}

const readCell = nullable(text);
const readFigure = nullable(decimal);

/** A row as the app keeps it; a copy from a version with other metrics does not read, so it is not shown half-filled. */
const readRow: Reader<AnalyticsRow> = (value, path) => {
  const row = object({ dims: record, values: record })(value, path);
  const dims: AnalyticsRow['dims'] = {};
  for (const d of dimensions) if (d in row.dims) dims[d] = readCell(row.dims[d], `${path}.dims.${d}`);
  const values = Object.fromEntries(metrics.map((m) => [m, readFigure(row.values[m], `${path}.values.${m}`)])) as AnalyticsRow['values'];
  return { dims, values };
};

const readSnapshot = object({
  workspaceId: uuid,
  query: text,
  range: object({ from: text, to: text }),
  data: object({ total: readRow, rows: array(readRow) }),
  fetchedAt: text,
});

// One table per person and workspace, as the summary keeps its figures; signing out forgets them.
const prefix = 'arbidesk.analytics.';
const key = (userId: string, workspaceId: string) => `${prefix}${userId}.${workspaceId}`;

export function rememberAnalytics(userId: string, snapshot: AnalyticsSnapshot): void {
  keep(key(userId, snapshot.workspaceId), snapshot);
}

export function recallAnalytics(userId: string, workspaceId: string): AnalyticsSnapshot | null {
  const kept = recall(key(userId, workspaceId), readSnapshot, 'stored analytics');
  return kept?.workspaceId === workspaceId ? kept : null;
}

/** Removes every kept table, as signing out does with the summary. */
export function forgetAnalytics(): void {
  forgetKeys((k) => k.startsWith(prefix));
}
