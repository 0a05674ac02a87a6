import type { SupabaseClient } from '@supabase/supabase-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { db } from '../support/clients.ts';
import { createUser, signIn } from '../support/users.ts';

/** program_payout_calendar(): the payout dates a program's schedule gives and what each pays for. */

const sql = db();
const ip = '198.51.100.171';
const ws = '40000000-0000-4000-8000-0000000f7101';
const elsewhere = '40000000-0000-4000-8000-0000000f7102';
let managerSession: SupabaseClient;
let viewerSession: SupabaseClient;
let outsiderSession: SupabaseClient;

interface Terms {
  payout_schedule: 'net7' | 'net15' | 'net30' | 'weekly';
  payout_weekdays?: number[];
  hold_days?: number;
  time_zone?: string;
}

interface Payout {
  payout_date: string;
  period_start: string;
  period_end: string;
  conversions_from: string;
  conversions_to: string;
  conversions_from_at: string;
  conversions_until_at: string;
}

let programCount = 0;

async function program(terms: Terms): Promise<string> {
  programCount += 1;
  const { data, error } = await managerSession
    .from('affiliate_programs')
    .insert({ workspace_id: ws, name: `Calendar ${programCount}`, ...terms })
    .select('id')
    .single();
  expect(error).toBeNull();
  return (data as { id: string }).id;
}

async function calendar(programId: string, fromDate: string | null, payouts: number, session = viewerSession): Promise<Payout[]> {
  const { data, error } = await session.rpc('program_payout_calendar', { program: programId, ...(fromDate ? { from_date: fromDate } : {}), payouts });
  expect(error).toBeNull();
  return data as Payout[];
}

/** payout date: conversions from – to (the period, moved back by the hold). */
const brief = (rows: Payout[]) => rows.map((r) => `${r.payout_date}: ${r.conversions_from}–${r.conversions_to}`);

beforeAll(async () => {
  await sql`insert into public.workspaces (id, name) values (${ws}, 'Calendar team'), (${elsewhere}, 'Another calendar team')`;
  const manager = await createUser(sql, 'calendar-manager');
  const viewer = await createUser(sql, 'calendar-viewer');
  const outsider = await createUser(sql, 'calendar-outsider');
  await sql`insert into public.workspace_members values
    (${ws}, ${manager.id}, 'affiliate_manager'), (${ws}, ${viewer.id}, 'read_only'), (${elsewhere}, ${outsider.id}, 'admin')`;
  [managerSession, viewerSession, outsiderSession] = await Promise.all([signIn(manager, ip), signIn(viewer, ip), signIn(outsider, ip)]);
});

afterAll(async () => {
  await sql`delete from public.workspaces where id in (${ws}, ${elsewhere})`;
  await sql.end();
});

describe('NET schedules', () => {
  it('net30 pays each calendar month 30 days after its last day, month ends included', async () => {
    const id = await program({ payout_schedule: 'net30' });
    const rows = await calendar(id, '2027-01-15', 3);
    // November closes on the 30th and is paid 30 December, before the 15th of January.
    expect(brief(rows)).toEqual(['2027-01-30: 2026-12-01–2026-12-31', '2027-03-02: 2027-01-01–2027-01-31', '2027-03-30: 2027-02-01–2027-02-28']);
    expect(rows[0]).toMatchObject({ period_start: '2026-12-01', period_end: '2026-12-31' });
    // A leap February: January's 31 days + 30 land on 1 March, February's 29th on 30 March.
    expect(brief(await calendar(id, '2028-02-01', 2))).toEqual(['2028-03-01: 2028-01-01–2028-01-31', '2028-03-30: 2028-02-01–2028-02-29']);
  });

  it('net15 pays each half month (1st–15th, 16th–month end) 15 days after it closes', async () => {
    const id = await program({ payout_schedule: 'net15' });
    expect(brief(await calendar(id, '2027-02-01', 4))).toEqual([
      '2027-02-15: 2027-01-16–2027-01-31',
      '2027-03-02: 2027-02-01–2027-02-15',
      '2027-03-15: 2027-02-16–2027-02-28',
      '2027-03-30: 2027-03-01–2027-03-15',
    ]);
  });

  it('net7 pays each Monday–Sunday week 7 days after its Sunday; a payout on from_date is included', async () => {
    const id = await program({ payout_schedule: 'net7' });
    expect(brief(await calendar(id, '2027-01-06', 2))).toEqual(['2027-01-10: 2026-12-28–2027-01-03', '2027-01-17: 2027-01-04–2027-01-10']);
    expect(brief(await calendar(id, '2027-01-10', 1))).toEqual(['2027-01-10: 2026-12-28–2027-01-03']);
    expect(brief(await calendar(id, '2027-01-11', 1))).toEqual(['2027-01-17: 2027-01-04–2027-01-10']);
  });
});

