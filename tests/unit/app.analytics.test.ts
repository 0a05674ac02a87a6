import { describe, expect, it } from 'vitest';
import { moveOrdered, nextSort, readAnalyticsTable, resolveRange, rpcFilters, sortForGrouping, sortRows, toggleOrdered, type AnalyticsRow, type Metric } from '../../app/lib/analytics.ts';
import { mergePresets, PresetFileError, presetsFile, readPresetsFile } from '../../app/lib/analyticsPresets.ts';
import { buildCsv, buildJson, exportSheet } from '../../app/lib/exportTable.ts';
import { defaultSelection } from '../../app/lib/analytics.ts';

const row = (offer: string | null, profit: number, roi: number | null): AnalyticsRow => ({ dims: { offer }, values: { profit, roi } as Record<Metric, number | null> });

describe('sorting the analytics table', () => {
  const rows = [row('b', 10, 0.5), row(null, -5, null), row('a10', 30, 0.1), row('a9', 20, 1.2)];

  it('sorts numbers either way with empty values last', () => {
    expect(sortRows(rows, { key: 'profit', direction: 'desc' }).map((r) => r.values.profit)).toEqual([30, 20, 10, -5]);
    expect(sortRows(rows, { key: 'roi', direction: 'asc' }).map((r) => r.values.roi)).toEqual([0.1, 0.5, 1.2, null]);
    expect(sortRows(rows, { key: 'roi', direction: 'desc' }).map((r) => r.values.roi)).toEqual([1.2, 0.5, 0.1, null]);
  });

  it('sorts names naturally (a9 before a10) with rows without a value last', () => {
    expect(sortRows(rows, { key: 'offer', direction: 'asc' }).map((r) => r.dims.offer)).toEqual(['a9', 'a10', 'b', null]);
  });

  it('leaves the order alone without a sort, and does not change its input', () => {
    expect(sortRows(rows, null)).toBe(rows);
    sortRows(rows, { key: 'profit', direction: 'asc' });
    expect(rows[0]?.dims.offer).toBe('b');
  });

  it('a header click sorts metrics descending, dimensions ascending, and flips on a second click', () => {
    expect(nextSort(null, 'profit')).toEqual({ key: 'profit', direction: 'desc' });
    expect(nextSort(null, 'geo')).toEqual({ key: 'geo', direction: 'asc' });
    expect(nextSort({ key: 'profit', direction: 'desc' }, 'profit')).toEqual({ key: 'profit', direction: 'asc' });
  });
});

describe('ordered choices and ranges', () => {
  it('adds at the end, removes, and moves', () => {
    expect(toggleOrdered(['offer'], 'geo')).toEqual(['offer', 'geo']);
    expect(toggleOrdered(['offer', 'geo'], 'offer')).toEqual(['geo']);
    expect(moveOrdered(['offer', 'geo', 'date'], 'date', -1)).toEqual(['offer', 'date', 'geo']);
    expect(moveOrdered(['offer', 'geo'], 'offer', -1)).toEqual(['offer', 'geo']);
  });

  it('turns date presets into days from the person’s today', () => {
    expect(resolveRange({ preset: 'today' }, '2026-03-01')).toEqual({ from: '2026-03-01', to: '2026-03-01' });
    expect(resolveRange({ preset: 'yesterday' }, '2026-03-01')).toEqual({ from: '2026-02-28', to: '2026-02-28' });
    expect(resolveRange({ preset: 'last7' }, '2026-03-01')).toEqual({ from: '2026-02-23', to: '2026-03-01' });
    expect(resolveRange({ preset: 'last30' }, '2026-03-01')).toEqual({ from: '2026-01-31', to: '2026-03-01' });
    expect(resolveRange({ preset: 'thisMonth' }, '2026-03-15')).toEqual({ from: '2026-03-01', to: '2026-03-15' });
    expect(resolveRange({ preset: 'lastMonth' }, '2026-03-31')).toEqual({ from: '2026-02-01', to: '2026-02-28' });
    expect(resolveRange({ from: '2026-03-05', to: '2026-03-01' }, '2026-03-31')).toEqual({ from: '2026-03-01', to: '2026-03-05' });
  });

  it('sends only the filters with values chosen', () => {
    expect(rpcFilters({ geo: ['RU'], offer: [] })).toEqual({ geo: ['RU'] });
  });
});

describe('reading the metrics RPC', () => {
  const metricsRow = (isTotal: boolean, offer: string | null) => ({
    is_total: isTotal, date: null, campaign_id: null, campaign_name: null, offer_id: offer, geo: 'RU', source: null, network_campaign_id: null, creative_id: null,
    spend: 10, impressions: 100, ad_clicks: 5, installs: 1, clicks: 4, unique_clicks: 3, registrations: 2, ftds: 1, deposits: 1, deposits_amount: '50.5', revenue: 30,
    chargebacks: 0, chargeback_amount: 0, profit: 20, roi: 2, ctr: 0.05, cr_click_reg: 0.5, cr_reg_ftd: 0.5, cpi: 10, cpa: 5, cost_per_ftd: 10, epc: 7.5, arpu: null, other_currency_rows: 0,
  });

  it('puts the totals row apart and keeps numeric strings as numbers', () => {
    const table = readAnalyticsTable([metricsRow(true, null), metricsRow(false, 'o1')], 'metrics');
    expect(table.total.values.profit).toBe(20);
    expect(table.rows).toHaveLength(1);
    expect(table.rows[0]?.dims).toMatchObject({ offer: 'o1', geo: 'RU', date: null });
    expect(table.rows[0]?.values.deposits_amount).toBe(50.5);
    expect(table.rows[0]?.values.arpu).toBeNull();
  });

  it('refuses a row with a missing metric, naming it', () => {
    const { spend: _spend, ...broken } = metricsRow(false, 'o1');
    expect(() => readAnalyticsTable([broken], 'metrics')).toThrow('metrics[0].spend');
  });
});

