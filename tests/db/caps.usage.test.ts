import type { SupabaseClient } from '@supabase/supabase-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { db } from '../support/clients.ts';
import { addEvents, capTeam, cappedOffer, dropTeams, refreshCaps, usageOf, type CapTeam } from '../support/caps.ts';
import { upload } from '../support/etl.ts';
import { createUser, signIn, type TestUser } from '../support/users.ts';

/**
 * Cap usage as the server counts it: periods bounded by the cap's own midnights (Moscow, a
 * Berlin DST day of 23 and of 25 hours, weeks from Monday), per GEO or for the whole offer,
 * each metric, the statuses at the thresholds, and a recount when a load is applied or
 * rolled back. Every count is as of a fixed moment, never the clock.
 */

const sql = db();
const ip = '198.51.100.151';
const teams: CapTeam[] = [];
let buyerUser: TestUser;
let buyer: SupabaseClient;

async function team(name: string, zone = 'UTC'): Promise<CapTeam> {
  const created = await capTeam(sql, name, zone);
  teams.push(created);
  return created;
}

beforeAll(async () => {
  buyerUser = await createUser(sql, 'caps-buyer');
  buyer = await signIn(buyerUser, ip);
});

afterAll(async () => {
  await dropTeams(sql, teams);
  await sql`delete from auth.users where id = ${buyerUser.id}`;
  await sql.end();
});

