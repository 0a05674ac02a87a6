import type { SupabaseClient } from '@supabase/supabase-js';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { db } from '../support/clients.ts';
import { createUser, signIn } from '../support/users.ts';

/**
 * The alerts model (#15 part 1): one firing alert per condition (kind + subject), raised and
 * resolved by the server where data lands (a failed load) or by evaluation at a given moment
 * (stale data, a payout due tomorrow in the program's time zone); members read and
 * acknowledge them, read-only members and outsiders cannot.
 */

const sql = db();
const ip = '198.51.100.172';
const ws = '40000000-0000-4000-8000-0000000a1e01';
const elsewhere = '40000000-0000-4000-8000-0000000a1e02';
const sessions: Record<'buyer' | 'viewer' | 'outsider', SupabaseClient> = {} as never;
let buyerId = '';

interface AlertRow {
  id: string;
  kind: string;
  severity: string;
  subject_type: string;
  subject_id: string;
  status: string;
  params: Record<string, unknown>;
  fired_at: Date;
  last_seen_at: Date;
  resolved_at: Date | null;
  severity_raised_at: Date | null;
  acknowledged_at: Date | null;
  acknowledged_by: string | null;
}

async function alerts(kind: string, workspace = ws): Promise<AlertRow[]> {
  return sql<AlertRow[]>`select * from public.alerts where workspace_id = ${workspace} and kind = ${kind} order by fired_at, id`;
}

/** A load row as the ETL leaves it; `finish` moves it to its end the way etl_finish does (one update of status). */
async function load(source: string, finishedAt: string, status: 'done' | 'failed', workspace = ws): Promise<string> {
  const [row] = await sql`insert into public.etl_loads (workspace_id, source, file_name, status, started_at)
    values (${workspace}, ${source}, ${`${source}-${finishedAt}.csv`}, 'running', ${finishedAt}::timestamptz - interval '1 minute') returning id`;
  await sql`update public.etl_loads set status = ${status}, finished_at = ${finishedAt},
    error_summary = ${status === 'failed' ? 'Line 7: the date 31.02.2026 does not exist' : null} where id = ${row?.id}`;
  return row?.id;
}

beforeAll(async () => {
  // The job judges every workspace at the real now, which would raise or end this file's
  // alerts between its steps at fixed moments; no other test file relies on it.
  await sql`update cron.job set active = false where jobname = 'evaluate-alerts'`;
  await sql`insert into public.workspaces (id, name) values (${ws}, 'Alerts team'), (${elsewhere}, 'Another alerts team')`;
  const buyer = await createUser(sql, 'alerts-buyer');
  const viewer = await createUser(sql, 'alerts-viewer');
  const outsider = await createUser(sql, 'alerts-outsider');
  buyerId = buyer.id;
  await sql`insert into public.workspace_members values (${ws}, ${buyer.id}, 'media_buyer'), (${ws}, ${viewer.id}, 'read_only'), (${elsewhere}, ${outsider.id}, 'admin')`;
  sessions.buyer = await signIn(buyer, ip);
  sessions.viewer = await signIn(viewer, ip);
  sessions.outsider = await signIn(outsider, ip);
});

beforeEach(async () => {
  for (const workspace of [ws, elsewhere]) {
    await sql`delete from public.alerts where workspace_id = ${workspace}`;
    await sql`delete from public.etl_loads where workspace_id = ${workspace}`;
    await sql`delete from public.affiliate_programs where workspace_id = ${workspace}`;
  }
  await sql`update public.workspaces set alert_stale_after_hours = 26 where id in (${ws}, ${elsewhere})`;
});

afterAll(async () => {
  await sql`update cron.job set active = true where jobname = 'evaluate-alerts'`;
  await sql`delete from public.workspaces where id in (${ws}, ${elsewhere})`;
  await sql.end();
});

