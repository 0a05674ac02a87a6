import type { SavedMapping, SourceName } from '../../functions/_shared/etl/index.ts';
import { array, decimal, nullable, object, oneOf, readAs, text, uuid } from './guards.ts';
import { loadStatuses, type LoadStatus, type MemberRole } from './dataApi.ts';

export const uploadSources = ['tw_events', 'tw_clicks', 'ad_spend'] as const satisfies readonly SourceName[];

/** One upload (row of `etl_loads`) with everything the history and the progress bar show. */
export interface LoadRecord {
  id: string;
  fileName: string;
  source: SourceName;
  status: LoadStatus;
  /** What a running load is doing: parsing, merging, rollups. */
  phase: string | null;
  rowsRead: number;
  rowsAccepted: number;
  rowsRejected: number;
  rowsSuperseded: number;
  errorSummary: string | null;
  duplicateOf: string | null;
  createdBy: string | null;
  startedAt: string;
  finishedAt: string | null;
  /** When the retention job removed the original from Storage. */
  originalRemovedAt: string | null;
}

/** What the upload is told: the file's source and how its headers map onto canonical columns. */
export interface UploadChoice {
  source: SourceName;
  mapping: SavedMapping;
}

/** A rejected row as etl_load_errors keeps it. */
export interface LoadRowError {
  line: number | null;
  column: string | null;
  value: string | null;
  reason: string;
  /** The record's fields as read (for the rejected-rows file); null when it could not be read or kept. */
  record?: string[] | null;
}

export const loadRecordColumns =
  'id, file_name, source, status, phase, rows_read, rows_accepted, rows_rejected, rows_superseded, error_summary, duplicate_of, created_by, started_at, finished_at, original_removed_at';

// Built on first use: dataApi.ts imports this module, so loadStatuses is not there yet when it loads.
let readLoadRecord: ReturnType<typeof loadRecordReader> | undefined;
const loadRecordReader = () =>
  object({
  id: uuid,
  file_name: text,
  source: oneOf(uploadSources),
  status: oneOf(loadStatuses),
  phase: nullable(text),
  rows_read: decimal,
  rows_accepted: decimal,
  rows_rejected: decimal,
  rows_superseded: decimal,
  error_summary: nullable(text),
  duplicate_of: nullable(uuid),
  created_by: nullable(uuid),
  started_at: text,
  finished_at: nullable(text),
  original_removed_at: nullable(text),
  });

/** An etl_loads row from REST, an RPC, realtime or the ETL function's answer (bigints as numbers or digits). */
export function toLoadRecord(row: unknown): LoadRecord {
  readLoadRecord ??= loadRecordReader();
  const l = readAs(readLoadRecord, row, 'load');
  return {
    id: l.id,
    fileName: l.file_name,
    source: l.source,
    status: l.status,
    phase: l.phase,
    rowsRead: l.rows_read,
    rowsAccepted: l.rows_accepted,
    rowsRejected: l.rows_rejected,
    rowsSuperseded: l.rows_superseded,
    errorSummary: l.error_summary,
    duplicateOf: l.duplicate_of,
    createdBy: l.created_by,
    startedAt: l.started_at,
    finishedAt: l.finished_at,
    originalRemovedAt: l.original_removed_at,
  };
}

export const readLoadRowError = object({ line: nullable(decimal), column_name: nullable(text), value: nullable(text), reason: text, record: nullable(array(text)) });

export function toLoadRowError(row: unknown): LoadRowError {
  const e = readAs(readLoadRowError, row, 'rejected row');
  return { line: e.line, column: e.column_name, value: e.value, reason: e.reason, record: e.record };
}

/** Statuses after which a load changes no more by itself. */
export const finishedStatuses: ReadonlySet<LoadStatus> = new Set(['done', 'duplicate', 'failed', 'cancelled', 'rolled_back']);

/** The retention periods the settings offer, in days (null: keep for ever); the server takes any from 1 to 3650. */
export const retentionChoices = [30, 90, 180, 365, null] as const;

/**
 * Until when a finished load's original is kept under a retention of `days` (null: for ever,
 * or not finished yet); the retention job removes it within the hour after that.
 */
