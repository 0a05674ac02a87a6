import type { Locale, MemberRole } from './dataApi.ts';
import { describeError, RequestError, type UserMessage } from './errors.ts';

export const offerStatuses = ['active', 'paused', 'archived'] as const;
export type OfferStatus = (typeof offerStatuses)[number];

/** Who changes offers, their terms and mappings (the policies say the same). */
export const offerWriterRoles: readonly MemberRole[] = ['affiliate_manager', 'admin'];

export function canWriteOffers(role: MemberRole | undefined): boolean {
  return role !== undefined && offerWriterRoles.includes(role);
}

/** The terms an offer's row shows: valid now, else the next, else the last (offer_list()). */
export interface TermsOutline {
  versionId: string;
  validFrom: string;
  validTo: string | null;
  /** Empty: every GEO. */
  geos: string[];
  /** GEOs with a rate of their own. */
  rateGeos: string[];
  rate: number;
  currency: string;
  landingType: string | null;
  live: boolean;
}

/** One offer of the registry as the list shows it. */
export interface OfferRow {
  id: string;
  code: string;
  name: string;
  product: string | null;
  status: OfferStatus;
  programId: string | null;
  programName: string | null;
  terms: TermsOutline | null;
  versions: number;
  activeMappings: number;
}

export interface OfferFilters {
  search: string;
  geo: string | null;
  status: OfferStatus | null;
  programId: string | null;
}

export const noFilters: OfferFilters = { search: '', geo: null, status: null, programId: null };

/** Whether the offer pays for a GEO: its terms name it, give it a rate, or cover every GEO. */
function paysFor(row: OfferRow, geo: string): boolean {
  const terms = row.terms;
  return terms !== null && (terms.geos.length === 0 || terms.geos.includes(geo) || terms.rateGeos.includes(geo));
}

function searchable(row: OfferRow): string {
  return [row.code, row.name, row.product ?? '', row.programName ?? '', ...(row.terms?.geos ?? []), ...(row.terms?.rateGeos ?? [])].join(' ').toLowerCase();
}

/** The rows the filters keep; every word searched for must appear in the code, name, product, program or GEOs. */
export function filterOffers(rows: OfferRow[], filters: OfferFilters): OfferRow[] {
  const words = filters.search.toLowerCase().split(/\s+/).filter(Boolean);
  return rows.filter(
    (row) =>
      (filters.status === null || row.status === filters.status) &&
      (filters.programId === null || row.programId === filters.programId) &&
      (filters.geo === null || paysFor(row, filters.geo)) &&
      (words.length === 0 || words.every((word) => searchable(row).includes(word))),
  );
}

/** The GEOs the registry names, for the GEO filter. */
export function geoOptions(rows: OfferRow[]): string[] {
  return [...new Set(rows.flatMap((r) => [...(r.terms?.geos ?? []), ...(r.terms?.rateGeos ?? [])]))].sort();
}

/** What failed in an offer's request, in the words of the screen where it can be fixed. */
export function describeOfferError(error: unknown): UserMessage {
  if (!(error instanceof RequestError)) return describeError(error);
  const { code, message } = error;
  const clash = /overlap version \S+ of offer .+ \(valid from (.+?) to (.+)\)$/.exec(message);
  if (code === '23P01' && clash) return clash[2] === 'open end' ? { key: 'offers.errors.clashOpen', values: { from: clash[1] ?? '' } } : { key: 'offers.errors.clash', values: { from: clash[1] ?? '', to: clash[2] ?? '' } };
  const counted = /^(\d+) TrafficWave events since (.+?) were counted/.exec(message);
  if (code === '42501' && counted) return { key: 'offers.errors.backdateAdminOnly', values: { count: Number(counted[1]), since: counted[2] ?? '' } };
  const reason = /^Say why .*: (\d+) TrafficWave events since (.+?) were counted/.exec(message);
  if (reason) return { key: 'offers.errors.backdateReason', values: { count: Number(reason[1]), since: reason[2] ?? '' } };
  const inactive = /^Offer .+ is (paused|archived): make it active/.exec(message);
  if (inactive) return { key: 'offers.errors.inactive' };
  const duplicate = /^An offer with code (.+) already exists/.exec(message);
  if (code === '23505' && duplicate) return { key: 'offers.errors.duplicateCode', values: { code: duplicate[1] ?? '' } };
  if (code === '23505' && /offer_mapping_active_idx/.test(message)) return { key: 'offers.errors.alreadyMapped' };
  // .single() found no row: the offer was deleted, or belongs to a workspace the person left.
  if (code === 'PGRST116') return { key: 'offers.errors.notFound' };
  return describeError(error);
}