describe('a failed load', () => {
  it('fires an alert about that load the moment it fails, with what the person needs to act on; a later done load of the same source resolves it', async () => {
    const failed = await load('tw_events', '2026-05-04T06:00:00Z', 'failed');
    const [alert] = await alerts('load_failed');
    expect(alert).toMatchObject({ status: 'firing', severity: 'warning', subject_type: 'load', subject_id: failed });
    expect(alert?.params).toMatchObject({ source: 'tw_events', error: 'Line 7: the date 31.02.2026 does not exist' });
    expect(alert?.fired_at.toISOString()).toBe('2026-05-04T06:00:00.000Z');

    // Clicks loading fine does not end a conversions failure; conversions loading fine does.
    await load('tw_clicks', '2026-05-04T07:00:00Z', 'done');
    expect((await alerts('load_failed')).map((a) => a.status)).toEqual(['firing']);
    await load('tw_events', '2026-05-04T08:00:00Z', 'done');
    const [after] = await alerts('load_failed');
    expect(after).toMatchObject({ status: 'resolved' });
    expect(after?.resolved_at?.toISOString()).toBe('2026-05-04T08:00:00.000Z');
  });

  it('is one alert per load: two failures are two alerts, and another workspace\'s failure is not ours', async () => {
    await load('tw_events', '2026-05-04T06:00:00Z', 'failed');
    await load('tw_events', '2026-05-04T06:30:00Z', 'failed');
    await load('tw_events', '2026-05-04T06:40:00Z', 'failed', elsewhere);
    expect(await alerts('load_failed')).toHaveLength(2);
    expect(await alerts('load_failed', elsewhere)).toHaveLength(1);
  });
});

describe('the same condition seen again', () => {
  it('stays one firing alert: a repeat moves its last sighting and params, a higher severity is stamped, a lower one never lowers it', async () => {
    const raise = (severity: string, at: string, percent: number) =>
      sql`select private.raise_alert(${ws}, 'cap', ${severity}, 'offer', 'offer-1', ${JSON.stringify({ percent })}::text::jsonb, 'program-1', ${at})`;
    await raise('warning', '2026-05-04T09:00:00Z', 81);
    await raise('warning', '2026-05-04T09:05:00Z', 84);
    let [alert, ...rest] = await alerts('cap');
    expect(rest).toEqual([]);
    expect(alert).toMatchObject({ severity: 'warning', severity_raised_at: null, params: { percent: 84 } });
    expect(alert?.fired_at.toISOString()).toBe('2026-05-04T09:00:00.000Z');
    expect(alert?.last_seen_at.toISOString()).toBe('2026-05-04T09:05:00.000Z');

    await raise('critical', '2026-05-04T10:00:00Z', 96);
    await raise('warning', '2026-05-04T10:05:00Z', 90);
    [alert, ...rest] = await alerts('cap');
    expect(rest).toEqual([]);
    expect(alert).toMatchObject({ severity: 'critical', params: { percent: 90 } });
    expect(alert?.severity_raised_at?.toISOString()).toBe('2026-05-04T10:00:00.000Z');

    // Once it has ended, the condition holding again is a new alert.
    await sql`select private.resolve_alert(${ws}, 'cap', 'offer', 'offer-1', '2026-05-04T21:00:00Z')`;
    await raise('warning', '2026-05-05T09:00:00Z', 80);
    expect((await alerts('cap')).map((a) => [a.status, a.severity])).toEqual([['resolved', 'critical'], ['firing', 'warning']]);
  });
});

describe('stale data', () => {
  it('fires when a source the workspace loads has had no done load for longer than its setting, and ends with the next load', async () => {
    await load('tw_events', '2026-05-03T06:00:00Z', 'done');
    await load('tw_clicks', '2026-05-04T05:00:00Z', 'done');
    await sql`select private.evaluate_alerts('2026-05-04T07:59:00Z', ${ws})`;
    expect(await alerts('data_stale')).toEqual([]);
    // 26 h after the last conversions load; clicks are 3 h old and spend was never loaded.
    await sql`select private.evaluate_alerts('2026-05-04T08:01:00Z', ${ws})`;
    const [alert, ...rest] = await alerts('data_stale');
    expect(rest).toEqual([]);
    expect(alert).toMatchObject({ status: 'firing', subject_type: 'source', subject_id: 'tw_events', params: { hours: 26 } });
    await sql`select private.evaluate_alerts('2026-05-04T09:00:00Z', ${ws})`;
    expect(await alerts('data_stale')).toHaveLength(1);

    await load('tw_events', '2026-05-04T09:30:00Z', 'done');
    await sql`select private.evaluate_alerts('2026-05-04T09:31:00Z', ${ws})`;
    expect((await alerts('data_stale')).map((a) => a.status)).toEqual(['resolved']);
  });

  it('follows the workspace\'s setting, and none when it is off', async () => {
    await load('tw_events', '2026-05-04T00:00:00Z', 'done');
    await sql`update public.workspaces set alert_stale_after_hours = 4 where id = ${ws}`;
    await sql`select private.evaluate_alerts('2026-05-04T04:30:00Z', ${ws})`;
    expect(await alerts('data_stale')).toHaveLength(1);
    await sql`update public.workspaces set alert_stale_after_hours = null where id = ${ws}`;
    await sql`select private.evaluate_alerts('2026-05-04T05:00:00Z', ${ws})`;
    expect((await alerts('data_stale')).map((a) => a.status)).toEqual(['resolved']);
  });
});