describe('periods in the cap\'s time zone', () => {
  it('counts a Moscow day from 00:00 to 24:00 MSK, only conversions of the cap\'s type, up to the moment', async () => {
    const t = await team('Caps Moscow day', 'Europe/Moscow');
    const { offer } = await cappedOffer(sql, t, 'MSK-DAY', { cap_limit: 10, period: 'day' });
    await addEvents(sql, t, [
      { time: '2026-03-15T20:59:59Z', twOfferId: 'msk-day' },
      { time: '2026-03-15T21:00:00Z', twOfferId: 'msk-day' },
      { time: '2026-03-16T20:00:00Z', twOfferId: 'msk-day' },
      { time: '2026-03-16T20:10:00Z', twOfferId: 'msk-day', type: 'registration' },
      { time: '2026-03-16T20:20:00Z', twOfferId: 'other-offer' },
      { time: '2026-03-16T20:40:00Z', twOfferId: 'msk-day' },
    ]);
    const usage = await refreshCaps(sql, t, '2026-03-16T20:30:00Z');
    expect(usage(offer)).toEqual([
      expect.objectContaining({ geo: '', used: 2, time_zone: 'Europe/Moscow', period_start: '2026-03-15T21:00:00Z', period_end: '2026-03-16T21:00:00Z', status: 'ok' }),
    ]);
  });

  it('gives the Berlin day the clocks go forward 23 hours and the day they go back 25, in the cap\'s own zone over the program\'s', async () => {
    const t = await team('Caps Berlin DST', 'Europe/Moscow');
    const spring = await cappedOffer(sql, t, 'BER-SPRING', { cap_limit: 10, time_zone: 'Europe/Berlin' });
    await addEvents(sql, t, [
      { time: '2026-03-28T22:59:59Z', twOfferId: 'ber-spring' },
      { time: '2026-03-28T23:00:00Z', twOfferId: 'ber-spring' },
      { time: '2026-03-29T21:59:00Z', twOfferId: 'ber-spring' },
    ]);
    const springUsage = await refreshCaps(sql, t, '2026-03-29T21:59:30Z');
    expect(springUsage(spring.offer)).toEqual([
      expect.objectContaining({ used: 2, time_zone: 'Europe/Berlin', period_start: '2026-03-28T23:00:00Z', period_end: '2026-03-29T22:00:00Z' }),
    ]);

    const autumn = await cappedOffer(sql, t, 'BER-AUTUMN', { cap_limit: 10, time_zone: 'Europe/Berlin' });
    await addEvents(sql, t, [
      { time: '2026-10-24T21:59:59Z', twOfferId: 'ber-autumn' },
      { time: '2026-10-24T22:00:00Z', twOfferId: 'ber-autumn' },
      { time: '2026-10-25T22:59:00Z', twOfferId: 'ber-autumn' },
    ]);
    const autumnUsage = await refreshCaps(sql, t, '2026-10-25T22:59:30Z');
    expect(autumnUsage(autumn.offer)).toEqual([
      expect.objectContaining({ used: 2, period_start: '2026-10-24T22:00:00Z', period_end: '2026-10-25T23:00:00Z' }),
    ]);
  });

  it('starts weeks on Monday and months on the 1st at local midnight; lifetime (and the old "total") counts from the first terms', async () => {
    const t = await team('Caps weeks', 'Europe/Moscow');
    const week = await cappedOffer(sql, t, 'WEEK', { cap_limit: 10, period: 'week' }, { twOfferId: 'shared' });
    const month = await cappedOffer(sql, t, 'MONTH', { cap_limit: 10, period: 'month' }, { twOfferId: 'shared', linkTitle: 'month' });
    const lifetime = await cappedOffer(sql, t, 'LIFE', { cap_limit: 10, period: 'lifetime' }, { twOfferId: 'life' });
    const total = await cappedOffer(sql, t, 'TOTAL', { cap_limit: 10, period: 'total' }, { twOfferId: 'total' });
    await addEvents(sql, t, [
      // Sunday 23:59 MSK of the week before, then Monday 00:00 MSK.
      { time: '2026-03-15T20:59:00Z', twOfferId: 'shared' },
      { time: '2026-03-15T21:00:00Z', twOfferId: 'shared' },
      // February 28th 23:59 MSK, then March 1st 00:00 MSK, of the link the monthly cap maps.
      { time: '2026-02-28T20:59:00Z', twOfferId: 'shared', linkTitle: 'month' },
      { time: '2026-02-28T21:00:00Z', twOfferId: 'shared', linkTitle: 'month' },
      { time: '2020-06-01T00:00:00Z', twOfferId: 'life' },
      { time: '2026-03-20T00:00:00Z', twOfferId: 'life' },
      { time: '2019-12-31T23:59:59Z', twOfferId: 'total' },
      { time: '2026-03-20T00:00:00Z', twOfferId: 'total' },
    ]);
    const usage = await refreshCaps(sql, t, '2026-03-22T20:00:00Z');
    expect(usage(week.offer)).toEqual([
      expect.objectContaining({ used: 1, period_start: '2026-03-15T21:00:00Z', period_end: '2026-03-22T21:00:00Z' }),
    ]);
    expect(usage(month.offer)).toEqual([
      expect.objectContaining({ used: 1, period_start: '2026-02-28T21:00:00Z', period_end: '2026-03-31T21:00:00Z' }),
    ]);
    expect(usage(lifetime.offer)).toEqual([expect.objectContaining({ used: 2, period_start: '2020-01-01T00:00:00Z', period_end: null })]);
    expect(usage(total.offer)).toEqual([expect.objectContaining({ used: 1, period_start: '2020-01-01T00:00:00Z', period_end: null })]);
  });
});

