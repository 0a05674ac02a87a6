import { format, isValid, parseISO, subDays } from 'date-fns';
import { enUS, ru } from 'date-fns/locale';
import type { Locale, MemberRole } from './dataApi.ts';
import { describeError, RequestError, type UserMessage } from './errors.ts';
import type { CellValue, ExportSheet } from './exportTable.ts';

export const capStatuses = ['ok', 'warning', 'critical', 'reached', 'paused'] as const;
export type CapStatus = (typeof capStatuses)[number];
export const capActionKinds = ['raise', 'reset', 'pause', 'resume'] as const;
export type CapActionKind = (typeof capActionKinds)[number];

/** A row of `caps_overview()` (migration 20261208120000_cap_usage): one capped offer, or one GEO of it. */
export interface CapRow {
  offerId: string;
  offerCode: string;
  offerName: string;
  programId: string | null;
  programName: string | null;
  policyName: string;
  /** '' is the whole offer. */
  geo: string;
  metric: string;
  period: string;
  /** The zone whose midnights bound the period: every number of the row counts in it. */
  timeZone: string;
  periodStart: string;
  periodEnd: string | null;
  /** The bounds as wall times of `timeZone` ("2026-12-08T00:00:00"). */
  periodStartLocal: string;
  periodEndLocal: string | null;
  used: number;
  capLimit: number;
  effectiveLimit: number;
  /** 0–100 of the effective limit. */
  percent: number;
  status: CapStatus;
  hard: boolean;
  expectedTotal: number | null;
  runsOutAt: string | null;
  runsOutLocal: string | null;
  /** 0–1. */
  confidence: number;
  spendAtRisk: number | null;
  currency: string;
  isCurrent: boolean;
  asOf: string;
}

/** A row of `cap_actions`: who did what to a cap, when and why. */
export interface CapAction {
  id: number;
  offerId: string;
  geo: string;
  action: CapActionKind;
  reason: string;
  oldLimit: number | null;
  newLimit: number | null;
  actor: string | null;
  at: string;
}

/** Affiliate managers and admins act on caps (cap_action()). */
export function canActOnCaps(role: MemberRole | undefined): boolean {
  return role === 'affiliate_manager' || role === 'admin';
}

/** Warning, critical or reached: what the summary calls caps that need attention. */
export const capNeedsAttention = (row: Pick<CapRow, 'status'>) => row.status === 'warning' || row.status === 'critical' || row.status === 'reached';

const urgency: Record<CapStatus, number> = { reached: 0, critical: 1, warning: 2, paused: 3, ok: 4 };

/** Most urgent first, as caps_overview() sorts: status, then the earliest ETA, then the fullest. */
export function compareCaps(a: CapRow, b: CapRow): number {
  const eta = (row: CapRow) => (row.runsOutAt ? Date.parse(row.runsOutAt) : Number.POSITIVE_INFINITY);
  return urgency[a.status] - urgency[b.status] || eta(a) - eta(b) || b.percent - a.percent || a.offerCode.localeCompare(b.offerCode) || a.geo.localeCompare(b.geo);
}

/** Up to `size` caps needing attention, most urgent first: the summary's block. */
export function attentionCaps(rows: CapRow[], size = 3): CapRow[] {
  return rows.filter(capNeedsAttention).sort(compareCaps).slice(0, size);
}

export interface CapFilter {
  status: CapStatus | null;
  programId: string | null;
  /** Part of the offer's name or code, any case. */
  search: string;
}

export const noCapFilter: CapFilter = { status: null, programId: null, search: '' };

export function filterCaps(rows: CapRow[], filter: CapFilter): CapRow[] {
  const search = filter.search.trim().toLocaleLowerCase();
  return rows.filter(
    (r) =>
      (filter.status === null || r.status === filter.status) &&
      (filter.programId === null || r.programId === filter.programId) &&
      (search === '' || r.offerName.toLocaleLowerCase().includes(search) || r.offerCode.toLocaleLowerCase().includes(search)),
  );
}

/** The programs the rows belong to, by name, for the program filter. */
export function capPrograms(rows: CapRow[]): { id: string; name: string }[] {
  const named = new Map<string, string>();
  for (const r of rows) if (r.programId) named.set(r.programId, r.programName ?? r.programId);
  return [...named].map(([id, name]) => ({ id, name })).sort((a, b) => a.name.localeCompare(b.name));
}

export type Confidence = 'high' | 'medium' | 'low';

/** The forecast's confidence in words: high from 0.7, medium from 0.4. */
export function confidenceWord(confidence: number): Confidence {
  return confidence >= 0.7 ? 'high' : confidence >= 0.4 ? 'medium' : 'low';
}

/** A zone as people read it: "Europe/Moscow", "America/New York". */
export const zoneName = (timeZone: string) => timeZone.replace(/_/g, ' ');

const dateLocales = { ru, en: enUS };

/** A wall time of the cap's zone (no offset: it is read as written) as "15:40", or "9 дек., 15:40" with the day. */
export function formatLocalTime(wallTime: string, language: Locale, withDay: boolean): string {
  const at = parseISO(wallTime);
  if (!isValid(at)) return wallTime;
  return format(at, withDay ? 'd MMM, HH:mm' : 'HH:mm', { locale: dateLocales[language] });
}

