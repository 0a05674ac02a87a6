import { describe, expect, it } from 'vitest';
import { keepLastByNaturalKey, naturalKeyColumns, naturalKeyOf, type CanonicalRow } from '../../../functions/_shared/etl/index.ts';

const spendRow = (line: number, creative: string, spend: string, network = 'moloco'): CanonicalRow => ({
  line,
  values: [network, '2026-03-01', 'mlc1', null, 'ag1', null, creative, null, 'RU', null, null, null, spend, 'USD'],
});

describe('natural keys', () => {
  it('are the columns DATA.md names', () => {
    expect(naturalKeyColumns('tw_events')).toEqual(['event_id']);
    expect(naturalKeyColumns('tw_clicks')).toEqual(['date', 'campaign_id', 'offer_id', 'geo', 'sub1']);
    expect(naturalKeyColumns('ad_spend')).toEqual(['network', 'date', 'campaign_id', 'ad_group_id', 'creative_id', 'country']);
  });

  it('tell rows apart by key columns only', () => {
    const keyOf = naturalKeyOf('ad_spend');
    expect(keyOf(spendRow(2, 'cr1', '1.00'))).toBe(keyOf(spendRow(9, 'cr1', '2.00')));
    expect(keyOf(spendRow(2, 'cr1', '1.00'))).not.toBe(keyOf(spendRow(2, 'cr2', '1.00')));
    expect(keyOf(spendRow(2, 'cr1', '1.00'))).not.toBe(keyOf(spendRow(2, 'cr1', '1.00', 'facebook')));
  });
});

describe('keepLastByNaturalKey', () => {
  it('keeps the last row of each key in file order and returns the earlier ones as superseded', () => {
    const rows = [spendRow(2, 'cr1', '1.00'), spendRow(3, 'cr2', '5.00'), spendRow(4, 'cr1', '1.50'), spendRow(5, 'cr3', '7.00'), spendRow(6, 'cr1', '1.75')];
    const { rows: kept, superseded } = keepLastByNaturalKey('ad_spend', rows);
    expect(kept.map((r) => [r.line, r.values[12]])).toEqual([
      [3, '5.00'],
      [5, '7.00'],
      [6, '1.75'],
    ]);
    expect(superseded.map((r) => r.line)).toEqual([2, 4]);
  });

  it('keeps everything when no key repeats', () => {
    const rows = [spendRow(2, 'a', '1'), spendRow(3, 'b', '1')];
    expect(keepLastByNaturalKey('ad_spend', rows)).toEqual({ rows, superseded: [] });
  });
});