describe('what a cap counts', () => {
  it('counts each GEO against the limit on its own when scoped per GEO, the whole offer otherwise', async () => {
    const t = await team('Caps GEO');
    const perGeo = await cappedOffer(sql, t, 'PER-GEO', { cap_limit: 2, scope: 'geo' }, { geos: ['RU', 'DE'] });
    const whole = await cappedOffer(sql, t, 'WHOLE', { cap_limit: 2 });
    const at = '2026-03-16T12:00:00Z';
    for (const twOfferId of ['per-geo', 'whole']) {
      await addEvents(sql, t, [
        { time: '2026-03-16T01:00:00Z', twOfferId, geo: 'RU' },
        { time: '2026-03-16T02:00:00Z', twOfferId, geo: 'RU' },
        { time: '2026-03-16T03:00:00Z', twOfferId, geo: 'KZ' },
      ]);
    }
    const usage = await refreshCaps(sql, t, at);
    expect(usage(perGeo.offer).map((r) => [r.geo, r.used, r.status])).toEqual([['DE', 0, 'ok'], ['KZ', 1, 'ok'], ['RU', 2, 'reached']]);
    expect(usage(whole.offer).map((r) => [r.geo, r.used, r.status])).toEqual([['', 3, 'reached']]);
  });

  it('counts conversions of a type, their payout, net revenue (base currency only) and TrafficWave clicks', async () => {
    const t = await team('Caps metrics');
    const conversions = await cappedOffer(sql, t, 'CONV', { cap_limit: 10 }, { twOfferId: 'tw' });
    const payout = await cappedOffer(sql, t, 'PAYOUT', { cap_limit: 1000, metric: 'payout' }, { twOfferId: 'tw', linkTitle: 'payout' });
    const revenue = await cappedOffer(sql, t, 'REVENUE', { cap_limit: 1000, metric: 'revenue' }, { twOfferId: 'tw', linkTitle: 'revenue' });
    const clicks = await cappedOffer(sql, t, 'CLICKS', { cap_limit: 1000, metric: 'clicks' }, { twOfferId: 'clicks' });
    const day = [
      { type: 'first_deposit', payout: 40 },
      { type: 'first_deposit', payout: 50, currency: 'EUR' },
      { type: 'registration', payout: 2 },
      { type: 'chargeback', payout: -30 },
    ];
    for (const linkTitle of [null, 'payout', 'revenue']) {
      await addEvents(sql, t, day.map((e, i) => ({ ...e, time: `2026-03-16T0${i}:00:00Z`, twOfferId: 'tw', linkTitle })));
    }
    await sql`insert into public.tw_clicks (workspace_id, date, campaign_id, offer_id, clicks, load_id) values
      (${t.workspace}, '2026-03-16', 'c1', 'clicks', 100, ${t.load}), (${t.workspace}, '2026-03-16', 'c2', 'clicks', 20, ${t.load}),
      (${t.workspace}, '2026-03-15', 'c1', 'clicks', 50, ${t.load})`;
    const usage = await refreshCaps(sql, t, '2026-03-16T12:00:00Z');
    // The whole TW offer's mapping covers the link events too: 3 × 2 first deposits.
    expect(usage(conversions.offer)[0]?.used).toBe(6);
    expect(usage(payout.offer)[0]?.used).toBe(40);
    expect(usage(revenue.offer)[0]?.used).toBe(12);
    expect(usage(clicks.offer)[0]?.used).toBe(120);
  });

  it('counts an event once for an offer that maps both its whole TW offer and one link of it', async () => {
    const t = await team('Caps double mapping');
    const { offer } = await cappedOffer(sql, t, 'TWICE', { cap_limit: 10 });
    await sql`insert into public.offer_mapping (workspace_id, offer_id, tw_offer_id, link_title) values (${t.workspace}, ${offer}, 'twice', 'landing-a')`;
    await addEvents(sql, t, [
      { time: '2026-03-16T01:00:00Z', twOfferId: 'twice', linkTitle: 'landing-a' },
      { time: '2026-03-16T02:00:00Z', twOfferId: 'twice', linkTitle: 'landing-b' },
    ]);
    expect((await refreshCaps(sql, t, '2026-03-16T12:00:00Z'))(offer)).toEqual([expect.objectContaining({ used: 2 })]);
  });

  it('is ok under the warning threshold, then warning, critical and reached at 80, 95 and 100 %', async () => {
    const t = await team('Caps statuses');
    const statuses: [number, string][] = [[79, 'ok'], [80, 'warning'], [94.99, 'warning'], [95, 'critical'], [99.99, 'critical'], [100, 'reached'], [130, 'reached']];
    const offers: string[] = [];
    for (const [i, [share]] of statuses.entries()) {
      const { offer } = await cappedOffer(sql, t, `S${i}`, { cap_limit: 100, metric: 'payout' });
      await addEvents(sql, t, [{ time: '2026-03-16T01:00:00Z', twOfferId: `s${i}`, payout: share }]);
      offers.push(offer);
    }
    const custom = await cappedOffer(sql, t, 'CUSTOM', { cap_limit: 100, metric: 'payout', warning_percent: 50, critical_percent: 70 });
    await addEvents(sql, t, [{ time: '2026-03-16T01:00:00Z', twOfferId: 'custom', payout: 60 }]);
    const usage = await refreshCaps(sql, t, '2026-03-16T12:00:00Z');
    const seen = [];
    for (const offer of offers) seen.push(usage(offer)[0]?.status);
    expect(seen).toEqual(statuses.map(([, status]) => status));
    expect(usage(custom.offer)[0]?.status).toBe('warning');
  });

  it('drops the row of an offer whose terms no longer have a cap', async () => {
    const t = await team('Caps dropped');
    const { offer } = await cappedOffer(sql, t, 'GONE', { cap_limit: 5 });
    expect((await refreshCaps(sql, t, '2026-03-16T12:00:00Z'))(offer)).toHaveLength(1);
    await sql`update public.offer_versions set valid_to = '2026-03-16T10:00:00Z' where offer_id = ${offer}`;
    expect((await refreshCaps(sql, t, '2026-03-16T12:00:00Z'))(offer)).toEqual([]);
  });
});

