import { afterAll, describe, expect, it } from 'vitest';
import { db } from '../support/clients.ts';
import { addEvents, capTeam, cappedOffer, dropTeams, refreshCaps, type CapTeam } from '../support/caps.ts';

/**
 * The exhaustion forecast: the day's expected total from the share of a day's conversions
 * usually reached by now (the intraday curve of the last 28 days in the cap's zone), the moment
 * the expected cumulative curve crosses the limit, the spend expected after it, and a
 * confidence from the history and its back-test. All as of a fixed moment.
 */

const sql = db();
const teams: CapTeam[] = [];
// Monday 16 March 2026, 12:00 MSK: half of the Moscow day is gone.
const noon = '2026-03-16T09:00:00Z';

async function team(name: string): Promise<CapTeam> {
  const created = await capTeam(sql, name, 'Europe/Moscow');
  teams.push(created);
  return created;
}

/**
 * 28 past Moscow days of the TW offer shaped alike: one first deposit an hour until noon,
 * three an hour after, so a quarter of a day's 48 arrive by noon.
 */
async function skewedHistory(t: CapTeam, twOfferId: string): Promise<void> {
  await sql`
    insert into public.tw_events (workspace_id, event_id, event_time, event_type, offer_id, geo, payout, currency, load_id)
    select ${t.workspace}, format('h-%s-%s-%s-%s', ${twOfferId}::text, d, h, i),
      (date '2026-03-16' - d + make_interval(hours => h, mins => 10 + 20 * i)) at time zone 'Europe/Moscow',
      'first_deposit', ${twOfferId}, 'RU', 40, 'USD', ${t.load}
    from generate_series(1, 28) d, generate_series(0, 23) h, generate_series(0, 2) i
    where h >= 12 or i = 1`;
}

/** `count` first deposits today before noon MSK. */
async function morning(t: CapTeam, twOfferId: string, count: number): Promise<void> {
  await addEvents(sql, t, Array.from({ length: count }, (_, i) => ({ time: `2026-03-15T21:${String(10 + i).padStart(2, '0')}:00Z`, twOfferId })));
}

afterAll(async () => {
  await dropTeams(sql, teams);
  await sql.end();
});