describe('weekly schedules', () => {
  it('pays on each chosen weekday for the days since the previous payout day', async () => {
    const id = await program({ payout_schedule: 'weekly', payout_weekdays: [2, 5] });
    // 2027-01-06 is a Wednesday: Friday the 8th, Tuesday the 12th, Friday the 15th.
    expect(brief(await calendar(id, '2027-01-06', 3))).toEqual(['2027-01-08: 2027-01-05–2027-01-07', '2027-01-12: 2027-01-08–2027-01-11', '2027-01-15: 2027-01-12–2027-01-14']);
  });

  it('with one weekday, pays for the seven days before it, across a month end', async () => {
    const id = await program({ payout_schedule: 'weekly', payout_weekdays: [1] });
    expect(brief(await calendar(id, '2027-01-30', 2))).toEqual(['2027-02-01: 2027-01-25–2027-01-31', '2027-02-08: 2027-02-01–2027-02-07']);
  });
});

describe('hold days', () => {
  it('keep the payout dates and move the conversions paid for back by the hold', async () => {
    const id = await program({ payout_schedule: 'net30', hold_days: 14 });
    const [december] = await calendar(id, '2027-01-15', 1);
    expect(december).toMatchObject({ payout_date: '2027-01-30', period_start: '2026-12-01', period_end: '2026-12-31', conversions_from: '2026-11-17', conversions_to: '2026-12-17' });
    const weekly = await program({ payout_schedule: 'weekly', payout_weekdays: [5], hold_days: 3 });
    expect(brief(await calendar(weekly, '2027-01-06', 1))).toEqual(['2027-01-08: 2026-12-29–2027-01-04']);
  });
});

describe("the program's time zone", () => {
  it('gives the days paid for as moments of that zone', async () => {
    const id = await program({ payout_schedule: 'net7', time_zone: 'Asia/Vladivostok' });
    const [first] = await calendar(id, '2027-01-06', 1);
    expect(new Date(first?.conversions_from_at ?? '').toISOString()).toBe('2026-12-27T14:00:00.000Z');
    expect(new Date(first?.conversions_until_at ?? '').toISOString()).toBe('2027-01-03T14:00:00.000Z');
  });

  it("starts from the program's today when no day is given", async () => {
    const daily: Terms = { payout_schedule: 'weekly', payout_weekdays: [1, 2, 3, 4, 5, 6, 7] };
    const east = await program({ ...daily, time_zone: 'Pacific/Kiritimati' });
    const west = await program({ ...daily, time_zone: 'Pacific/Pago_Pago' });
    const [eastFirst] = await calendar(east, null, 1);
    const [westFirst] = await calendar(west, null, 1);
    const [today] = await sql<{ east: string; west: string }[]>`
      select to_char(now() at time zone 'Pacific/Kiritimati', 'YYYY-MM-DD') as east, to_char(now() at time zone 'Pacific/Pago_Pago', 'YYYY-MM-DD') as west`;
    // UTC+14 and UTC−11 are never on the same day.
    expect(eastFirst?.payout_date).toBe(today?.east);
    expect(westFirst?.payout_date).toBe(today?.west);
    expect(eastFirst?.payout_date).not.toBe(westFirst?.payout_date);
  });
});

describe('who may ask, and bad input', () => {
  it('answers members of every role, and tells others the program does not exist', async () => {
    const id = await program({ payout_schedule: 'net30' });
    expect(await calendar(id, '2027-01-15', 1, managerSession)).toHaveLength(1);
    expect(await calendar(id, '2027-01-15', 1, viewerSession)).toHaveLength(1);
    const refused = await outsiderSession.rpc('program_payout_calendar', { program: id, from_date: '2027-01-15' });
    expect(refused.error).toMatchObject({ code: 'P0001', message: 'This program does not exist' });
  });

  it('refuses a number of payouts outside 1–120 with a message that says the bounds', async () => {
    const id = await program({ payout_schedule: 'net30' });
    const none = await viewerSession.rpc('program_payout_calendar', { program: id, payouts: 0 });
    expect(none).toMatchObject({ status: 400, error: { code: '22023', message: 'Ask for 1 to 120 payouts, not 0' } });
    expect(await calendar(id, '2027-01-15', 120)).toHaveLength(120);
  });
});