describe('when data lands', () => {
  it('recounts the workspace\'s caps when a load is applied and when it is rolled back, with no other call', async () => {
    const t = await team('Caps ETL');
    await sql`insert into public.workspace_members values (${t.workspace}, ${buyerUser.id}, 'media_buyer')`;
    const { offer } = await cappedOffer(sql, t, 'ETL-LIFE', { cap_limit: 3, period: 'lifetime' });
    expect((await refreshCaps(sql, t, '2026-03-16T12:00:00Z'))(offer)).toEqual([expect.objectContaining({ used: 0, status: 'ok' })]);

    const file = [
      'event_id,event_time,event_type,campaign_id,offer_id,geo,payout,currency',
      'l1,2020-06-01 10:00:00,first_deposit,c1,etl-life,RU,40,USD',
      'l2,2020-06-01 11:00:00,first_deposit,c1,etl-life,RU,40,USD',
      'l3,2020-06-01 12:00:00,first_deposit,c1,etl-life,KZ,40,USD',
      'l4,2020-06-01 12:00:00,registration,c1,etl-life,KZ,1,USD',
      '',
    ].join('\n');
    const { body } = await upload(buyer, t.workspace, 'caps.csv', file);
    expect(body.load.status).toBe('done');
    expect(await usageOf(sql, offer)).toEqual([expect.objectContaining({ used: 3, status: 'reached' })]);

    expect((await buyer.rpc('rollback_load', { load_id: body.load.id })).error).toBeNull();
    expect(await usageOf(sql, offer)).toEqual([expect.objectContaining({ used: 0, status: 'ok' })]);
    expect((await buyer.rpc('reapply_load', { load_id: body.load.id })).error).toBeNull();
    expect(await usageOf(sql, offer)).toEqual([expect.objectContaining({ used: 3, status: 'reached' })]);
  });

  it('is refreshed for every workspace with caps by a Supabase Cron job', async () => {
    const [job] = await sql`select schedule, command from cron.job where jobname = 'caps-refresh-usage'`;
    expect(job).toEqual({ schedule: '*/5 * * * *', command: 'select private.refresh_all_cap_usage()' });
    const t = await team('Caps cron');
    const { offer } = await cappedOffer(sql, t, 'CRON', { cap_limit: 5 });
    // As the job runs it, at the clock's now: the row's day (UTC here) contains that moment.
    const [row] = await sql.begin(async (tx) => {
      await tx`select private.refresh_all_cap_usage()`;
      return tx`select used::float8 as used, period_start <= now() and now() < period_end as current from public.cap_usage where offer_id = ${offer}`;
    });
    expect(row).toEqual({ used: 0, current: true });
  });
});
