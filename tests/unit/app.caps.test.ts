import i18next from 'i18next';
import { describe, expect, it } from 'vitest';
import { capView } from '../../app/components/capView.ts';
import {
  attentionCaps,
  canActOnCaps,
  capActionError,
  capPrograms,
  capsSheet,
  checkCapAction,
  compareCaps,
  confidenceWord,
  etaText,
  filterCaps,
  noCapFilter,
  periodWording,
  type CapExportLabels,
  type CapRow,
} from '../../app/lib/caps.ts';
import { toCapRow } from '../../app/lib/capsApi.ts';
import { formatAsOf } from '../../app/lib/dates.ts';
import { RequestError } from '../../app/lib/errors.ts';
import { buildCsv } from '../../app/lib/exportTable.ts';
import { InvalidResponseError } from '../../app/lib/guards.ts';
import { loadResources } from '../../app/i18n/resources.ts';

const programA = '00000000-0000-4000-8000-00000000000a';
const programB = '00000000-0000-4000-8000-00000000000b';
let sequence = 0;

function cap(fields: Partial<CapRow> = {}): CapRow {
  sequence += 1;
  return {
    offerId: `00000000-0000-4000-8000-${String(sequence).padStart(12, '0')}`,
    offerCode: `OF${sequence}`,
    offerName: `Offer ${sequence}`,
    programId: programA,
    programName: 'Alpha',
    policyName: 'Daily 20',
    geo: '',
    metric: 'conversions',
    period: 'day',
    timeZone: 'Europe/Moscow',
    periodStart: '2026-05-03T21:00:00+00:00',
    periodEnd: '2026-05-04T21:00:00+00:00',
    periodStartLocal: '2026-05-04T00:00:00',
    periodEndLocal: '2026-05-05T00:00:00',
    used: 10,
    capLimit: 20,
    effectiveLimit: 20,
    percent: 50,
    status: 'ok',
    hard: true,
    expectedTotal: null,
    runsOutAt: null,
    runsOutLocal: null,
    confidence: 0,
    spendAtRisk: null,
    currency: 'USD',
    isCurrent: true,
    asOf: '2026-05-04T09:00:00+00:00',
    ...fields,
  };
}

async function texts(language: 'ru' | 'en') {
  const instance = i18next.createInstance();
  await instance.init({ resources: { [language]: { translation: await loadResources(language) } }, lng: language, fallbackLng: false, interpolation: { escapeValue: false } });
  return instance;
}

describe('compareCaps and attentionCaps', () => {
  it('sorts reached, critical, warning, paused, ok; then the earliest ETA, then the fullest', () => {
    const ok = cap({ status: 'ok', percent: 70 });
    const paused = cap({ status: 'paused' });
    const warningLate = cap({ status: 'warning', percent: 85, runsOutAt: '2026-05-04T15:00:00Z' });
    const warningSoon = cap({ status: 'warning', percent: 81, runsOutAt: '2026-05-04T12:40:00Z' });
    const warningNoEta = cap({ status: 'warning', percent: 90 });
    const critical = cap({ status: 'critical', percent: 96 });
    const reached = cap({ status: 'reached', percent: 100 });
    const sorted = [ok, warningNoEta, paused, warningLate, reached, warningSoon, critical].sort(compareCaps);
    expect(sorted.map((r) => r.offerId)).toEqual([reached, critical, warningSoon, warningLate, warningNoEta, paused, ok].map((r) => r.offerId));
  });

  it('takes at most three caps at warning, critical or reached for the summary', () => {
    const rows = [cap({ status: 'ok' }), cap({ status: 'paused' }), cap({ status: 'warning' }), cap({ status: 'critical' }), cap({ status: 'reached' }), cap({ status: 'warning', percent: 99 })];
    expect(attentionCaps(rows).map((r) => r.status)).toEqual(['reached', 'critical', 'warning']);
    expect(attentionCaps([cap({ status: 'ok' }), cap({ status: 'paused' })])).toEqual([]);
  });
});

describe('filterCaps and capPrograms', () => {
  const rows = [
    cap({ offerName: 'Casino Ivan', offerCode: 'CI1', status: 'warning' }),
    cap({ offerName: 'Betting Plus', offerCode: 'BP2', status: 'ok', programId: programB, programName: 'Beta' }),
    cap({ offerName: 'casino royale', offerCode: 'CR3', status: 'reached', programId: null, programName: null }),
  ];
  it('keeps everything without a filter and narrows by status, program and the offer name or code in any case', () => {
    expect(filterCaps(rows, noCapFilter)).toHaveLength(3);
    expect(filterCaps(rows, { ...noCapFilter, status: 'warning' }).map((r) => r.offerCode)).toEqual(['CI1']);
    expect(filterCaps(rows, { ...noCapFilter, programId: programB }).map((r) => r.offerCode)).toEqual(['BP2']);
    expect(filterCaps(rows, { ...noCapFilter, search: ' CASINO ' }).map((r) => r.offerCode)).toEqual(['CI1', 'CR3']);
    expect(filterCaps(rows, { ...noCapFilter, search: 'bp2' }).map((r) => r.offerCode)).toEqual(['BP2']);
    expect(filterCaps(rows, { status: 'reached', programId: programA, search: '' })).toEqual([]);
  });
  it('lists the programs of the rows once each, by name', () => {
    expect(capPrograms(rows)).toEqual([
      { id: programA, name: 'Alpha' },
      { id: programB, name: 'Beta' },
    ]);
  });
});

