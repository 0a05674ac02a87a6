import type { MemberRole } from './dataApi.ts';
import { canUpload } from './uploads.ts';

export const alertKinds = ['cap', 'cap_reached', 'cap_forecast', 'payout_due', 'load_failed', 'data_stale'] as const;
export type AlertKind = (typeof alertKinds)[number];
export const alertSeverities = ['info', 'warning', 'critical'] as const;
export type AlertSeverity = (typeof alertSeverities)[number];
export const alertSubjects = ['offer', 'program', 'load', 'source'] as const;
export type AlertSubject = (typeof alertSubjects)[number];
export const alertStatuses = ['firing', 'resolved'] as const;
export type AlertStatus = (typeof alertStatuses)[number];

/** A row of `public.alerts` (migration 20261208130000_alerts). */
export interface Alert {
  id: string;
  kind: AlertKind;
  severity: AlertSeverity;
  subjectType: AlertSubject;
  subjectId: string;
  /** The program's id for alerts that belong together (several offers of one program). */
  groupKey: string | null;
  /** The values the message is worded from; what each kind carries is read by `alertMessage`. */
  params: Record<string, unknown>;
  status: AlertStatus;
  firedAt: string;
  resolvedAt: string | null;
  acknowledgedAt: string | null;
  acknowledgedBy: string | null;
}

/** How the person's language writes the values of a message. */
export interface AlertFormat {
  moment(iso: string): string;
  day(isoDate: string): string;
  count(value: number): string;
  /** A fraction (0.85) as a percentage. */
  percent(fraction: number): string;
  /** A source of data by its name (tw_events → "TrafficWave conversions"). */
  source(name: string): string;
}

/** What a card says: i18n keys under `alerts.kinds.<kind>` and their values. */
export interface AlertMessage {
  title: string;
  detail: string | null;
  values: Record<string, string>;
}

const textParam = (params: Record<string, unknown>, name: string): string | null => {
  const value = params[name];
  return typeof value === 'string' && value.trim() !== '' ? value : typeof value === 'number' ? String(value) : null;
};

const numberParam = (params: Record<string, unknown>, name: string): number | null => {
  const value = params[name];
  const parsed = typeof value === 'string' && /^-?\d+(\.\d+)?$/.test(value) ? Number(value) : value;
  return typeof parsed === 'number' && Number.isFinite(parsed) ? parsed : null;
};

/**
 * A cap's share as a fraction: the cap model may send 85 (percent) or 0.85; anything above 2
 * is taken as percent, as no cap is used 200 % over.
 */
const fraction = (value: number) => (value > 2 ? value / 100 : value);

type Wording = (params: Record<string, unknown>, alert: Alert, format: AlertFormat) => AlertMessage;

/**
 * Every kind's wording in one place: which text, and which values from its params. A text
 * variant without a value is chosen when the value is missing, so a card never shows a blank.
 */
const wordings: Record<AlertKind, Wording> = {
  load_failed: (p, _alert, f) => {
    const error = textParam(p, 'error');
    const source = textParam(p, 'source');
    return {
      title: 'title',
      detail: error ? 'detail' : 'noError',
      values: { file: textParam(p, 'file_name') ?? '—', error: error ?? '', source: source ? f.source(source) : '—' },
    };
  },
  data_stale: (p, alert, f) => {
    const source = textParam(p, 'source') ?? alert.subjectId;
    const since = textParam(p, 'last_load_at');
    const hours = numberParam(p, 'hours');
    return {
      title: since ? 'title' : 'titleNoDate',
      detail: hours === null ? null : 'detail',
      values: { source: f.source(source), since: since ? f.moment(since) : '', hours: hours === null ? '' : f.count(hours) },
    };
  },
  payout_due: (p, _alert, f) => {
    const date = textParam(p, 'payout_date');
    const from = textParam(p, 'period_start');
    const to = textParam(p, 'period_end');
    const zone = textParam(p, 'time_zone');
    return {
      title: date ? 'title' : 'titleNoDate',
      detail: from && to ? (zone ? 'detail' : 'detailNoZone') : null,
      values: {
        program: textParam(p, 'program') ?? '—',
        date: date ? f.day(date) : '',
        from: from ? f.day(from) : '',
        to: to ? f.day(to) : '',
        zone: (zone ?? '').replace(/_/g, ' '),
      },
    };
  },
  cap: (p, alert, f) => capWording(p, alert, f),
  cap_reached: (p, alert, f) => ({ ...capWording(p, alert, f), title: 'title' }),
  cap_forecast: (p, alert, f) => {
    const eta = textParam(p, 'eta');
    const message = capWording(p, alert, f);
    return { ...message, title: eta ? 'title' : 'titleNoDate', values: { ...message.values, eta: eta ? f.moment(eta) : '' } };
  },
};