describe('the exhaustion forecast', () => {
  it('follows the intraday curve, not a straight line from midnight: a quarter by noon means 4 × the morning, out at 20:00 MSK', async () => {
    const t = await team('Forecast curve');
    const { offer } = await cappedOffer(sql, t, 'CURVE', { cap_limit: 30 });
    await skewedHistory(t, 'curve');
    await morning(t, 'curve', 10);
    // The offer's spend: 240 a day over the week before, 10 an hour.
    await sql`insert into public.daily_metrics (workspace_id, date, campaign_id, offer_id, spend)
      select ${t.workspace}, date '2026-03-16' - d, 'c1', 'curve', 240 from generate_series(1, 7) d`;

    const [row] = (await refreshCaps(sql, t, noon))(offer);
    // A straight line would expect 20 and no run-out; the curve expects 10 / 0.25 = 40 and
    // 30 of them when 75 % of the day's share is in: 20:00 MSK.
    expect(row).toMatchObject({
      used: 10, status: 'ok', curve_source: 'offer', expected_total: 40,
      runs_out_at: '2026-03-16T17:00:00Z', spend_at_risk: 40,
    });
    // Every past day had the same shape (the back-test predicted each exactly), but 10
    // conversions pin today's pace only to about ±1/√10: 1 × (1 − 0.316) = 0.68.
    expect(row?.confidence).toBe(0.68);
  });

  it('trusts the same curve more as the day\'s conversions add up', async () => {
    const t = await team('Forecast evidence');
    const few = await cappedOffer(sql, t, 'FEW', { cap_limit: 300 });
    const many = await cappedOffer(sql, t, 'MANY', { cap_limit: 300 });
    await skewedHistory(t, 'few');
    await skewedHistory(t, 'many');
    await morning(t, 'few', 4);
    await morning(t, 'many', 40);
    const usage = await refreshCaps(sql, t, noon);
    expect(usage(few.offer)[0]?.confidence).toBe(0.5);
    expect(usage(many.offer)[0]?.confidence).toBe(0.84);
  });

  it('trusts a curve less when past days did not follow it', async () => {
    const t = await team('Forecast noisy');
    const { offer } = await cappedOffer(sql, t, 'NOISY', { cap_limit: 30 });
    await skewedHistory(t, 'noisy');
    // Every other past day brings 24 more first deposits before noon: those days front-load.
    await sql`
      insert into public.tw_events (workspace_id, event_id, event_time, event_type, offer_id, geo, load_id)
      select ${t.workspace}, format('m-%s-%s-%s', d, h, i), (date '2026-03-16' - d + make_interval(hours => h, mins => 45)) at time zone 'Europe/Moscow',
        'first_deposit', 'noisy', 'RU', ${t.load}
      from generate_series(2, 28, 2) d, generate_series(0, 11) h, generate_series(1, 2) i`;
    await morning(t, 'noisy', 10);
    const [row] = (await refreshCaps(sql, t, noon))(offer);
    expect(row?.curve_source).toBe('offer');
    expect(row?.confidence).toBeGreaterThan(0.3);
    expect(row?.confidence).toBeLessThan(0.9);
  });

  it('falls back on the workspace\'s curve, with less confidence, for an offer with too little history of its own', async () => {
    const t = await team('Forecast fallback');
    await cappedOffer(sql, t, 'RICH', { cap_limit: 1000 });
    const { offer } = await cappedOffer(sql, t, 'YOUNG', { cap_limit: 30 });
    await skewedHistory(t, 'rich');
    await morning(t, 'young', 10);
    const [row] = (await refreshCaps(sql, t, noon))(offer);
    expect(row).toMatchObject({ curve_source: 'workspace', expected_total: 40, runs_out_at: '2026-03-16T17:00:00Z' });
    expect(row?.confidence).toBeLessThanOrEqual(0.5);
    // Only mappings of a whole TW offer carry spend; this offer has none in the rollup.
    expect(row?.spend_at_risk).toBe(0);
  });

  it('gives no run-out moment when the expected total stays under the limit', async () => {
    const t = await team('Forecast under');
    const { offer } = await cappedOffer(sql, t, 'UNDER', { cap_limit: 41 });
    await skewedHistory(t, 'under');
    await morning(t, 'under', 10);
    const [row] = (await refreshCaps(sql, t, noon))(offer);
    expect(row).toMatchObject({ expected_total: 40, runs_out_at: null, spend_at_risk: 0 });
  });

  it('gives no run-out moment and no confidence without history (nor with too little), however fast the morning went', async () => {
    const t = await team('Forecast empty');
    const { offer } = await cappedOffer(sql, t, 'EMPTY', { cap_limit: 12 });
    await morning(t, 'empty', 10);
    // Three past days are fewer than the curve needs (7).
    await addEvents(sql, t, [1, 2, 3].map((d) => ({ time: `2026-03-${String(15 - d).padStart(2, '0')}T10:00:00Z`, twOfferId: 'empty' })));
    const [row] = (await refreshCaps(sql, t, noon))(offer);
    expect(row).toMatchObject({ used: 10, curve_source: 'none', expected_total: null, runs_out_at: null, confidence: 0 });
  });

  it('computes the curve once per period and keeps it for later recounts of that period', async () => {
    const t = await team('Forecast cached');
    const { offer } = await cappedOffer(sql, t, 'CACHED', { cap_limit: 30 });
    await skewedHistory(t, 'cached');
    await morning(t, 'cached', 10);
    await refreshCaps(sql, t, noon);
    await sql`delete from public.tw_events where workspace_id = ${t.workspace} and event_id like 'h-%'`;
    const [row] = (await refreshCaps(sql, t, '2026-03-16T09:30:00Z'))(offer);
    expect(row).toMatchObject({ curve_source: 'offer' });
    const [tomorrow] = (await refreshCaps(sql, t, '2026-03-17T09:00:00Z'))(offer);
    expect(tomorrow).toMatchObject({ curve_source: 'none', runs_out_at: null });
  });
});
