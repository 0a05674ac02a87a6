import { describe, expect, it } from 'vitest';
import {
  applyMapping,
  canonicalColumns,
  detectSource,
  EtlFileError,
  molocoHeader,
  normalizeHeader,
  parseSavedMapping,
  proposeMapping,
  toSavedMapping,
  type MappingProposal,
} from '../../../functions/_shared/etl/index.ts';

/** canonical → "header (match confidence)" or "=constant (match confidence)", for the mapped columns. */
function found(proposal: MappingProposal): Record<string, string> {
  return Object.fromEntries(
    proposal.columns
      .filter((c) => c.match !== null)
      .map((c) => [c.column, `${c.header ?? `=${c.constant}`} (${c.match} ${c.confidence})`]),
  );
}

describe('normalizeHeader', () => {
  it('ignores case, spacing, punctuation and ё', () => {
    expect(['Campaign ID', ' campaign_id ', 'Campaign-ID', 'CAMPAIGN  ID'].map(normalizeHeader)).toEqual(Array(4).fill('campaign_id'));
    expect(normalizeHeader('Партнёрка')).toBe('партнерка');
    expect(normalizeHeader('Расход, USD')).toBe('расход_usd');
  });
});

describe('proposeMapping', () => {
  it('maps a canonical header exactly, with full confidence', () => {
    const headers = canonicalColumns('tw_events');
    const proposal = proposeMapping('tw_events', headers);
    expect(proposal.mapping.columns).toEqual(Object.fromEntries(headers.map((h, i) => [h, i])));
    expect(proposal.mapping.constants).toEqual({});
    expect(proposal).toMatchObject({ missingRequired: [], unmappedHeaders: [], savedHeadersNotFound: [], confidence: 1 });
  });

  it("maps Moloco's exact report header, and the header names the network", () => {
    const proposal = proposeMapping('ad_spend', [...molocoHeader]);
    expect(found(proposal)).toEqual({
      network: '=moloco (implied 0.9)',
      date: 'Date (exact 1)',
      campaign_id: 'Campaign ID (exact 1)',
      campaign_name: 'Campaign (alias 0.9)',
      ad_group_id: 'Ad Group ID (exact 1)',
      ad_group_name: 'Ad Group (alias 0.9)',
      creative_id: 'Creative ID (exact 1)',
      creative_name: 'Creative (alias 0.9)',
      country: 'Country (exact 1)',
      impressions: 'Impressions (exact 1)',
      clicks: 'Clicks (exact 1)',
      installs: 'Installs (exact 1)',
      spend: 'Spend (exact 1)',
      currency: 'Currency (exact 1)',
    });
    expect(proposal.mapping.constants).toEqual({ network: 'moloco' });
    expect(proposal).toMatchObject({ missingRequired: [], unmappedHeaders: [], confidence: 0.9 });
  });

  it('maps a Russian spend report, assumes Moloco as its network, and says what is missing', () => {
    const proposal = proposeMapping('ad_spend', ['Дата', 'Кампания', 'Страна', 'Показы', 'Клики', 'Расход', 'Валюта', 'Комментарий']);
    expect(found(proposal)).toEqual({
      network: '=moloco (default 0.5)',
      date: 'Дата (alias 0.9)',
      campaign_name: 'Кампания (alias 0.9)',
      country: 'Страна (alias 0.9)',
      impressions: 'Показы (alias 0.9)',
      clicks: 'Клики (alias 0.9)',
      spend: 'Расход (alias 0.9)',
      currency: 'Валюта (alias 0.9)',
    });
    expect(proposal.missingRequired).toEqual(['campaign_id']);
    expect(proposal.unmappedHeaders).toEqual([{ index: 7, header: 'Комментарий' }]);
    expect(proposal.confidence).toBe(0);
  });

  it('reads the currency a money header carries (spend_usd, "Расход, руб", "Spend ($)")', () => {
    expect(found(proposeMapping('ad_spend', ['date', 'campaign_id', 'spend_usd']))).toMatchObject({ spend: 'spend_usd (alias 0.9)', currency: '=USD (implied 0.9)' });
    expect(proposeMapping('ad_spend', ['Дата', 'ID кампании', 'Расход, руб']).mapping.constants).toEqual({ network: 'moloco', currency: 'RUB' });
    expect(proposeMapping('ad_spend', ['Date', 'Campaign ID', 'Spend ($)']).mapping.constants).toEqual({ network: 'moloco', currency: 'USD' });
    // A currency column in the file wins over what a header implies.
    expect(proposeMapping('ad_spend', ['date', 'campaign_id', 'spend_usd', 'currency']).mapping.constants).toEqual({ network: 'moloco' });
  });

  it('maps Russian and oddly written conversion headers', () => {
    const proposal = proposeMapping('tw_events', ['ID события', 'Время', 'Тип', 'ID кампании', 'Оффер', 'Гео', 'Выплата', 'Валюта', 'Сумма', 'Партнёрка', 'Sub_1', 'PlayerID']);
    expect(found(proposal)).toEqual({
      event_id: 'ID события (alias 0.9)',
      event_time: 'Время (alias 0.9)',
      event_type: 'Тип (alias 0.9)',
      campaign_id: 'ID кампании (alias 0.9)',
      offer_id: 'Оффер (alias 0.9)',
      affiliate_network: 'Партнёрка (alias 0.9)',
      geo: 'Гео (alias 0.9)',
      sub1: 'Sub_1 (exact 1)',
      player_id: 'PlayerID (exact 1)',
      amount: 'Сумма (alias 0.9)',
      payout: 'Выплата (alias 0.9)',
      currency: 'Валюта (alias 0.9)',
    });
    expect(proposal.missingRequired).toEqual([]);
    expect(proposal.confidence).toBe(0.9);
  });

  it('lets the strongest match claim a header first, and proposes a loose match with low confidence', () => {
    const proposal = proposeMapping('tw_clicks', ['Day', 'Campaign ID', 'Offer ID', 'Country', 'Unique Clicks', 'Total Clicks Today']);
    expect(found(proposal)).toEqual({
      date: 'Day (alias 0.9)',
      campaign_id: 'Campaign ID (exact 1)',
      offer_id: 'Offer ID (exact 1)',
      geo: 'Country (alias 0.9)',
      unique_clicks: 'Unique Clicks (exact 1)',
      clicks: 'Total Clicks Today (fuzzy 0.6)',
    });
    expect(proposal.confidence).toBe(0.6);
  });

  it('takes the first of two headers that mean the same column and leaves the other unmapped', () => {
    const proposal = proposeMapping('tw_clicks', ['date', 'campaign_id', 'offer_id', 'geo', 'clicks', 'Clicks']);
    expect(proposal.mapping.columns.clicks).toBe(4);
    expect(proposal.unmappedHeaders).toEqual([{ index: 5, header: 'Clicks' }]);
  });
});

