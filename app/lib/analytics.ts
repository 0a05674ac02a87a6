import { addDays, endOfMonth, format, parseISO, startOfMonth, subMonths } from 'date-fns';
import { array, bool, decimal, nullable, object, text, type Reader } from './guards.ts';
import type { DayRange } from './summary.ts';

/** What the metrics RPC can group and filter by, as it names them. */
export const dimensions = ['date', 'campaign', 'offer', 'geo', 'source', 'network_campaign', 'creative'] as const;
export type Dimension = (typeof dimensions)[number];
/** Date is a grouping, not a filter (the range filters it). */
export const filterDimensions = dimensions.filter((d): d is Exclude<Dimension, 'date'> => d !== 'date');
export type FilterDimension = (typeof filterDimensions)[number];

export type MetricKind = 'count' | 'money' | 'ratio';

/** Every metric of the RPC and how it is written: counts, money in the base currency, fractions as percentages. */
export const metricKinds = {
  spend: 'money',
  impressions: 'count',
  ad_clicks: 'count',
  installs: 'count',
  clicks: 'count',
  unique_clicks: 'count',
  registrations: 'count',
  ftds: 'count',
  deposits: 'count',
  deposits_amount: 'money',
  revenue: 'money',
  chargebacks: 'count',
  chargeback_amount: 'money',
  profit: 'money',
  roi: 'ratio',
  ctr: 'ratio',
  cr_click_reg: 'ratio',
  cr_reg_ftd: 'ratio',
  cpi: 'money',
  cpa: 'money',
  cost_per_ftd: 'money',
  epc: 'money',
  arpu: 'money',
  other_currency_rows: 'count',
} as const satisfies Record<string, MetricKind>;
export type Metric = keyof typeof metricKinds;
export const metrics = Object.keys(metricKinds) as Metric[];

export const defaultColumns: Metric[] = ['spend', 'clicks', 'registrations', 'ftds', 'revenue', 'profit', 'roi'];

/** The RPC's column of a dimension's value. */
const dimensionColumn: Record<Dimension, string> = {
  date: 'date',
  campaign: 'campaign_id',
  offer: 'offer_id',
  geo: 'geo',
  source: 'source',
  network_campaign: 'network_campaign_id',
  creative: 'creative_id',
};

/** One row of the table: the values of the grouped dimensions (null: facts without one) and every metric. */
export interface AnalyticsRow {
  dims: Partial<Record<Dimension, string | null>>;
  values: Record<Metric, number | null>;
}

export interface AnalyticsTable {
  total: AnalyticsRow;
  rows: AnalyticsRow[];
}

/** Metrics that divide by something, null when the divisor is 0. */
const quotients = new Set<Metric>(['roi', 'ctr', 'cr_click_reg', 'cr_reg_ftd', 'cpi', 'cpa', 'cost_per_ftd', 'epc', 'arpu']);

const readRpcRow = object({
  is_total: bool,
  ...Object.fromEntries(Object.values(dimensionColumn).map((column) => [column, nullable(text)])),
  ...Object.fromEntries(metrics.map((m) => [m, quotients.has(m) ? nullable(decimal) : decimal])),
}) as Reader<Record<string, unknown> & { is_total: boolean }>;

/** Reads the metrics RPC's answer (totals row first) into the table, validating every field. */
export const readAnalyticsTable: Reader<AnalyticsTable> = (value, path) => {
  const read = array(readRpcRow)(value, path);
  const toRow = (r: Record<string, unknown>): AnalyticsRow => ({
    dims: Object.fromEntries(dimensions.map((d) => [d, (r[dimensionColumn[d]] as string | null) ?? null])),
    values: Object.fromEntries(metrics.map((m) => [m, r[m] as number | null])) as Record<Metric, number | null>,
  });
  const total = read.find((r) => r.is_total);
  return { total: total ? toRow(total) : emptyRow(), rows: read.filter((r) => !r.is_total).map(toRow) };
};

function emptyRow(): AnalyticsRow {
  return { dims: {}, values: Object.fromEntries(metrics.map((m) => [m, quotients.has(m) ? null : 0])) as Record<Metric, number | null> };
}

export const rangePresets = ['today', 'yesterday', 'last7', 'last30', 'thisMonth', 'lastMonth'] as const;
export type RangePreset = (typeof rangePresets)[number];

/** A date range: one of the presets (moves with the calendar) or fixed days. */
export type RangeChoice = { preset: RangePreset } | { from: string; to: string };

