import { metricKinds, type AnalyticsRow, type AnalyticsSelection, type AnalyticsTable, type Dimension, type Metric, type MetricKind } from './analytics.ts';
import type { DayRange } from './summary.ts';

export type CellValue = string | number | null;

/** The exported table: dimension columns then the chosen metrics, the rows in screen order, the totals row last. */
export interface ExportSheet {
  header: string[];
  /** Per column: a dimension's text or how a metric is written. */
  kinds: ('text' | MetricKind)[];
  rows: CellValue[][];
  total: CellValue[];
}

export interface ExportLabels {
  dimension(d: Dimension): string;
  metric(m: Metric): string;
  total: string;
  /** Shown for facts without a value of a dimension (spend has no offer). */
  none: string;
}

export function exportSheet(table: AnalyticsTable, rows: AnalyticsRow[], selection: Pick<AnalyticsSelection, 'groupBy' | 'columns'>, labels: ExportLabels): ExportSheet {
  const { groupBy, columns } = selection;
  const dimensionCells = (row: AnalyticsRow) => groupBy.map((d) => row.dims[d] ?? labels.none);
  const metricCells = (row: AnalyticsRow) => columns.map((m) => row.values[m]);
  const totalLead = groupBy.length > 0 ? [labels.total, ...groupBy.slice(1).map(() => '')] : [];
  return {
    header: [...groupBy.map(labels.dimension), ...columns.map(labels.metric)],
    kinds: [...groupBy.map(() => 'text' as const), ...columns.map((m) => metricKinds[m])],
    rows: rows.map((row) => [...dimensionCells(row), ...metricCells(row)]),
    total: [...totalLead, ...metricCells(table.total)],
  };
}

function csvField(value: CellValue): string {
  if (value === null) return '';
  if (typeof value === 'number') return String(value);
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

/**
 * RFC 4180 CSV with a byte-order mark, so Excel opens the Cyrillic right. Numbers are plain
 * (dot decimals, ratios as fractions) so spreadsheets read them as numbers.
 */
export function buildCsv(sheet: ExportSheet): string {
  const lines = [sheet.header, ...sheet.rows, sheet.total].map((cells) => cells.map(csvField).join(','));
  return `\ufeff${lines.join('\r\n')}\r\n`;
}

/** The selection and its rows as JSON, keyed by the RPC's names: for scripts rather than people. */
export function buildJson(table: AnalyticsTable, rows: AnalyticsRow[], selection: AnalyticsSelection, range: DayRange): string {
  const pick = (row: AnalyticsRow) => ({
    ...Object.fromEntries(selection.groupBy.map((d) => [d, row.dims[d] ?? null])),
    ...Object.fromEntries(selection.columns.map((m) => [m, row.values[m]])),
  });
  return JSON.stringify({ range, groupBy: selection.groupBy, filters: selection.filters, columns: selection.columns, rows: rows.map(pick), total: pick(table.total) }, null, 2);
}

/** A file name for the export: `analytics_2026-11-01_2026-11-07.csv`. */
export function exportFileName(range: DayRange, extension: string): string {
  return `analytics_${range.from}_${range.to}.${extension}`;
}

/** Hands a file to the browser as a download. */
export function saveFile(content: Blob, fileName: string): void {
  const url = URL.createObjectURL(content);
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  document.body.append(link);
  link.click();
  link.remove();
  // The download has started by the time the click returns in every browser but old Safari.
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
