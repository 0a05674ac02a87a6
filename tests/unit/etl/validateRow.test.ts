import { describe, expect, it } from 'vitest';
import {
  canonicalColumns,
  createRowValidator,
  EtlFileError,
  proposeMapping,
  type ColumnMapping,
  type RowError,
  type SourceName,
} from '../../../functions/_shared/etl/index.ts';

function validator(source: SourceName, headers: string[], options: { ambiguousComma?: 'decimal' | 'thousands'; constants?: Record<string, string> } = {}) {
  const { mapping } = proposeMapping(source, headers);
  return createRowValidator({ ...mapping, constants: { ...mapping.constants, ...options.constants } }, options);
}

/** Validates one record: the row as canonical column → value, or the error messages. */
function check(source: SourceName, headers: string[], values: string[], options: Parameters<typeof validator>[2] = {}): Record<string, string | null> | string[] {
  const errors: RowError[] = [];
  const row = validator(source, headers, options).validate({ line: 1203, values }, errors);
  if (!row) return errors.map((e) => e.message);
  expect(errors).toEqual([]);
  expect(row.line).toBe(1203);
  return Object.fromEntries(canonicalColumns(source).map((name, i) => [name, row.values[i] ?? null]));
}

const eventHeaders = canonicalColumns('tw_events');
const event = (change: Record<string, string> = {}) => eventHeaders.map((name) => change[name] ?? base[name] ?? '');
const base: Record<string, string> = {
  event_id: '70000001', event_time: '2026-03-01 14:03:00', event_type: 'first_deposit', click_id: 'c0ffee', campaign_id: '3101',
  campaign_name: ' RU | Вулкан 🎰 ', offer_id: 'of101', link_title: 'Вулкан 🎰 | лендинг 1', affiliate_network: 'Orbit Partners', geo: 'ru',
  source: 'Moloco', sub1: 'mlc1', sub2: 'cr1', sub3: 'ag1', sub4: 'ios', sub5: '', player_id: 'p1', amount: '1 500,00', payout: '60,00', currency: 'usd',
};

describe('a TrafficWave conversion', () => {
  it('becomes a canonical row: every column in canonical order, as PostgreSQL text or null', () => {
    expect(check('tw_events', eventHeaders, event())).toEqual({
      event_id: '70000001', event_time: '2026-03-01T14:03:00Z', event_type: 'first_deposit', click_id: 'c0ffee', campaign_id: '3101',
      campaign_name: 'RU | Вулкан 🎰', offer_id: 'of101', link_title: 'Вулкан 🎰 | лендинг 1', affiliate_network: 'Orbit Partners', geo: 'RU',
      source: 'moloco', sub1: 'mlc1', sub2: 'cr1', sub3: 'ag1', sub4: 'ios', sub5: null, player_id: 'p1', amount: '1500.00', payout: '60.00', currency: 'USD',
    });
  });

  it("is rejected for one bad cell, with the reason in the load report's words", () => {
    expect(check('tw_events', eventHeaders, event({ payout: '12.5.0' }))).toEqual(["line 1 203: column `payout`: '12.5.0' is not a number"]);
  });

  it('gives every error of a rejected record its fields as read, and none to a record that passes', () => {
    const errors: RowError[] = [];
    const check = validator('tw_events', eventHeaders);
    const bad = event({ event_id: '', payout: 'x' });
    expect(check.validate({ line: 7, values: bad }, errors)).toBeNull();
    expect(errors.map((e) => e.record)).toEqual([bad, bad]);
    const short = ['1', '2'];
    expect(check.validate({ line: 8, values: short }, errors)).toBeNull();
    expect(errors.at(-1)?.record).toEqual(short);
    expect(check.validate({ line: 9, values: event() }, errors)).not.toBeNull();
    expect(errors).toHaveLength(3);
  });

  it('reports every bad cell of a row, in column order', () => {
    expect(check('tw_events', eventHeaders, event({ event_id: '', event_type: 'install', geo: 'Russia', currency: 'RUBL' }))).toEqual([
      'line 1 203: column `event_id`: is empty, but a value is required',
      "line 1 203: column `event_type`: 'install' is not an event type (expected registration, first_deposit, deposit or chargeback)",
      "line 1 203: column `geo`: 'Russia' is not an ISO 3166-1 alpha-2 country code (two letters, like RU or KZ)",
      "line 1 203: column `currency`: 'RUBL' is not an ISO 4217 currency code (three letters, like USD or RUB)",
    ]);
  });

  it('quotes a long bad value shortened, and keeps at most 1 000 characters of it', () => {
    const errors: RowError[] = [];
    validator('tw_events', eventHeaders).validate({ line: 7, values: event({ payout: 'x'.repeat(5000) }) }, errors);
    expect(errors.map((e) => [e.message, e.value?.length, e.value?.endsWith('…')])).toEqual([[`line 7: column \`payout\`: '${'x'.repeat(39)}…' is not a number`, 1000, true]]);
  });

  it("names the file's header when it differs from the canonical column", () => {
    const headers = eventHeaders.map((h) => (h === 'payout' ? 'Выплата' : h));
    expect(check('tw_events', headers, event({ payout: 'abc' }))).toEqual(["line 1 203: column `payout` (“Выплата” in the file): 'abc' is not a number"]);
  });

  it('needs a currency for money, and takes an empty payout and currency for a registration', () => {
    expect(check('tw_events', eventHeaders, event({ currency: '' }))).toEqual(['line 1 203: column `currency`: is empty, but `payout` is 60.00: money needs its currency']);
    expect(check('tw_events', eventHeaders, event({ event_type: 'reg', amount: '', payout: '', currency: '' }))).toMatchObject({ event_type: 'registration', amount: null, payout: null, currency: null });
  });

  it("wants a chargeback's payout negative", () => {
    expect(check('tw_events', eventHeaders, event({ event_type: 'chargeback', payout: '60,00' }))).toEqual([
      "line 1 203: column `payout`: '60.00' is positive, but a chargeback's payout is negative (it takes money back)",
    ]);
    expect(check('tw_events', eventHeaders, event({ event_type: 'CB', payout: '-60,00', amount: '-1 500,00' }))).toMatchObject({ event_type: 'chargeback', payout: '-60.00', amount: '-1500.00' });
  });

  it('checks the number of fields: fewer is an error, more is one unless the extras are empty', () => {
    expect(check('tw_events', eventHeaders, event().slice(0, 5))).toEqual([
      'line 1 203: 5 fields, but the header has 20 (a missing delimiter, or a line break inside a value that is not quoted?)',
    ]);
    expect(check('tw_events', eventHeaders, [...event(), 'RU'])).toEqual(['line 1 203: 21 fields, but the header has 20 (a delimiter inside a value that is not quoted?)']);
    expect(check('tw_events', eventHeaders, [...event(), '', ' '])).toMatchObject({ event_id: '70000001' });
  });

  it('leaves optional columns the file lacks empty', () => {
    const headers = ['event_id', 'event_time', 'event_type', 'campaign_id', 'offer_id', 'geo', 'payout', 'currency'];
    const values = ['e1', '01.03.2026 10:00', 'FTD', 'c1', 'o1', 'KZ', '40', 'EUR'];
    expect(check('tw_events', headers, values)).toEqual({
      event_id: 'e1', event_time: '2026-03-01T10:00:00Z', event_type: 'first_deposit', click_id: null, campaign_id: 'c1', campaign_name: null,
      offer_id: 'o1', link_title: null, affiliate_network: null, geo: 'KZ', source: null, sub1: null, sub2: null, sub3: null, sub4: null,
      sub5: null, player_id: null, amount: null, payout: '40', currency: 'EUR',
    });
  });
});