const iso = (day: Date) => format(day, 'yyyy-MM-dd');

/** The days of a range choice, counted from the person's `today` (YYYY-MM-DD). */
export function resolveRange(choice: RangeChoice, today: string): DayRange {
  if (!('preset' in choice)) return choice.from <= choice.to ? { from: choice.from, to: choice.to } : { from: choice.to, to: choice.from };
  const day = parseISO(today);
  switch (choice.preset) {
    case 'today':
      return { from: today, to: today };
    case 'yesterday':
      return { from: iso(addDays(day, -1)), to: iso(addDays(day, -1)) };
    case 'last7':
      return { from: iso(addDays(day, -6)), to: today };
    case 'last30':
      return { from: iso(addDays(day, -29)), to: today };
    case 'thisMonth':
      return { from: iso(startOfMonth(day)), to: today };
    case 'lastMonth': {
      const previous = subMonths(day, 1);
      return { from: iso(startOfMonth(previous)), to: iso(endOfMonth(previous)) };
    }
  }
}

export type SortOrder = { key: Dimension | Metric; direction: 'asc' | 'desc' };

/** What the screen shows: kept in presets and exported with the data. */
export interface AnalyticsSelection {
  range: RangeChoice;
  groupBy: Dimension[];
  columns: Metric[];
  filters: Partial<Record<FilterDimension, string[]>>;
  sort: SortOrder | null;
}

export const defaultSelection: AnalyticsSelection = {
  range: { preset: 'last7' },
  groupBy: ['offer'],
  columns: defaultColumns,
  filters: {},
  sort: { key: 'profit', direction: 'desc' },
};

export function isDimension(key: string): key is Dimension {
  return (dimensions as readonly string[]).includes(key);
}

/**
 * Rows in the order of `sort`. Empty values (no offer, a ratio without a divisor) go last
 * whichever the direction, so flipping the order shows the other end of the real numbers.
 */
export function sortRows(rows: AnalyticsRow[], sort: SortOrder | null): AnalyticsRow[] {
  if (!sort) return rows;
  const { key, direction } = sort;
  const valueOf = (row: AnalyticsRow) => (isDimension(key) ? (row.dims[key] ?? null) : row.values[key]);
  const sign = direction === 'asc' ? 1 : -1;
  return [...rows].sort((a, b) => {
    const x = valueOf(a);
    const y = valueOf(b);
    if (x === null || y === null) return x === y ? 0 : x === null ? 1 : -1;
    if (typeof x === 'number' && typeof y === 'number') return (x - y) * sign;
    return String(x).localeCompare(String(y), undefined, { numeric: true }) * sign;
  });
}

/**
 * The order after the grouping changes from `before` to `after`. Rows grouped by date first
 * read as a time series, so when date comes to lead they go in date order (#16: "grouping by
 * date sorts by profit"); when it stops leading, a date order gives way to the default. Any
 * other order the person chose stays.
 */
export function sortForGrouping(before: Dimension[], after: Dimension[], sort: SortOrder | null): SortOrder | null {
  if (after[0] === 'date' && before[0] !== 'date') return { key: 'date', direction: 'asc' };
  if (after[0] !== 'date' && sort?.key === 'date') return defaultSelection.sort;
  return sort;
}

/** A header click: a new column sorts descending (numbers) or ascending (names); the same one flips. */
export function nextSort(current: SortOrder | null, key: Dimension | Metric): SortOrder {
  if (current?.key === key) return { key, direction: current.direction === 'asc' ? 'desc' : 'asc' };
  return { key, direction: isDimension(key) ? 'asc' : 'desc' };
}

/** Adds a choice at the end of an ordered list, or takes it out. */
export function toggleOrdered<T>(list: T[], item: T): T[] {
  return list.includes(item) ? list.filter((x) => x !== item) : [...list, item];
}

/** Moves an item of an ordered list one place earlier (-1) or later (+1). */
export function moveOrdered<T>(list: T[], item: T, step: -1 | 1): T[] {
  const from = list.indexOf(item);
  const to = from + step;
  if (from < 0 || to < 0 || to >= list.length) return list;
  const moved = [...list];
  moved.splice(from, 1);
  moved.splice(to, 0, item);
  return moved;
}

/** The filters as the RPC takes them: only dimensions with values chosen. */
export function rpcFilters(filters: AnalyticsSelection['filters']): Record<string, string[]> {
  return Object.fromEntries(Object.entries(filters).filter(([, values]) => values && values.length > 0)) as Record<string, string[]>;
}