describe('export files', () => {
  const total = row(null, 25, 0.25);
  const rows = [row('o1', 30, 1), row(null, -5, null)];
  const labels = { dimension: (d: string) => `D:${d}`, metric: (m: string) => `M:${m}`, total: 'Total', none: '(none)' };
  const sheet = exportSheet({ total, rows }, rows, { groupBy: ['offer'], columns: ['profit', 'roi'] }, labels);

  it('lays out the dimensions, the chosen metrics and the totals row', () => {
    expect(sheet.header).toEqual(['D:offer', 'M:profit', 'M:roi']);
    expect(sheet.kinds).toEqual(['text', 'money', 'ratio']);
    expect(sheet.rows).toEqual([['o1', 30, 1], ['(none)', -5, null]]);
    expect(sheet.total).toEqual(['Total', 25, 0.25]);
  });

  it('writes CSV with a BOM, quoted texts where needed, plain numbers and empty nulls', () => {
    const csv = buildCsv({ ...sheet, rows: [['a "b", c', 1.5, null]] });
    expect(csv).toBe('\ufeffD:offer,M:profit,M:roi\r\n"a ""b"", c",1.5,\r\nTotal,25,0.25\r\n');
  });

  it('writes JSON keyed by the RPC’s names', () => {
    const json = JSON.parse(buildJson({ total, rows }, rows, { ...defaultSelection, groupBy: ['offer'], columns: ['profit'] }, { from: '2026-03-01', to: '2026-03-02' }));
    expect(json.rows).toEqual([{ offer: 'o1', profit: 30 }, { offer: null, profit: -5 }]);
    expect(json.total).toEqual({ offer: null, profit: 25 });
  });
});

describe('preset files', () => {
  const selection = { ...defaultSelection, groupBy: ['offer', 'geo'] as const, filters: { geo: ['RU'] } };
  const presets = [{ id: 'x', name: 'RU offers', selection: { ...selection, groupBy: [...selection.groupBy] } }];

  it('reads back what it exported', () => {
    expect(readPresetsFile(presetsFile(presets))).toEqual([{ name: 'RU offers', selection: presets[0]?.selection }]);
  });

  it('says what is wrong with a bad file', () => {
    const bad = (content: string) => {
      try {
        readPresetsFile(content);
      } catch (error) {
        expect(error).toBeInstanceOf(PresetFileError);
        return (error as PresetFileError).detail;
      }
      throw new Error('accepted');
    };
    expect(bad('{')).toBe('the file is not JSON');
    expect(bad('[]')).toBe('the file is not an object');
    expect(bad('{"format":"other"}')).toBe('format is not "arbidesk.analytics-presets"');
    const file = JSON.parse(presetsFile(presets));
    file.presets[0].selection.groupBy = ['offer', 'planet'];
    expect(bad(JSON.stringify(file))).toMatch(/^presets\[0\]\.selection\.groupBy\[1\] is not a dimension/);
    file.presets[0].selection.groupBy = ['offer'];
    file.presets[0].selection.filters = { date: ['2026-01-01'] };
    expect(bad(JSON.stringify(file))).toMatch(/filters key "date" is not a dimension to filter by/);
    file.presets[0].selection.filters = {};
    file.presets[0].selection.range = { from: 'yesterday', to: '2026-01-01' };
    expect(bad(JSON.stringify(file))).toBe('presets[0].selection.range.from is not a date YYYY-MM-DD');
  });

  it('replaces a preset of the same name on import and adds the others', () => {
    let n = 0;
    const merged = mergePresets(presets, [{ name: 'RU offers', selection: defaultSelection }, { name: 'New', selection: defaultSelection }], () => `id${++n}`);
    expect(merged.map((p) => [p.id, p.name])).toEqual([['x', 'RU offers'], ['id1', 'New']]);
    expect(merged[0]?.selection).toBe(defaultSelection);
  });
});

describe('the order when the grouping changes', () => {
  const profit = { key: 'profit', direction: 'desc' } as const;
  it('puts rows grouped by date first in date order, and back to the default when date stops leading', () => {
    expect(sortForGrouping(['offer'], ['date'], profit)).toEqual({ key: 'date', direction: 'asc' });
    expect(sortForGrouping(['offer'], ['date', 'offer'], null)).toEqual({ key: 'date', direction: 'asc' });
    expect(sortForGrouping(['date'], ['offer'], { key: 'date', direction: 'asc' })).toEqual(defaultSelection.sort);
  });

  it('keeps an order the person chose', () => {
    expect(sortForGrouping(['date'], ['date', 'geo'], profit)).toEqual(profit);
    expect(sortForGrouping(['offer'], ['offer', 'geo'], { key: 'roi', direction: 'asc' })).toEqual({ key: 'roi', direction: 'asc' });
    expect(sortForGrouping(['date', 'geo'], ['geo', 'date'], { key: 'date', direction: 'desc' })).toEqual(defaultSelection.sort);
  });
});