describe('a TrafficWave clicks row', () => {
  it("writes empty natural-key cells as '' (never NULL) and reads counts", () => {
    const headers = ['date', 'campaign_id', 'offer_id', 'geo', 'clicks', 'unique_clicks'];
    expect(check('tw_clicks', headers, ['01.03.2026', '3101', 'of101', '', '1 234', ''])).toEqual({
      date: '2026-03-01', campaign_id: '3101', offer_id: 'of101', link_title: null, geo: '', source: null, sub1: '', clicks: '1234', unique_clicks: null,
    });
  });

  it('reads 1,234 by the file: thousands in a comma file, a fraction (so not a count) otherwise', () => {
    const headers = ['date', 'campaign_id', 'offer_id', 'geo', 'clicks'];
    expect(check('tw_clicks', headers, ['2026-03-01', 'c', 'o', 'RU', '1,234'], { ambiguousComma: 'thousands' })).toMatchObject({ clicks: '1234' });
    expect(check('tw_clicks', headers, ['2026-03-01', 'c', 'o', 'RU', '1,234'], { ambiguousComma: 'decimal' })).toEqual(["line 1 203: column `clicks`: '1,234' is not a whole number"]);
  });
});

describe('a Moloco spend row', () => {
  it('gets the network and a header-implied currency from the mapping', () => {
    const headers = ['Date', 'Campaign ID', 'Country', 'Impressions', 'Spend, USD'];
    expect(check('ad_spend', headers, ['2026-03-01', 'mlcA', 'br', '12\u00a0345', '1 234,56'])).toEqual({
      network: 'moloco', date: '2026-03-01', campaign_id: 'mlcA', campaign_name: null, ad_group_id: '', ad_group_name: null, creative_id: '',
      creative_name: null, country: 'BR', impressions: '12345', clicks: null, installs: null, spend: '1234.56', currency: 'USD',
    });
  });
});

describe('a mapping that cannot load the file', () => {
  const refusal = (mapping: ColumnMapping) => {
    try {
      createRowValidator(mapping);
      return 'accepted';
    } catch (error) {
      return error instanceof EtlFileError ? `${error.code}: ${error.message}` : String(error);
    }
  };

  it('is a file-level error naming the missing required columns and the headers found', () => {
    const { mapping } = proposeMapping('tw_events', ['event_id', 'time', 'campaign', 'geo']);
    expect(refusal(mapping)).toBe(
      'missing_columns: Required columns are missing: `event_type`, `campaign_id`, `offer_id`, `payout`, `currency`. The file\'s columns: `event_id`, `time`, `campaign`, `geo`.',
    );
    expect(refusal(proposeMapping('tw_clicks', ['date', 'campaign_id', 'offer_id', 'geo']).mapping)).toBe(
      "missing_columns: Required column is missing: `clicks`. The file's columns: `date`, `campaign_id`, `offer_id`, `geo`.",
    );
  });

  it('is a file-level error when a constant is not a valid value', () => {
    const { mapping } = proposeMapping('ad_spend', ['date', 'campaign_id', 'spend']);
    expect(refusal({ ...mapping, constants: { ...mapping.constants, currency: 'dollars' } })).toBe(
      "invalid_mapping: The mapping's value for `currency`: 'dollars' is not an ISO 4217 currency code (three letters, like USD or RUB)",
    );
  });
});
