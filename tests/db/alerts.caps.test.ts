import { afterAll, describe, expect, it } from 'vitest';
import { db } from '../support/clients.ts';
import { addEvents, capTeam, cappedOffer, dropTeams, refreshCaps, type CapTeam } from '../support/caps.ts';
import { createUser } from '../support/users.ts';

/**
 * Cap alerts follow cap usage (#15): approaching (warning, critical), reached (which ends the
 * approaching alert, so "95 %" is not told again), the forecast that the cap runs out before
 * the period ends, and all of them ending with the period. All as of fixed moments.
 */

const sql = db();
const teams: CapTeam[] = [];

async function team(name: string): Promise<CapTeam> {
  const created = await capTeam(sql, name, 'Europe/Moscow');
  teams.push(created);
  return created;
}

interface Alert {
  kind: string;
  severity: string;
  status: string;
  subject_id: string;
  group_key: string | null;
  params: Record<string, unknown>;
}

async function alertsOf(t: CapTeam): Promise<Alert[]> {
  return sql<Alert[]>`select kind, severity, status, subject_id, group_key, params from public.alerts where workspace_id = ${t.workspace} order by fired_at, kind`;
}

const brief = (alerts: Alert[]) => alerts.map((a) => `${a.kind} ${a.severity} ${a.status}`);

/** `count` first deposits of the TW offer on 16 March 2026 (Moscow), from 00:10 MSK, a minute apart, after `skip` earlier ones. */
async function deposits(t: CapTeam, twOfferId: string, count: number, skip = 0, geo = 'RU'): Promise<void> {
  await addEvents(sql, t, Array.from({ length: count }, (_, i) => ({
    time: new Date(Date.parse('2026-03-15T21:10:00Z') + (skip + i) * 60_000).toISOString(), twOfferId, geo,
  })));
}

afterAll(async () => {
  await dropTeams(sql, teams);
  await sql.end();
});

describe('cap alerts', () => {
  it('warn at 80 %, turn critical at 95 %, and on reaching the cap the approaching alert ends and "reached" fires, told once', async () => {
    const t = await team('Cap alerts thresholds');
    const { offer } = await cappedOffer(sql, t, 'THRESH', { cap_limit: 20 });
    const buyer = await createUser(sql, 'cap-alerts-buyer');
    await sql`insert into public.workspace_members values (${t.workspace}, ${buyer.id}, 'media_buyer')`;
    await deposits(t, 'thresh', 15);
    await refreshCaps(sql, t, '2026-03-16T09:00:00Z');
    expect(await alertsOf(t)).toEqual([]);

    await deposits(t, 'thresh', 1, 15);
    await refreshCaps(sql, t, '2026-03-16T09:05:00Z');
    let alerts = await alertsOf(t);
    expect(brief(alerts)).toEqual(['cap warning firing']);
    expect(alerts[0]).toMatchObject({ subject_id: offer, group_key: t.program });
    expect(alerts[0]?.params).toMatchObject({ offer: 'THRESH offer', used: 16, limit: 20, percent: 80, time_zone: 'Europe/Moscow', period_start: '2026-03-15T21:00:00+00:00', first_day: '2026-03-16', last_day: '2026-03-16' });

    await deposits(t, 'thresh', 3, 16);
    await refreshCaps(sql, t, '2026-03-16T09:10:00Z');
    expect(brief(await alertsOf(t))).toEqual(['cap critical firing']);

    await deposits(t, 'thresh', 1, 19);
    await refreshCaps(sql, t, '2026-03-16T09:15:00Z');
    await refreshCaps(sql, t, '2026-03-16T09:20:00Z');
    alerts = await alertsOf(t);
    expect(brief(alerts)).toEqual(['cap critical resolved', 'cap_reached critical firing']);
    expect(alerts[1]?.params).toMatchObject({ used: 20, limit: 20, percent: 100 });
    // Told: the approach (fired warning, raised critical) and the reach, once each per person and channel.
    const told = await sql`select a.kind, n.reason, n.severity, count(distinct n.user_id)::int as people
      from public.alert_notifications n join public.alerts a on a.id = n.alert_id
      where a.workspace_id = ${t.workspace} group by 1, 2, 3 order by 1, 2, 3`;
    expect(told).toEqual([
      { kind: 'cap', reason: 'fired', severity: 'warning', people: 1 },
      { kind: 'cap', reason: 'raised', severity: 'critical', people: 1 },
      { kind: 'cap_reached', reason: 'fired', severity: 'critical', people: 1 },
    ]);
  });

  it('a cap counted per GEO alerts per GEO; a new period ends them', async () => {
    const t = await team('Cap alerts by GEO');
    const { offer } = await cappedOffer(sql, t, 'GEOCAP', { cap_limit: 5, scope: 'geo' }, { geos: ['RU', 'KZ'] });
    await deposits(t, 'geocap', 5, 0, 'RU');
    await deposits(t, 'geocap', 4, 5, 'KZ');
    await refreshCaps(sql, t, '2026-03-16T09:00:00Z');
    const alerts = await alertsOf(t);
    expect(alerts.map((a) => `${a.kind} ${a.subject_id}`).sort()).toEqual([`cap ${offer}/KZ`, `cap_reached ${offer}/RU`]);
    // Tuesday in Moscow: nothing counted yet.
    await refreshCaps(sql, t, '2026-03-17T06:00:00Z');
    expect(new Set((await alertsOf(t)).map((a) => a.status))).toEqual(new Set(['resolved']));
  });

  it('forecasts the run-out before the period ends when the curve is trusted, and ends the forecast once the cap is reached', async () => {
    const t = await team('Cap alerts forecast');
    const { offer } = await cappedOffer(sql, t, 'ETA', { cap_limit: 30 });
    // 28 past Moscow days shaped alike: one first deposit an hour until noon, three an hour
    // after, so a quarter of a day's 48 arrive by noon (as tests/db/caps.forecast.test.ts).
    await sql`
      insert into public.tw_events (workspace_id, event_id, event_time, event_type, offer_id, geo, payout, currency, load_id)
      select ${t.workspace}, format('h-%s-%s-%s', d, h, i), (date '2026-03-16' - d + make_interval(hours => h, mins => 10 + 20 * i)) at time zone 'Europe/Moscow',
        'first_deposit', 'eta', 'RU', 40, 'USD', ${t.load}
      from generate_series(1, 28) d, generate_series(0, 23) h, generate_series(0, 2) i
      where h >= 12 or i = 1`;
    await deposits(t, 'eta', 10);
    // Noon in Moscow: 10 of 30, a third, yet at this pace the cap runs out at 20:00 MSK.
    await refreshCaps(sql, t, '2026-03-16T09:00:00Z');
    const [forecast, ...rest] = await alertsOf(t);
    expect(rest).toEqual([]);
    expect(forecast).toMatchObject({ kind: 'cap_forecast', severity: 'warning', status: 'firing', subject_id: offer });
    expect(forecast?.params).toMatchObject({ eta: '2026-03-16T17:00:00+00:00', confidence: 0.68, used: 10, limit: 30 });

    await deposits(t, 'eta', 20, 10);
    await refreshCaps(sql, t, '2026-03-16T09:30:00Z');
    expect(brief(await alertsOf(t))).toEqual(['cap_forecast warning resolved', 'cap_reached critical firing']);
  });
});
