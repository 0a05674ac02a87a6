import { describe, expect, it } from 'vitest';
import { centsOf, rollupContribution } from '../../../functions/etl/rollupContribution.ts';

describe('cents of a canonical amount', () => {
  it('rounds to two places as numeric(18,2) does: half away from zero', () => {
    expect([centsOf('12'), centsOf('0.5'), centsOf('1.005'), centsOf('1.0049'), centsOf('-0.005'), centsOf('-2.994'), centsOf('0')]).toEqual([1200, 50, 101, 100, -1, -299, 0]);
  });

  it('is a bigint past 13 digits of units, where a number would lose cents', () => {
    expect(centsOf('999999999999999.99')).toBe(99999999999999999n);
    expect(centsOf('-123456789012345.675')).toBe(-12345678901234568n);
  });
});

describe('the sums of conversions', () => {
  const columns = ['event_id', 'event_time', 'event_type', 'click_id', 'campaign_id', 'campaign_name', 'offer_id', 'link_title', 'affiliate_network', 'geo', 'source', 'sub1', 'sub2', 'sub3', 'sub4', 'sub5', 'player_id', 'amount', 'payout', 'currency'];
  function row(cells: Record<string, string | null>) {
    return { line: 2, values: columns.map((c) => cells[c] ?? null) };
  }

  it('are added only for batches committed, and stay exact past 2^53 cents', () => {
    const sums = rollupContribution('tw_events', 'USD');
    const big = { event_time: '2026-10-01T10:00:00Z', event_type: 'deposit', campaign_id: 'c', offer_id: 'o', geo: 'RU', amount: '999999999999999.99', payout: '0.01', currency: 'USD' };
    sums.add([row({ ...big, event_id: 'a' }), row({ ...big, event_id: 'b' })]);
    const commit = sums.seal();
    sums.add([row({ ...big, event_id: 'dropped' })]);
    sums.seal(); // a batch that went the keyed way: summed in SQL, never committed here
    commit();
    sums.add([row({ ...big, event_id: 'c', campaign_name: 'Tab\there', amount: '0.01' })]);
    sums.seal()();
    expect(sums.copyText()?.text).toBe(
      '2026-10-01\tc\to\tRU\t\t\t\tTab\\there\tf\t0\t0\t3\t1999999999999999.99\t0.03\t0\t0.00\t0\n');
  });
});
