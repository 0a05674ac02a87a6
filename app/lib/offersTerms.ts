/** What a person types into the terms form, as typed. */
export interface TermsDraft {
  /** A datetime-local value, "2026-12-01T00:00", in the device's time zone. */
  validFrom: string;
  /** GEO codes separated by commas or spaces; empty: every GEO. */
  geos: string;
  rate: string;
  currency: string;
  kpiPolicyId: string;
  capPolicyId: string;
  landingType: string;
  approach: string;
  notes: string;
  /** Why a version opens in the past (only admins may, over counted events). */
  reason: string;
  /** GEOs paid at a rate of their own (offer_geo). */
  geoRates: GeoRateDraft[];
}

/** One GEO with its own rate, as typed; a blank rate is the version's, a blank currency too. */
export interface GeoRateDraft {
  geo: string;
  rate: string;
  currency: string;
}

/** A GEO's own rate as open_offer_version() takes it; null currency: the version's. */
export interface GeoRate {
  geo: string;
  rate: number;
  currency: string | null;
}

/** What a person types for a new offer besides its first terms. */
export interface OfferDraft {
  code: string;
  name: string;
  product: string;
  programId: string;
}

/** Terms as open_offer_version() and create_offer() take them. */
export interface OfferTerms {
  validFrom: string;
  geos: string[];
  rate: number;
  currency: string;
  kpiPolicyId: string | null;
  capPolicyId: string | null;
  landingType: string | null;
  approach: string | null;
  notes: string | null;
  reason: string | null;
  /** Absent: no GEO has a rate of its own. */
  geoRates?: GeoRate[];
}

export interface NewOffer {
  code: string;
  name: string;
  product: string | null;
  programId: string | null;
}

/** Field → i18n key of what is wrong with it. */
export type Problems = Record<string, string>;

const pad = (n: number) => String(n).padStart(2, '0');

/** A moment as a datetime-local value in the device's time zone, to the minute. */
export function toLocalInput(moment: Date): string {
  return `${moment.getFullYear()}-${pad(moment.getMonth() + 1)}-${pad(moment.getDate())}T${pad(moment.getHours())}:${pad(moment.getMinutes())}`;
}

/**
 * Terms whose start was left as the form offered it ("now", to the minute) start at the
 * moment they are sent: the edit is in force at once, and no event that arrived while the
 * form was open falls before it (which would make it a change in the past).
 */
export function startingNow(terms: OfferTerms, typed: string, offered: string, now: Date = new Date()): OfferTerms {
  return typed === offered ? { ...terms, validFrom: now.toISOString() } : terms;
}

export function emptyTerms(validFrom: Date, currency = 'USD'): TermsDraft {
  return { validFrom: toLocalInput(validFrom), geos: '', rate: '', currency, kpiPolicyId: '', capPolicyId: '', landingType: '', approach: '', notes: '', reason: '', geoRates: [] };
}

export function parseGeos(text: string): string[] | null {
  const codes = text.toUpperCase().split(/[\s,;]+/).filter(Boolean);
  return codes.every((c) => /^[A-Z]{2}$/.test(c)) ? [...new Set(codes)].sort() : null;
}

const optional = (value: string) => (value.trim() === '' ? null : value.trim());

/** A rate as typed ("12,5" too) in the form numeric(18, 4) keeps, or null. */
function readRate(typed: string): number | null {
  const text = typed.trim().replace(',', '.');
  return /^\d{1,14}(\.\d{1,4})?$/.test(text) ? Number(text) : null;
}

/**
 * The GEOs with a rate of their own; rows left wholly blank are dropped, a blank rate is the
 * version's (`versionRate`, null while that is wrong). Problems are keyed geoRates.N.field.
 */
export function readGeoRates(rows: GeoRateDraft[], versionRate: number | null): { geoRates: GeoRate[]; problems: Problems } {
  const problems: Problems = {};
  const geoRates: GeoRate[] = [];
  const seen = new Set<string>();
  rows.forEach((row, i) => {
    if (row.geo.trim() === '' && row.rate.trim() === '' && row.currency.trim() === '') return;
    const geo = row.geo.trim().toUpperCase();
    if (!/^[A-Z]{2}$/.test(geo)) problems[`geoRates.${i}.geo`] = 'offers.form.invalid.geoRateGeo';
    else if (seen.has(geo)) problems[`geoRates.${i}.geo`] = 'offers.form.invalid.geoRateTwice';
    seen.add(geo);
    const rate = row.rate.trim() === '' ? versionRate : readRate(row.rate);
    if (rate === null && row.rate.trim() !== '') problems[`geoRates.${i}.rate`] = 'offers.form.invalid.rate';
    const currency = row.currency.trim().toUpperCase();
    if (currency !== '' && !/^[A-Z]{3}$/.test(currency)) problems[`geoRates.${i}.currency`] = 'offers.form.invalid.currency';
    if (rate !== null) geoRates.push({ geo, rate, currency: currency === '' ? null : currency });
  });
  return { geoRates, problems };
}

/** The terms, or what to fix in the form. */
export function readTerms(draft: TermsDraft): { terms: OfferTerms } | { problems: Problems } {
  const problems: Problems = {};
  const validFrom = new Date(draft.validFrom);
  if (draft.validFrom === '' || Number.isNaN(validFrom.getTime())) problems.validFrom = 'offers.form.invalid.validFrom';
  const geos = parseGeos(draft.geos);
  if (!geos) problems.geos = 'offers.form.invalid.geos';
  const rate = readRate(draft.rate);
  if (rate === null) problems.rate = 'offers.form.invalid.rate';
  const own = readGeoRates(draft.geoRates, rate);
  Object.assign(problems, own.problems);
  const currency = draft.currency.trim().toUpperCase();
  if (!/^[A-Z]{3}$/.test(currency)) problems.currency = 'offers.form.invalid.currency';
  if (draft.landingType.trim().length > 64) problems.landingType = 'offers.form.invalid.landingType';
  if (draft.approach.trim().length > 500) problems.approach = 'offers.form.invalid.approach';
  if (Object.keys(problems).length > 0 || !geos || rate === null) return { problems };
  return {
    terms: {
      validFrom: validFrom.toISOString(),
      geos,
      rate,
      currency,
      kpiPolicyId: optional(draft.kpiPolicyId),
      capPolicyId: optional(draft.capPolicyId),
      landingType: optional(draft.landingType),
      approach: optional(draft.approach),
      notes: optional(draft.notes),
      reason: optional(draft.reason),
      ...(own.geoRates.length > 0 ? { geoRates: own.geoRates } : {}),
    },
  };
}

/** The offer's own fields, or what to fix. */
export function readOffer(draft: OfferDraft): { offer: NewOffer } | { problems: Problems } {
  const problems: Problems = {};
  const code = draft.code.trim();
  if (code === '' || code.length > 64) problems.code = 'offers.form.invalid.code';
  const name = draft.name.trim();
  if (name === '' || name.length > 200) problems.name = 'offers.form.invalid.name';
  if (draft.product.trim().length > 200) problems.product = 'offers.form.invalid.product';
  if (Object.keys(problems).length > 0) return { problems };
  return { offer: { code, name, product: optional(draft.product), programId: optional(draft.programId) } };
}

/** Whether a version from this moment reaches into the past, where the reason may be asked for. */
export function startsInPast(validFrom: string, now: Date = new Date()): boolean {
  const moment = new Date(validFrom);
  return !Number.isNaN(moment.getTime()) && moment.getTime() < now.getTime();
}