describe('a payout due tomorrow', () => {
  it('fires on the day before the payout in the program\'s time zone, stays through the payout day, and ends after it', async () => {
    // Weekly on Fridays, in Vladivostok (UTC+10). Friday 2026-05-08 is the payout day there.
    const [program] = await sql`insert into public.affiliate_programs (workspace_id, name, payout_schedule, payout_weekdays, time_zone)
      values (${ws}, 'Far East Partners', 'weekly', '{5}', 'Asia/Vladivostok') returning id`;
    const at = async (moment: string) => {
      await sql`select private.evaluate_alerts(${moment}, ${ws})`;
      return (await alerts('payout_due')).map((a) => [a.status, a.params.payout_date]);
    };
    // Wednesday 23:59 in Vladivostok: Friday is not tomorrow yet.
    expect(await at('2026-05-06T13:59:00Z')).toEqual([]);
    // Thursday 00:01 in Vladivostok, still Wednesday in UTC.
    expect(await at('2026-05-06T14:01:00Z')).toEqual([['firing', '2026-05-08']]);
    // Friday in Vladivostok: due today, still firing.
    expect(await at('2026-05-07T20:00:00Z')).toEqual([['firing', '2026-05-08']]);
    // Saturday there: it has passed.
    expect(await at('2026-05-08T14:30:00Z')).toEqual([['resolved', '2026-05-08']]);
    const [alert] = await alerts('payout_due');
    expect(alert).toMatchObject({ subject_type: 'program', subject_id: program?.id, severity: 'info', params: { program: 'Far East Partners', time_zone: 'Asia/Vladivostok' } });
  });
});

describe('who sees and acknowledges alerts', () => {
  it('members read their workspace\'s alerts; an outsider reads none; nobody writes them through the API', async () => {
    await load('tw_events', '2026-05-04T06:00:00Z', 'failed');
    const { data: seen } = await sessions.viewer.from('alerts').select('kind').eq('workspace_id', ws);
    expect(seen).toEqual([{ kind: 'load_failed' }]);
    const { data: hidden } = await sessions.outsider.from('alerts').select('kind').eq('workspace_id', ws);
    expect(hidden).toEqual([]);
    const { error: forged } = await sessions.buyer.from('alerts').insert({ workspace_id: ws, kind: 'load_failed', severity: 'warning', subject_type: 'load', subject_id: 'forged' });
    expect(forged?.code).toBe('42501');
    const { error: resolved } = await sessions.buyer.from('alerts').update({ status: 'resolved', resolved_at: new Date().toISOString() }).eq('workspace_id', ws);
    expect(resolved?.code).toBe('42501');
    const { error: raised } = await sessions.buyer.schema('private' as never).rpc('raise_alert', { workspace: ws });
    expect(raised).not.toBeNull();
  });

  it('a media buyer acknowledges; the first acknowledgement stays; read-only members and outsiders cannot', async () => {
    await load('tw_events', '2026-05-04T06:00:00Z', 'failed');
    const [alert] = await alerts('load_failed');
    const { error: viewer } = await sessions.viewer.rpc('acknowledge_alert', { alert_id: alert?.id });
    expect(viewer?.code).toBe('42501');
    const { error: outsider } = await sessions.outsider.rpc('acknowledge_alert', { alert_id: alert?.id });
    expect(outsider?.code).toBe('P0002');
    expect((await alerts('load_failed'))[0]?.acknowledged_by).toBeNull();

    const { data, error } = await sessions.buyer.rpc('acknowledge_alert', { alert_id: alert?.id });
    expect(error).toBeNull();
    expect(data).toMatchObject({ id: alert?.id, acknowledged_by: buyerId });
    const first = (await alerts('load_failed'))[0];
    await sessions.buyer.rpc('acknowledge_alert', { alert_id: alert?.id });
    expect((await alerts('load_failed'))[0]?.acknowledged_at).toEqual(first?.acknowledged_at);
  });

  it('the evaluation job runs every minute', async () => {
    const [job] = await sql`select schedule, command from cron.job where jobname = 'evaluate-alerts'`;
    expect(job).toEqual({ schedule: '* * * * *', command: 'select private.evaluate_alerts()' });
  });
});