/** What the period is, in the cap's zone: an i18n key under `caps.period.` and its values. */
export function periodWording(row: Pick<CapRow, 'period' | 'periodStartLocal' | 'periodEndLocal' | 'timeZone'>, language: Locale): UserMessage {
  const locale = { locale: dateLocales[language] };
  const start = parseISO(row.periodStartLocal);
  const zone = zoneName(row.timeZone);
  if (!isValid(start)) return { key: 'caps.period.unknown', values: { zone } };
  const end = row.periodEndLocal ? parseISO(row.periodEndLocal) : null;
  // The end is exclusive: the period's last day is the one before it.
  const last = end && isValid(end) ? subDays(end, 1) : null;
  const day = (d: Date) => format(d, 'd MMM', locale);
  switch (row.period) {
    case 'day':
      return { key: 'caps.period.day', values: { day: day(start), zone } };
    case 'week':
      return { key: 'caps.period.week', values: { from: day(start), to: last ? day(last) : '…', zone } };
    case 'month':
      return { key: 'caps.period.month', values: { month: format(start, 'LLLL yyyy', locale), zone } };
    default:
      return { key: 'caps.period.lifetime', values: { from: format(start, 'd MMM yyyy', locale), zone } };
  }
}

/** The ETA in the cap's zone, with the day when it falls after the period's first day. */
export function etaText(row: Pick<CapRow, 'runsOutLocal' | 'periodStartLocal' | 'period'>, language: Locale): string | null {
  if (!row.runsOutLocal) return null;
  const sameDay = row.period === 'day' && row.runsOutLocal.slice(0, 10) === row.periodStartLocal.slice(0, 10);
  return formatLocalTime(row.runsOutLocal, language, !sameDay);
}

/** cap_action()'s refusals in the person's language; anything else as every request's errors are. */
export function capActionError(error: unknown): UserMessage {
  if (error instanceof RequestError) {
    if (error.code === '42501') return { key: 'caps.errors.forbidden' };
    if (error.code === 'P0002') return { key: 'caps.errors.notCounted' };
    if (/reason/i.test(error.message)) return { key: 'caps.errors.reason' };
    if (/raise must be above/i.test(error.message)) return { key: 'caps.errors.raiseAbove' };
    if (/not raised/i.test(error.message)) return { key: 'caps.errors.notRaised' };
    if (/already paused/i.test(error.message)) return { key: 'caps.errors.alreadyPaused' };
    if (/already running/i.test(error.message)) return { key: 'caps.errors.alreadyRunning' };
  }
  return describeError(error);
}

/** What the form sends, checked before it goes: a reason always, a whole new limit above the policy's for a raise. */
export function checkCapAction(action: CapActionKind, reason: string, newLimit: string, row: Pick<CapRow, 'capLimit'>): UserMessage | null {
  if (reason.trim() === '') return { key: 'caps.errors.reason' };
  if (action !== 'raise') return null;
  const limit = Number(newLimit.trim());
  if (newLimit.trim() === '' || !Number.isInteger(limit) || limit <= row.capLimit) return { key: 'caps.errors.raiseAbove', values: { limit: row.capLimit } };
  return null;
}

export interface CapExportLabels {
  header: { offer: string; code: string; geo: string; program: string; status: string; used: string; limit: string; percent: string; period: string; zone: string; eta: string; confidence: string; spendAtRisk: string; currency: string };
  status(status: CapStatus): string;
  period(row: CapRow): string;
  confidence(confidence: Confidence): string;
  wholeOffer: string;
  /** The last row: how many caps the file holds. */
  count(n: number): string;
}

/** The monitor's rows as a sheet (lib/exportTable.ts writes it as CSV): times in each cap's zone, numbers plain. */
export function capsSheet(rows: CapRow[], labels: CapExportLabels): ExportSheet {
  const h = labels.header;
  const eta = (r: CapRow): CellValue => (r.runsOutLocal ? r.runsOutLocal.slice(0, 16).replace('T', ' ') : '');
  return {
    header: [h.offer, h.code, h.geo, h.program, h.status, h.used, h.limit, h.percent, h.period, h.zone, h.eta, h.confidence, h.spendAtRisk, h.currency],
    kinds: ['text', 'text', 'text', 'text', 'text', 'count', 'count', 'ratio', 'text', 'text', 'text', 'text', 'money', 'text'],
    rows: rows.map((r) => [
      r.offerName,
      r.offerCode,
      r.geo || labels.wholeOffer,
      r.programName ?? '',
      labels.status(r.status),
      r.used,
      r.effectiveLimit,
      r.percent / 100,
      labels.period(r),
      r.timeZone,
      eta(r),
      r.runsOutLocal ? labels.confidence(confidenceWord(r.confidence)) : '',
      r.spendAtRisk,
      r.spendAtRisk === null ? '' : r.currency,
    ]),
    total: [labels.count(rows.length), '', '', '', '', null, null, null, '', '', '', '', null, ''],
  };
}

/** A file name for the export: `caps_2026-12-08.csv`. */
export const capsFileName = (today: string) => `caps_${today}.csv`;