/** Whether the server wants a reason for backdating (the form then asks for it). */
export function needsBackdateReason(message: UserMessage): boolean {
  return message.key === 'offers.errors.backdateReason';
}

/** A rate in its currency, to the 4 decimals terms keep: "12,5 $" / "$12.50". */
export function formatRate(rate: number, currency: string, language: Locale): string {
  try {
    return new Intl.NumberFormat(language, { style: 'currency', currency, minimumFractionDigits: 2, maximumFractionDigits: 4 }).format(rate);
  } catch {
    return `${rate} ${currency}`;
  }
}

/** A moment of the terms with its year, which versions span: "1 дек. 2026 г., 00:00" / "Dec 1, 2026, 12:00 AM". */
export function formatTermsMoment(iso: string, language: Locale, timeZone: string): string {
  const moment = new Date(iso);
  if (Number.isNaN(moment.getTime())) return iso;
  return new Intl.DateTimeFormat(language, { timeZone, year: 'numeric', month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' }).format(moment);
}

/** Whether terms valid [validFrom, validTo) apply at `now`. */
export function isLive(version: { validFrom: string; validTo: string | null }, now: Date = new Date()): boolean {
  const t = now.getTime();
  return new Date(version.validFrom).getTime() <= t && (version.validTo === null || new Date(version.validTo).getTime() > t);
}

/** The version a card shows as the offer's terms, chosen as offer_list() does: valid now, else the next, else the last. */
export function currentVersion<V extends { validFrom: string; validTo: string | null }>(versions: V[], now: Date = new Date()): V | null {
  const live = versions.find((v) => isLive(v, now));
  if (live) return live;
  const upcoming = versions.filter((v) => new Date(v.validFrom).getTime() > now.getTime()).sort((a, b) => a.validFrom.localeCompare(b.validFrom))[0];
  return upcoming ?? [...versions].sort((a, b) => b.validFrom.localeCompare(a.validFrom))[0] ?? null;
}

/** Field changes made together (one row's insert or update): one moment, one person, one offer or version. */
export interface ChangeGroup<C> {
  key: string;
  changedAt: string;
  changedBy: string | null;
  versionId: string | null;
  /** The offer or version was created (its code or start was set from nothing), not changed. */
  created: boolean;
  changes: C[];
}

/** The history's field changes grouped as they were made, newest first. */
export function changeGroups<C extends { changedAt: string; changedBy: string | null; versionId: string | null; field: string; oldValue: string | null }>(changes: C[]): ChangeGroup<C>[] {
  const groups = new Map<string, ChangeGroup<C>>();
  for (const change of changes) {
    const key = `${change.changedAt}|${change.versionId ?? ''}|${change.changedBy ?? ''}`;
    const group = groups.get(key) ?? { key, changedAt: change.changedAt, changedBy: change.changedBy, versionId: change.versionId, created: false, changes: [] };
    group.changes.push(change);
    // Never-null columns: set from nothing only when the row is inserted.
    group.created ||= (change.field === 'code' || change.field === 'valid_from') && change.oldValue === null;
    groups.set(key, group);
  }
  return [...groups.values()].reverse();
}

const isoMomentPattern = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?([+-]\d{2}(:?\d{2})?|Z)$/;

/** A logged value as people read it: moments formatted, JSON arrays as lists, nothing as a dash. */
export function historyValue(value: string | null, formatMoment: (iso: string) => string): string {
  if (value === null || value === '') return '—';
  if (isoMomentPattern.test(value)) return formatMoment(value);
  if (value.startsWith('[')) {
    try {
      const list: unknown = JSON.parse(value);
      if (Array.isArray(list)) return list.length ? list.join(', ') : '—';
    } catch {
      return value;
    }
  }
  return value;
}

/** The last `days` calendar days up to `today` (YYYY-MM-DD), as a range of days. */
export function lastDays(days: number, today: string): { from: string; to: string } {
  const end = Date.parse(`${today}T00:00:00Z`);
  return { from: new Date(end - (days - 1) * 86_400_000).toISOString().slice(0, 10), to: today };
}
