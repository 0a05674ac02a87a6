import { describe, expect, it } from 'vitest';
import { RequestError } from '../../app/lib/errors.ts';
import { buildCsv } from '../../app/lib/exportTable.ts';
import {
  canWriteOffers,
  changeGroups,
  currentVersion,
  describeOfferError,
  filterOffers,
  geoOptions,
  historyValue,
  lastDays,
  needsBackdateReason,
  noFilters,
  type OfferRow,
} from '../../app/lib/offers.ts';
import { offersSheet, sortableMoment } from '../../app/lib/offersExport.ts';
import { emptyTerms, parseGeos, readOffer, readTerms, startingNow, startsInPast, toLocalInput, type OfferTerms } from '../../app/lib/offersTerms.ts';

function offer(code: string, extra: Partial<OfferRow> = {}, geos: string[] = [], rateGeos: string[] = []): OfferRow {
  return {
    id: code,
    code,
    name: `${code} name`,
    product: null,
    status: 'active',
    programId: null,
    programName: null,
    terms: { versionId: `${code}-v`, validFrom: '2026-01-01T00:00:00Z', validTo: null, geos, rateGeos, rate: 45, currency: 'USD', landingType: null, live: true },
    versions: 1,
    activeMappings: 0,
    ...extra,
  };
}

const registry = [
  offer('PINUP-RU', { name: 'Pin-Up Casino', programId: 'p1', programName: 'Alpha Partners' }, ['RU']),
  offer('VAVADA-KZ', { status: 'paused', programId: 'p2', programName: 'Beta Net' }, ['KZ'], ['UZ']),
  offer('JOY-ALL', { status: 'archived' }),
  offer('BARE', { terms: null }),
];
const codes = (rows: OfferRow[]) => rows.map((r) => r.code);

describe('filtering the registry', () => {
  it('searches every word in code, name, program and GEOs, case-insensitively', () => {
    expect(codes(filterOffers(registry, { ...noFilters, search: 'casino' }))).toEqual(['PINUP-RU']);
    expect(codes(filterOffers(registry, { ...noFilters, search: 'beta kz' }))).toEqual(['VAVADA-KZ']);
    expect(codes(filterOffers(registry, { ...noFilters, search: 'uz' }))).toEqual(['VAVADA-KZ']);
    expect(codes(filterOffers(registry, { ...noFilters, search: 'alpha kz' }))).toEqual([]);
    expect(codes(filterOffers(registry, { ...noFilters, search: '  ' }))).toHaveLength(4);
  });

  it('keeps offers that pay for a GEO: named, with its own rate, or every GEO; not those without terms', () => {
    expect(codes(filterOffers(registry, { ...noFilters, geo: 'KZ' }))).toEqual(['VAVADA-KZ', 'JOY-ALL']);
    expect(codes(filterOffers(registry, { ...noFilters, geo: 'UZ' }))).toEqual(['VAVADA-KZ', 'JOY-ALL']);
    expect(codes(filterOffers(registry, { ...noFilters, geo: 'RU' }))).toEqual(['PINUP-RU', 'JOY-ALL']);
  });

  it('filters by status and program, together', () => {
    expect(codes(filterOffers(registry, { ...noFilters, status: 'paused' }))).toEqual(['VAVADA-KZ']);
    expect(codes(filterOffers(registry, { ...noFilters, programId: 'p1' }))).toEqual(['PINUP-RU']);
    expect(codes(filterOffers(registry, { ...noFilters, programId: 'p1', status: 'archived' }))).toEqual([]);
  });

  it('offers the GEOs the registry names', () => {
    expect(geoOptions(registry)).toEqual(['KZ', 'RU', 'UZ']);
  });

  it('lets affiliate managers and admins write, nobody else', () => {
    expect(['affiliate_manager', 'admin', 'media_buyer', 'finance', 'read_only', undefined].map((r) => canWriteOffers(r as never))).toEqual([true, true, false, false, false, false]);
  });
});

