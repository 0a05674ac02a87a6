import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { client, db } from '../support/clients.ts';
import { signIn, createUser } from '../support/users.ts';

/**
 * Supabase Cron (pg_cron) through its SQL interface, as migrations use it: on this server the
 * local stack's stand-in and its runner. Job names carry a run id: the stack is shared.
 */
const sql = db();
const run = randomUUID().slice(0, 8);
const ticks = `cron_ticks_${run}`;

beforeAll(async () => {
  await sql.unsafe(`create table public.${ticks} (at timestamptz default now(), by text default current_user)`);
});

afterAll(async () => {
  await sql`delete from cron.job where jobname like ${`%-${run}`}`;
  await sql.unsafe(`drop table if exists public.${ticks}`);
  await sql.end();
});

async function runsOf(jobname: string): Promise<{ status: string; return_message: string }[]> {
  return sql<{ status: string; return_message: string }[]>`
    select d.status, d.return_message from cron.job_run_details d join cron.job j using (jobid) where j.jobname = ${jobname} order by d.runid`;
}

describe('scheduled jobs', () => {
  it('runs a job every N seconds as its user, records each run, and stops once it is unscheduled', async () => {
    const name = `tick-${run}`;
    const [scheduled] = await sql<{ id: string }[]>`select cron.schedule(${name}, '1 seconds', ${`insert into public.${ticks} default values`}) as id`;
    expect(Number(scheduled?.id)).toBeGreaterThan(0);
    await expect.poll(async () => (await sql.unsafe(`select count(*)::int as n from public.${ticks}`))[0]?.n, { timeout: 10_000, interval: 200 }).toBeGreaterThanOrEqual(2);
    expect((await sql.unsafe(`select distinct by from public.${ticks}`)).map((r) => r.by)).toEqual(['postgres']);
    expect((await runsOf(name)).slice(0, 2)).toEqual([
      { status: 'succeeded', return_message: 'INSERT 1' },
      { status: 'succeeded', return_message: 'INSERT 1' },
    ]);
    await sql`select cron.unschedule(${name})`;
    await new Promise((r) => setTimeout(r, 1_500));
    const [{ n: settled } = { n: 0 }] = await sql.unsafe(`select count(*)::int as n from public.${ticks}`);
    await new Promise((r) => setTimeout(r, 2_000));
    expect((await sql.unsafe(`select count(*)::int as n from public.${ticks}`))[0]?.n).toBe(settled);
  }, 30_000);

  it('changes a job scheduled again under its name, and records a failing run without stopping the others', async () => {
    const failing = `failing-${run}`;
    const first = await sql<{ id: string }[]>`select cron.schedule(${failing}, '59 seconds', 'select 1')`;
    const again = await sql<{ id: string }[]>`select cron.schedule(${failing}, '1 seconds', 'select 1/0') as id`;
    expect(again[0]?.id).toBe(Object.values(first[0] ?? {})[0]);
    expect(await sql`select schedule, command from cron.job where jobname = ${failing}`).toEqual([{ schedule: '1 seconds', command: 'select 1/0' }]);
    await expect.poll(async () => (await runsOf(failing)).some((r) => r.status === 'failed'), { timeout: 10_000, interval: 200 }).toBe(true);
    expect((await runsOf(failing)).find((r) => r.status === 'failed')?.return_message).toBe('division by zero');
    // The product's own job still runs beside it.
    const [reaper] = await sql<{ runs: number }[]>`
      select count(*)::int as runs from cron.job_run_details d join cron.job j using (jobid)
      where j.jobname = 'etl-reap-abandoned-loads' and d.status = 'succeeded'`;
    expect(reaper?.runs).toBeGreaterThan(0);
    await sql`select cron.unschedule(${failing})`;
  }, 30_000);

  it('refuses a schedule pg_cron would refuse, and a name it does not know', async () => {
    await expect(sql`select cron.schedule(${`bad-${run}`}, 'every minute', 'select 1')`).rejects.toThrow(/invalid schedule: every minute/);
    await expect(sql`select cron.unschedule(${`unknown-${run}`})`).rejects.toThrow(/could not find valid entry for job/);
  });

  it('is out of reach of the API roles', async () => {
    const person = await createUser(sql, `cron-${run}`);
    try {
      const api = await signIn(person, '203.0.113.61');
      for (const caller of [client(), api]) {
        const { error } = await caller.schema('cron' as never).from('job').select('*');
        expect(error, 'the cron schema is not exposed').not.toBeNull();
      }
      const asAuthenticated = await sql.begin(async (tx) => {
        await tx`set local role authenticated`;
        await tx`select cron.schedule('sneaky', '1 seconds', 'select 1')`;
      }).then(() => 'scheduled', (error: Error) => error.message);
      expect(asAuthenticated).toMatch(/permission denied for schema cron/);
    } finally {
      await sql`delete from auth.users where id = ${person.id}`;
    }
  });
});