function capWording(p: Record<string, unknown>, alert: Alert, f: AlertFormat): AlertMessage {
  const percent = numberParam(p, 'percent');
  const used = numberParam(p, 'used');
  const limit = numberParam(p, 'limit');
  // The period's days in the cap's own zone (its bounds are moments).
  const from = textParam(p, 'first_day');
  const to = textParam(p, 'last_day');
  return {
    title: percent === null ? 'titleNoPercent' : 'title',
    detail: used !== null && limit !== null ? (from && to ? 'detail' : 'detailNoPeriod') : null,
    values: {
      offer: textParam(p, 'offer') ?? alert.subjectId,
      percent: percent === null ? '' : f.percent(fraction(percent)),
      used: used === null ? '' : f.count(used),
      limit: limit === null ? '' : f.count(limit),
      from: from ? f.day(from) : '',
      to: to ? f.day(to) : '',
    },
  };
}

/** What the card of an alert says, as i18n keys (`alerts.kinds.<kind>.<text>`) and values. */
export function alertMessage(alert: Alert, format: AlertFormat): AlertMessage {
  const message = wordings[alert.kind](alert.params, alert, format);
  const prefix = `alerts.kinds.${alert.kind}.`;
  return { title: prefix + message.title, detail: message.detail === null ? null : prefix + message.detail, values: message.values };
}

/**
 * Where tapping an alert leads: the load, the program or the offer it is about; for stale data
 * the upload screen (the load history for those who do not upload).
 */
export function alertLink(alert: Pick<Alert, 'subjectType' | 'subjectId'>, role: MemberRole | undefined): string {
  const id = encodeURIComponent(alert.subjectId);
  switch (alert.subjectType) {
    case 'load':
      return `/app/loads/${id}`;
    case 'program':
      return `/app/programs/${id}`;
    case 'offer':
      // A cap counted per GEO is about "<offer>/<GEO>": the offer's page.
      return `/app/offers/${encodeURIComponent(alert.subjectId.split('/')[0] ?? '')}`;
    case 'source':
      return canUpload(role) ? '/app/upload' : '/app/loads';
  }
}

/** Every role but read_only acknowledges (acknowledge_alert()). */
export function canAcknowledge(role: MemberRole | undefined): boolean {
  return role !== undefined && role !== 'read_only';
}

/** Firing and not yet acknowledged: what the bell counts. */
export const needsAttention = (alert: Alert) => alert.status === 'firing' && alert.acknowledgedAt === null;

const severityRank: Record<AlertSeverity, number> = { critical: 0, warning: 1, info: 2 };

/** Firing alerts first, the most severe and then the newest first; then resolved ones, the latest resolved first. */
export function compareAlerts(a: Alert, b: Alert): number {
  if (a.status !== b.status) return a.status === 'firing' ? -1 : 1;
  if (a.status === 'firing') return severityRank[a.severity] - severityRank[b.severity] || b.firedAt.localeCompare(a.firedAt) || a.id.localeCompare(b.id);
  return (b.resolvedAt ?? '').localeCompare(a.resolvedAt ?? '') || a.id.localeCompare(b.id);
}

/** One alert on its own, or several of one group (same group key, same status) shown together. */
export type AlertEntry = { type: 'single'; alert: Alert } | { type: 'group'; groupKey: string; alerts: Alert[] };

/**
 * The list as the alert centre shows it, sorted by `compareAlerts`. Alerts of one group and
 * status come together at the place of the group's first one; a group of one stays single.
 */
export function arrangeAlerts(alerts: Alert[]): AlertEntry[] {
  const sorted = [...alerts].sort(compareAlerts);
  const groups = new Map<string, Alert[]>();
  for (const alert of sorted) {
    if (alert.groupKey === null) continue;
    const key = `${alert.status}:${alert.groupKey}`;
    groups.set(key, [...(groups.get(key) ?? []), alert]);
  }
  const entries: AlertEntry[] = [];
  const placed = new Set<string>();
  for (const alert of sorted) {
    const members = alert.groupKey === null ? undefined : groups.get(`${alert.status}:${alert.groupKey}`);
    if (!members || members.length < 2 || alert.groupKey === null) {
      entries.push({ type: 'single', alert });
      continue;
    }
    const key = `${alert.status}:${alert.groupKey}`;
    if (placed.has(key)) continue;
    placed.add(key);
    entries.push({ type: 'group', groupKey: alert.groupKey, alerts: members });
  }
  return entries;
}

/** The name a group is shown under: the program named in its alerts' params, else the one looked up. */
export function groupName(alerts: Alert[], programNames: Record<string, string>): string | null {
  for (const alert of alerts) {
    const named = textParam(alert.params, 'program');
    if (named) return named;
  }
  const key = alerts[0]?.groupKey;
  return (key && programNames[key]) || null;
}

/** How far back resolved alerts are listed. */
export const resolvedWindowDays = 7;