describe('what the database says, in words a person can act on', () => {
  const refusal = (status: number, code: string, message: string) => new RequestError(status, code, message);

  it('names the period of the clashing version', () => {
    expect(describeOfferError(refusal(409, '23P01', 'These terms overlap version 3f1c0000-0000-4000-8000-000000000001 of offer CLASH (valid from 2026-01-01 00:00:00 UTC to 2026-02-01 00:00:00 UTC)'))).toEqual({
      key: 'offers.errors.clash',
      values: { from: '2026-01-01 00:00:00 UTC', to: '2026-02-01 00:00:00 UTC' },
    });
    expect(describeOfferError(refusal(409, '23P01', 'These terms overlap version 3f1c of offer A (B) (valid from 2026-02-01 00:00:00 UTC to open end)'))).toEqual({ key: 'offers.errors.clashOpen', values: { from: '2026-02-01 00:00:00 UTC' } });
  });

  it('tells apart "only an admin" from "say why" when terms change in the past', () => {
    const adminOnly = describeOfferError(refusal(403, '42501', '1 TrafficWave events since 2026-03-02 00:00:00 UTC were counted under the current terms of offer RETRO-M: only an admin can open a version in the past'));
    expect(adminOnly).toEqual({ key: 'offers.errors.backdateAdminOnly', values: { count: 1, since: '2026-03-02 00:00:00 UTC' } });
    const reason = describeOfferError(refusal(400, 'P0001', 'Say why the terms of offer RETRO-A change retroactively: 2 TrafficWave events since 2026-03-01 00:00:00 UTC were counted under the current terms'));
    expect(reason).toEqual({ key: 'offers.errors.backdateReason', values: { count: 2, since: '2026-03-01 00:00:00 UTC' } });
    expect(needsBackdateReason(reason)).toBe(true);
    expect(needsBackdateReason(adminOnly)).toBe(false);
  });

  it('explains an inactive offer, a taken code and a TW offer mapped elsewhere; anything else as the app does', () => {
    expect(describeOfferError(refusal(400, 'P0001', 'Offer X is archived: make it active before opening new terms'))).toEqual({ key: 'offers.errors.inactive' });
    expect(describeOfferError(refusal(409, '23505', 'An offer with code dup already exists in this workspace'))).toEqual({ key: 'offers.errors.duplicateCode', values: { code: 'dup' } });
    expect(describeOfferError(refusal(409, '23505', 'duplicate key value violates unique constraint "offer_mapping_active_idx"'))).toEqual({ key: 'offers.errors.alreadyMapped' });
    expect(describeOfferError(refusal(406, 'PGRST116', 'JSON object requested, multiple (or no) rows returned'))).toEqual({ key: 'offers.errors.notFound' });
    expect(describeOfferError(refusal(403, '42501', 'new row violates row-level security policy for table "offers"'))).toEqual({ key: 'errors.forbidden' });
    expect(describeOfferError(new TypeError('Failed to fetch'))).toEqual({ key: 'errors.network' });
  });
});

describe('the terms form', () => {
  const draft = { ...emptyTerms(new Date(2026, 11, 1, 0, 0)), geos: 'ru, kz;KZ ', rate: '12,5', currency: 'eur', landingType: ' prelanding ', notes: '' };

  it('reads what was typed into the terms the RPC takes', () => {
    expect(readTerms(draft)).toEqual({
      terms: { validFrom: new Date(2026, 11, 1, 0, 0).toISOString(), geos: ['KZ', 'RU'], rate: 12.5, currency: 'EUR', kpiPolicyId: null, capPolicyId: null, landingType: 'prelanding', approach: null, notes: null, reason: null },
    });
  });

  it('says what to fix in each wrong field', () => {
    expect(readTerms({ ...draft, validFrom: '', geos: 'Russia', rate: '-1', currency: 'dollars' })).toEqual({
      problems: { validFrom: 'offers.form.invalid.validFrom', geos: 'offers.form.invalid.geos', rate: 'offers.form.invalid.rate', currency: 'offers.form.invalid.currency' },
    });
    expect(readTerms({ ...draft, rate: '1.23456' })).toEqual({ problems: { rate: 'offers.form.invalid.rate' } });
    expect(readOffer({ code: ' ', name: '', product: 'x'.repeat(201), programId: '' })).toEqual({
      problems: { code: 'offers.form.invalid.code', name: 'offers.form.invalid.name', product: 'offers.form.invalid.product' },
    });
    expect(readOffer({ code: ' PIN-UP ', name: 'Pin-Up', product: ' ', programId: 'p1' })).toEqual({ offer: { code: 'PIN-UP', name: 'Pin-Up', product: null, programId: 'p1' } });
  });

  it('reads GEO lists, empty as every GEO', () => {
    expect(parseGeos('')).toEqual([]);
    expect(parseGeos('de at DE')).toEqual(['AT', 'DE']);
    expect(parseGeos('DEU')).toBeNull();
  });

  it('starts terms whose start was left as offered at the moment they are sent, and knows when a start is in the past', () => {
    const now = new Date(2026, 10, 26, 14, 5, 30);
    const offered = toLocalInput(now);
    expect(offered).toBe('2026-11-26T14:05');
    const terms = { validFrom: new Date(2026, 10, 26, 14, 5).toISOString() } as OfferTerms;
    expect(startingNow(terms, offered, offered, now).validFrom).toBe(now.toISOString());
    expect(startingNow(terms, '2026-12-01T00:00', offered, now)).toBe(terms);
    expect(startsInPast('2026-11-26T14:05', now)).toBe(true);
    expect(startsInPast('2026-11-26T14:06', now)).toBe(false);
    expect(startsInPast('', now)).toBe(false);
  });
});