describe('wording a cap', () => {
  it('names the confidence in words', () => {
    expect([0.95, 0.7, 0.69, 0.4, 0.39, 0].map(confidenceWord)).toEqual(['high', 'high', 'medium', 'medium', 'low', 'low']);
  });

  it("writes the period in the cap's own zone, whatever the machine's zone, with the last day of a week", () => {
    expect(periodWording(cap(), 'en')).toEqual({ key: 'caps.period.day', values: { day: '4 May', zone: 'Europe/Moscow' } });
    expect(periodWording(cap({ period: 'week', periodStartLocal: '2026-05-04T00:00:00', periodEndLocal: '2026-05-11T00:00:00', timeZone: 'America/New_York' }), 'ru')).toEqual({
      key: 'caps.period.week',
      values: { from: '4 мая', to: '10 мая', zone: 'America/New York' },
    });
    expect(periodWording(cap({ period: 'month', periodStartLocal: '2026-05-01T00:00:00', periodEndLocal: '2026-06-01T00:00:00' }), 'ru').values?.month).toBe('май 2026');
    expect(periodWording(cap({ period: 'lifetime', periodEndLocal: null }), 'en').key).toBe('caps.period.lifetime');
  });

  it('gives the ETA as a wall time of the cap (with the day when it is not the day counted)', () => {
    expect(etaText(cap(), 'ru')).toBeNull();
    expect(etaText(cap({ runsOutLocal: '2026-05-04T15:40:00' }), 'ru')).toBe('15:40');
    expect(etaText(cap({ period: 'week', runsOutLocal: '2026-05-06T09:05:00' }), 'en')).toBe('6 May, 09:05');
  });

  it('reads in both languages with every value filled in, and says the zone', async () => {
    const row = cap({ status: 'critical', percent: 96, used: 96, effectiveLimit: 100, runsOutLocal: '2026-05-04T15:40:00', runsOutAt: '2026-05-04T12:40:00Z', confidence: 0.8, spendAtRisk: 125.5 });
    for (const language of ['ru', 'en'] as const) {
      const view = capView(row, (await texts(language)).t, language);
      for (const text of [view.statusText, view.usage, view.period, view.eta, view.spendAtRisk]) expect(text).not.toMatch(/\{\{|undefined|caps\./);
      expect(view.eta).toContain('15:40 (Europe/Moscow)');
      expect(view.period).toContain('Europe/Moscow');
      expect(view.progress).toBe(0.96);
      expect(view.href).toBe(`/app/offers/${row.offerId}`);
    }
    const ru = capView(row, (await texts('ru')).t, 'ru');
    expect(ru.eta).toBe('Закончится ≈ в 15:40 (Europe/Moscow), уверенность высокая');
    expect(ru.statusText).toBe('Критично');
    expect(capView(cap({ geo: 'KZ', offerName: 'Casino' }), (await texts('en')).t, 'en').title).toBe('Casino · KZ');
  });

  it('writes "as of" with the day only when it is not today in the zone', () => {
    const now = new Date('2026-05-04T20:30:00Z');
    expect(formatAsOf('2026-05-04T11:05:00Z', 'ru', 'Europe/Moscow', now)).toBe('14:05 (Europe/Moscow)');
    expect(formatAsOf('2026-05-03T11:05:00Z', 'en', 'Europe/Moscow', now)).toMatch(/^May 3, 02:05 PM \(Europe\/Moscow\)$/);
    // 23:30 in Moscow is already the next day there.
    expect(formatAsOf('2026-05-04T11:05:00Z', 'en', 'Europe/Moscow', new Date('2026-05-04T21:30:00Z'))).toContain('May 4');
  });
});

describe('cap actions', () => {
  it('are for affiliate managers and admins', () => {
    expect(['admin', 'affiliate_manager', 'media_buyer', 'finance', 'read_only', undefined].map((r) => canActOnCaps(r as Parameters<typeof canActOnCaps>[0]))).toEqual([true, true, false, false, false, false]);
  });

  it('need a reason, and a raise a whole limit above the policy', () => {
    const row = { capLimit: 20 };
    expect(checkCapAction('pause', '  ', '', row)).toEqual({ key: 'caps.errors.reason' });
    expect(checkCapAction('pause', 'promo ends', '', row)).toBeNull();
    expect(checkCapAction('raise', 'deal with the AM', '20', row)).toEqual({ key: 'caps.errors.raiseAbove', values: { limit: 20 } });
    expect(checkCapAction('raise', 'deal with the AM', '25.5', row)?.key).toBe('caps.errors.raiseAbove');
    expect(checkCapAction('raise', 'deal with the AM', '', row)?.key).toBe('caps.errors.raiseAbove');
    expect(checkCapAction('raise', 'deal with the AM', '30', row)).toBeNull();
  });

  it("word cap_action()'s refusals in the person's language, other failures as every request's", async () => {
    const refusals: [RequestError, string][] = [
      [new RequestError(403, '42501', 'Only affiliate managers and admins can act on caps'), 'caps.errors.forbidden'],
      [new RequestError(400, '22023', 'Say why: a reason is required'), 'caps.errors.reason'],
      [new RequestError(400, '22023', "A raise must be above the policy's limit of 20"), 'caps.errors.raiseAbove'],
      [new RequestError(400, 'P0001', 'The cap is not raised this period'), 'caps.errors.notRaised'],
      [new RequestError(400, 'P0001', 'The cap is already paused'), 'caps.errors.alreadyPaused'],
      [new RequestError(400, 'P0001', 'The cap is already running'), 'caps.errors.alreadyRunning'],
      [new RequestError(404, 'P0002', 'Offer x has no cap counted for the whole offer'), 'caps.errors.notCounted'],
    ];
    const ru = await texts('ru');
    for (const [error, key] of refusals) {
      expect(capActionError(error).key).toBe(key);
      expect(ru.exists(key), key).toBe(true);
      expect(ru.t(key, { limit: 20 })).not.toMatch(/[a-z]{3}/i);
    }
    expect(capActionError(new RequestError(0, '', 'Failed to fetch')).key).toBe('errors.network');
  });
});

describe('the CSV export', () => {
  const labels: CapExportLabels = {
    header: { offer: 'Offer', code: 'Code', geo: 'GEO', program: 'Program', status: 'Status', used: 'Used', limit: 'Limit', percent: 'Share', period: 'Period', zone: 'Zone', eta: 'ETA', confidence: 'Confidence', spendAtRisk: 'Risk', currency: 'Currency' },
    status: (s) => `status:${s}`,
    period: (r) => `period:${r.period}`,
    confidence: (c) => `confidence:${c}`,
    wholeOffer: 'whole',
    count: (n) => `Caps: ${n}`,
  };
  it('writes one row per cap in screen order, times in its zone, numbers plain, and a count last', () => {
    const rows = [
      cap({ offerName: 'Casino, "Ivan"', offerCode: 'CI', geo: 'KZ', status: 'critical', used: 19, effectiveLimit: 20, percent: 95, runsOutLocal: '2026-05-04T15:40:00', confidence: 0.5, spendAtRisk: 40.25 }),
      cap({ offerName: 'Plain', offerCode: 'PL', programName: null, programId: null }),
    ];
    const csv = buildCsv(capsSheet(rows, labels));
    expect(csv.split('\r\n')).toEqual([
      '\ufeffOffer,Code,GEO,Program,Status,Used,Limit,Share,Period,Zone,ETA,Confidence,Risk,Currency',
      '"Casino, ""Ivan""",CI,KZ,Alpha,status:critical,19,20,0.95,period:day,Europe/Moscow,2026-05-04 15:40,confidence:medium,40.25,USD',
      'Plain,PL,whole,,status:ok,10,20,0.5,period:day,Europe/Moscow,,,,',
      'Caps: 2,,,,,,,,,,,,,',
      '',
    ]);
  });
});

describe('toCapRow', () => {
  const wire = {
    offer_id: '00000000-0000-4000-8000-000000000001', offer_code: 'CI', offer_name: 'Casino', program_id: null, program_name: null, cap_policy_id: '00000000-0000-4000-8000-000000000002',
    policy_name: 'Daily', geo: '', metric: 'conversions', event_type: 'first_deposit', period: 'day', time_zone: 'Europe/Moscow',
    period_start: '2026-05-03T21:00:00+00:00', period_end: '2026-05-04T21:00:00+00:00', period_start_local: '2026-05-04T00:00:00', period_end_local: '2026-05-05T00:00:00',
    used: 12, cap_limit: 20, effective_limit: 20, percent: 60, status: 'ok', hard: true, expected_total: '25.5', runs_out_at: '2026-05-04T12:40:00+00:00',
    runs_out_local: '2026-05-04T15:40:00', confidence: 0.62, curve_source: 'offer', spend_at_risk: null, currency: 'USD', is_current: true, as_of: '2026-05-04T09:00:00+00:00',
  };
  it('reads the RPC row, numbers sent as text included, and refuses an unknown status', () => {
    expect(toCapRow(wire)).toMatchObject({ offerCode: 'CI', expectedTotal: 25.5, runsOutLocal: '2026-05-04T15:40:00', timeZone: 'Europe/Moscow', status: 'ok' });
    expect(() => toCapRow({ ...wire, status: 'exhausted' })).toThrow(InvalidResponseError);
  });
});