export function originalKeptUntil(load: Pick<LoadRecord, 'status' | 'finishedAt'>, days: number | null): Date | null {
  if (days === null || load.finishedAt === null || !finishedStatuses.has(load.status)) return null;
  const finished = new Date(load.finishedAt);
  return Number.isNaN(finished.getTime()) ? null : new Date(finished.getTime() + days * 86_400_000);
}

function csvField(value: string | number | null): string {
  const cell = value === null ? '' : String(value);
  return /[",\r\n]/.test(cell) ? `"${cell.replaceAll('"', '""')}"` : cell;
}

/**
 * The rejected rows as a CSV file a spreadsheet opens. With the file's header (`fileColumns`,
 * loads since 20261209180000): one row per rejected record — its line, its reasons, then its
 * own cells under the file's own column names — so the cells can be fixed and, without the two
 * first columns, uploaded again. Without it (older loads): line, column, value, reason.
 */
export function rejectedRowsCsv(errors: LoadRowError[], fileColumns: string[] | null = null): string {
  if (!fileColumns) {
    const lines = [['line', 'column', 'value', 'reason'].join(',')];
    for (const e of errors) lines.push([e.line, e.column, e.value, e.reason].map(csvField).join(','));
    return `${lines.join('\r\n')}\r\n`;
  }
  const records = new Map<string, { line: number | null; reasons: string[]; cells: string[] | null }>();
  for (const e of errors) {
    const key = e.line === null ? `?${records.size}` : String(e.line);
    const seen = records.get(key) ?? { line: e.line, reasons: [], cells: null };
    seen.reasons.push(e.reason);
    seen.cells ??= e.record ?? null;
    records.set(key, seen);
  }
  const lines = [['line', 'reason', ...fileColumns].map(csvField).join(',')];
  for (const r of records.values()) {
    const cells = Array.from({ length: Math.max(fileColumns.length, r.cells?.length ?? 0) }, (_, i) => r.cells?.[i] ?? '');
    lines.push([r.line, r.reasons.join('; '), ...cells].map(csvField).join(','));
  }
  return `${lines.join('\r\n')}\r\n`;
}

/** `tw.csv` → `tw.rejected.csv`. */
export function rejectedRowsFileName(fileName: string): string {
  const stem = fileName.replace(/\.[^.]*$/, '') || 'load';
  return `${stem}.rejected.csv`;
}

/** The mapping with one canonical column pointed at another header (null: leave the column out). */
export function withColumnHeader(mapping: SavedMapping, column: string, header: string | null): SavedMapping {
  const columns: Record<string, string | null> = {};
  // A header feeds one column: whoever had it before lets go of it.
  for (const [name, current] of Object.entries(mapping.columns)) columns[name] = header !== null && current === header ? null : current;
  columns[column] = header;
  const constants = { ...mapping.constants };
  delete constants[column];
  return { columns, constants };
}

/**
 * How far a load is, 0…1, from the rows the server has read and the size of the rows the
 * preview saw: the server counts rows, the browser knows the file's bytes. Null when
 * there is nothing to estimate from.
 */
export function estimatedFraction(rowsRead: number, bytesPerRow: number | null, fileBytes: number): number | null {
  if (!bytesPerRow || bytesPerRow <= 0 || fileBytes <= 0) return null;
  return Math.min(0.99, Math.max(0, (rowsRead * bytesPerRow) / fileBytes));
}

/** Average bytes per line of a file's first bytes, to turn the server's row count into a share of the file. */
export function averageLineBytes(start: Uint8Array): number | null {
  let lines = 0;
  for (const byte of start) if (byte === 0x0a) lines += 1;
  return lines < 2 ? null : start.length / lines;
}

/** Hands a text to the browser as a downloaded file. */
export function downloadText(fileName: string, content: string, type = 'text/csv;charset=utf-8'): void {
  downloadBlob(fileName, new Blob([content], { type }));
}

/** Hands bytes to the browser as a downloaded file. */
export function downloadBlob(fileName: string, blob: Blob): void {
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** Who may upload, roll back, re-apply and cancel loads (the ETL function's and RPCs' rule). */
export const uploaderRoles: readonly MemberRole[] = ['media_buyer', 'admin'];

export function canUpload(role: MemberRole | undefined): boolean {
  return role !== undefined && uploaderRoles.includes(role);
}