describe('applyMapping with a saved mapping', () => {
  const headers = ['Col A', 'Col B', 'Когда', 'Сколько', 'link_title'];
  const saved = { columns: { campaign_id: 'Col A', offer_id: 'Col B', date: 'Когда', clicks: 'Сколько', link_title: null }, constants: { geo: 'RU' } };

  it('maps the columns the user chose, by header name, with the constants they set', () => {
    const proposal = applyMapping('tw_clicks', headers, saved);
    expect(proposal.mapping).toEqual({ source: 'tw_clicks', headers, columns: { date: 2, campaign_id: 0, offer_id: 1, clicks: 3 }, constants: { geo: 'RU' } });
    expect(proposal).toMatchObject({ missingRequired: [], savedHeadersNotFound: [], confidence: 1 });
    expect(proposal.unmappedHeaders).toEqual([{ index: 4, header: 'link_title' }]);
  });

  it('follows the columns when the next export orders them differently or spells them in another case', () => {
    const reordered = ['сколько', 'Когда', 'COL B', 'Col A'];
    expect(applyMapping('tw_clicks', reordered, saved).mapping.columns).toEqual({ date: 1, campaign_id: 3, offer_id: 2, clicks: 0 });
  });

  it('wins over the proposal, and a saved header the file lacks falls back to the proposal and is reported', () => {
    const proposal = applyMapping('tw_clicks', ['date', 'report_date', 'campaign_id', 'offer_id', 'geo', 'clicks'], { columns: { date: 'report_date', clicks: 'Клики всего' } });
    expect(proposal.mapping.columns).toEqual({ date: 1, campaign_id: 2, offer_id: 3, geo: 4, clicks: 5 });
    expect(proposal.savedHeadersNotFound).toEqual(['Клики всего']);
    expect(proposal.unmappedHeaders).toEqual([{ index: 0, header: 'date' }]);
  });

  it('round-trips through the stored form', () => {
    const proposal = proposeMapping('ad_spend', [...molocoHeader]);
    const stored = JSON.parse(JSON.stringify(toSavedMapping(proposal.mapping)));
    expect(applyMapping('ad_spend', [...molocoHeader], parseSavedMapping(stored)).mapping).toEqual(proposal.mapping);
  });
});