describe('versions and history', () => {
  const v = (validFrom: string, validTo: string | null) => ({ validFrom, validTo });
  const now = new Date('2026-06-01T00:00:00Z');

  it('shows the version valid now, else the next to start, else the last one', () => {
    const live = v('2026-05-01T00:00:00Z', null);
    expect(currentVersion([v('2026-07-01T00:00:00Z', null), live, v('2026-01-01T00:00:00Z', '2026-05-01T00:00:00Z')], now)).toBe(live);
    const soon = v('2026-07-01T00:00:00Z', null);
    expect(currentVersion([v('2026-09-01T00:00:00Z', null), soon], now)).toBe(soon);
    const last = v('2026-03-01T00:00:00Z', '2026-04-01T00:00:00Z');
    expect(currentVersion([v('2026-01-01T00:00:00Z', '2026-03-01T00:00:00Z'), last], now)).toBe(last);
    expect(currentVersion([], now)).toBeNull();
  });

  it('groups field changes as they were made, newest first, and tells creations from changes', () => {
    const change = (field: string, changedAt: string, versionId: string | null, oldValue: string | null) => ({ id: `${changedAt}-${field}`, field, changedAt, changedBy: 'u1', versionId, oldValue });
    const groups = changeGroups([
      change('code', 't1', null, null),
      change('name', 't1', null, null),
      change('rate', 't2', 'v1', null),
      change('valid_from', 't2', 'v1', null),
      change('valid_to', 't3', 'v1', null),
      change('status', 't3', null, 'active'),
    ]);
    expect(groups.map((g) => [g.changedAt, g.versionId, g.created, g.changes.map((c) => c.field)])).toEqual([
      ['t3', null, false, ['status']],
      ['t3', 'v1', false, ['valid_to']],
      ['t2', 'v1', true, ['rate', 'valid_from']],
      ['t1', null, true, ['code', 'name']],
    ]);
  });

  it('writes logged values for people', () => {
    const moment = (iso: string) => `<${new Date(iso).toISOString()}>`;
    expect(historyValue('2026-02-01T00:00:00+00:00', moment)).toBe('<2026-02-01T00:00:00.000Z>');
    expect(historyValue('["KZ", "RU"]', moment)).toBe('KZ, RU');
    expect(historyValue('[]', moment)).toBe('—');
    expect(historyValue(null, moment)).toBe('—');
    expect(historyValue('12.5000', moment)).toBe('12.5000');
  });

  it('counts the last days up to today', () => {
    expect(lastDays(7, '2026-03-03')).toEqual({ from: '2026-02-25', to: '2026-03-03' });
  });
});

describe('exporting offers for approval', () => {
  it('writes one row per offer with its terms and a count, as CSV that spreadsheets read', () => {
    const rows = [registry[1], registry[3]].filter((r): r is OfferRow => r !== undefined);
    const labels = {
      header: { code: 'Code', name: 'Name', product: 'Product', program: 'Program', status: 'Status', geos: 'GEOs', rate: 'Rate', currency: 'Currency', validFrom: 'From', validTo: 'To', landingType: 'Landing' },
      status: (s: string) => s.toUpperCase(),
      allGeos: 'All',
      count: (n: number) => `Offers: ${n}`,
    };
    const sheet = offersSheet(rows, labels, 'Europe/Moscow');
    expect(sheet.rows).toEqual([
      ['VAVADA-KZ', 'VAVADA-KZ name', '', 'Beta Net', 'PAUSED', 'KZ (+UZ)', 45, 'USD', '2026-01-01 03:00', '', ''],
      ['BARE', 'BARE name', '', '', 'ACTIVE', '', null, '', '', '', ''],
    ]);
    expect(buildCsv(sheet).split('\r\n')).toEqual([
      '\ufeffCode,Name,Product,Program,Status,GEOs,Rate,Currency,From,To,Landing',
      'VAVADA-KZ,VAVADA-KZ name,,Beta Net,PAUSED,KZ (+UZ),45,USD,2026-01-01 03:00,,',
      'BARE,BARE name,,,ACTIVE,,,,,,',
      'Offers: 2,,,,,,,,,,',
      '',
    ]);
    expect(sortableMoment('not a date', 'UTC')).toBe('not a date');
  });
});