describe('parseSavedMapping', () => {
  it('accepts the stored shape and refuses anything else with a reason', () => {
    expect(parseSavedMapping({ columns: { spend: 'Расход', link_title: null }, constants: { currency: 'USD' } })).toEqual({
      columns: { spend: 'Расход', link_title: null },
      constants: { currency: 'USD' },
    });
    const refusal = (json: unknown) => {
      try {
        parseSavedMapping(json);
        return 'accepted';
      } catch (error) {
        return error instanceof EtlFileError ? `${error.code}: ${error.message}` : String(error);
      }
    };
    expect(refusal(null)).toBe('invalid_mapping: The saved column mapping is invalid: expected {"columns": {…}}');
    expect(refusal({ columns: [] })).toBe('invalid_mapping: The saved column mapping is invalid: expected {"columns": {…}}');
    expect(refusal({ columns: { spend: 3 } })).toBe('invalid_mapping: The saved column mapping is invalid: the header for spend is not text');
    expect(refusal({ columns: {}, constants: { currency: 1 } })).toBe('invalid_mapping: The saved column mapping is invalid: the constant for currency is not text');
  });
});

describe('detectSource', () => {
  it('recognises each canonical header', () => {
    expect(detectSource(canonicalColumns('tw_events'))).toMatchObject({ source: 'tw_events', confidence: 1, network: null });
    expect(detectSource(canonicalColumns('tw_clicks'))).toMatchObject({ source: 'tw_clicks', confidence: 1, network: null });
    expect(detectSource(canonicalColumns('ad_spend'))).toMatchObject({ source: 'ad_spend', confidence: 1, network: null });
  });

  it("recognises Moloco's report and names the network", () => {
    const detection = detectSource([...molocoHeader]);
    expect(detection).toMatchObject({ source: 'ad_spend', network: 'moloco' });
    expect(detection.scores.map((s) => s.source)).toEqual(['ad_spend', 'tw_clicks', 'tw_events']);
  });

  it('recognises Russian headers of each source', () => {
    expect(detectSource(['Дата', 'ID кампании', 'ID оффера', 'Гео', 'Клики', 'Уникальные клики']).source).toBe('tw_clicks');
    expect(detectSource(['Дата', 'ID кампании', 'Кампания', 'Страна', 'Показы', 'Клики', 'Расход, USD']).source).toBe('ad_spend');
    expect(detectSource(['ID события', 'Время', 'Тип', 'ID кампании', 'Оффер', 'Гео', 'Выплата', 'Валюта']).source).toBe('tw_events');
  });

  it('proposes no source for a header that fits none', () => {
    expect(detectSource(['name', 'email', 'phone'])).toMatchObject({ source: null, network: null });
    expect(detectSource([]).source).toBeNull();
  });
});
