import type { SupabaseClient } from '@supabase/supabase-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { db } from '../support/clients.ts';
import { upload } from '../support/etl.ts';
import { createUser, signIn } from '../support/users.ts';

/**
 * Loads are applied batch by batch in one transaction, and a conversions load adds its sums to
 * the rollup instead of rebuilding its days (20261126100400_etl_streaming_merge.sql). These
 * tests hold the rollup to what a rebuild from the facts gives, through corrections that move,
 * rename and remove conversions, and check the file-order rules across batches.
 */

const sql = db();
const ip = '198.51.100.36';
const ws = '30000000-0000-4000-8000-00000000e001';
let buyer: SupabaseClient;

beforeAll(async () => {
  await sql`insert into public.workspaces (id, name) values (${ws}, 'Streaming team')`;
  const user = await createUser(sql, 'etl-stream');
  await sql`insert into public.workspace_members values (${ws}, ${user.id}, 'media_buyer')`;
  buyer = await signIn(user, ip);
});

afterAll(async () => {
  await sql`delete from public.workspaces where id = ${ws}`;
  await sql.end();
});

async function load(name: string, body: string): Promise<{ id: string; rows_superseded: string }> {
  const { body: answer } = await upload(buyer, ws, name, body);
  expect(answer.load, `${name}: ${answer.load.error_summary}`).toMatchObject({ status: 'done' });
  return answer.load;
}

function rollup() {
  return sql`
    select date::text, campaign_id, campaign_name, offer_id, geo, source, network_campaign_id, creative_id,
      spend::text, impressions::text, ad_clicks::text, installs::text, clicks::int, unique_clicks::int,
      registrations::int, ftds::int, deposits::int, deposits_amount::text, revenue::text, chargebacks::int,
      chargeback_amount::text, other_currency_rows::int
    from public.daily_metrics where workspace_id = ${ws}
    order by date, campaign_id, offer_id, geo, source, network_campaign_id, creative_id`;
}

/** The rollup as the loads left it must be row for row what a rebuild of every day gives. */
async function expectRollupToEqualRebuild(): Promise<void> {
  const kept = await rollup();
  await sql`select private.refresh_daily_metrics(${ws}, array(
    select date from public.daily_metrics where workspace_id = ${ws}
    union select (event_time at time zone 'UTC')::date from public.tw_events where workspace_id = ${ws}
    union select date from public.tw_clicks where workspace_id = ${ws}
    union select date from public.ad_spend where workspace_id = ${ws}))`;
  expect(kept).toEqual(await rollup());
}

const conversionsHeader = 'event_id,event_time,event_type,campaign_id,campaign_name,offer_id,geo,source,sub1,sub2,amount,payout,currency\n';

describe('a conversions load adds to the rollup', () => {
  it('and the rollup stays what a rebuild gives through corrections, renames, removals, rollback and re-apply', async () => {
    // o2 has a clicks row of zero clicks, so its share of n1's spend is zero; n5 spends nothing.
    await load('clicks.csv', 'date,campaign_id,offer_id,geo,source,sub1,clicks,unique_clicks\n' +
      '2026-08-01,c1,o1,RU,moloco,n1,100,90\n2026-08-02,c1,o1,RU,moloco,n1,50,40\n2026-08-02,c1,o2,RU,moloco,n1,0,0\n' +
      '2026-08-03,c1,o1,RU,moloco,n1,10,10\n2026-08-03,c1,o2,RU,moloco,n1,0,0\n');
    await load('spend.csv', 'Date,Campaign ID,Campaign,Ad Group ID,Ad Group,Creative ID,Creative,Country,Impressions,Clicks,Installs,Spend,Currency\n' +
      '2026-08-01,n1,M,g1,G,cr1,C,RU,1000,50,5,20.00,USD\n2026-08-02,n5,M,g1,G,cr5,C,RU,0,0,0,0.00,USD\n' +
      '2026-08-03,n1,M,g1,G,cr1,C,RU,500,20,2,10.00,USD\n');
    await load('conversions.csv', conversionsHeader +
      // Day 1: the group's greatest campaign name comes from a3.
      'a1,2026-08-01 10:00,registration,c1,Camp B,o1,RU,moloco,n1,cr1,,1,USD\n' +
      'a2,2026-08-01 11:00,registration,c1,Camp B,o1,RU,moloco,n1,cr1,,2,USD\n' +
      'a3,2026-08-01 12:00,first_deposit,c1,Camp Z,o1,RU,moloco,n1,cr1,100,40,USD\n' +
      // Day 2: a group of its own, one beside the zero-click clicks row, one in euros.
      'b1,2026-08-02 10:00,registration,c2,Solo,o3,KZ,moloco,n2,cr2,,3,USD\n' +
      'b2,2026-08-02 11:00,registration,c1,,o2,RU,moloco,n1,,,1,USD\n' +
      'b3,2026-08-02 12:00,deposit,c1,Camp B,o1,RU,moloco,n1,cr1,50,5,EUR\n' +
      'b4,2026-08-02 13:00,chargeback,c1,Camp B,o1,RU,moloco,n1,cr1,,-40,USD\n' +
      // Day 3: a conversion where n1's spend is shared to o2 at zero.
      'c1,2026-08-03 10:00,registration,c1,Camp B,o2,RU,moloco,n1,cr1,,1,USD\n');
    await expectRollupToEqualRebuild();

    const corrections = await load('corrections.csv', conversionsHeader +
      // a1's payout corrected; a3 renamed, so its group's name must come from the facts.
      'a1,2026-08-01 10:00,registration,c1,Camp B,o1,RU,moloco,n1,cr1,,5,USD\n' +
      'a3,2026-08-01 12:00,first_deposit,c1,Camp B,o1,RU,moloco,n1,cr1,100,40,USD\n' +
      // b1 and b2 move elsewhere: b1's group is left with nothing, b2's keeps its clicks row.
      'b1,2026-08-02 10:00,registration,c2,Solo,o4,KZ,moloco,n2,cr2,,3,USD\n' +
      'b2,2026-08-02 11:00,registration,c1,,o1,RU,moloco,n1,,,1,USD\n' +
      'b3,2026-08-02 12:00,deposit,c1,Camp B,o1,RU,moloco,n1,cr1,60,6,EUR\n' +
      // c1 leaves the group that spend reaches at zero.
      'c1,2026-08-03 10:00,registration,c1,Camp B,o1,RU,moloco,n1,cr1,,1,USD\n' +
      'c2,2026-08-04 09:00,registration,c9,Новая 🚀,o9,UZ,moloco,n9,cr9,,2,USD\n');
    expect(corrections.rows_superseded).toBe('6');
    await expectRollupToEqualRebuild();
    const [day1] = await sql`select campaign_name from public.daily_metrics where workspace_id = ${ws} and date = '2026-08-01' and offer_id = 'o1' and creative_id = 'cr1'`;
    expect(day1?.campaign_name).toBe('Camp B');
    const [gone] = await sql`select count(*)::int as n from public.daily_metrics where workspace_id = ${ws} and offer_id = 'o3'`;
    expect(gone?.n).toBe(0);

    const rolledBack = await buyer.rpc('rollback_load', { load_id: corrections.id });
    expect(rolledBack.error).toBeNull();
    await expectRollupToEqualRebuild();
    const reapplied = await buyer.rpc('reapply_load', { load_id: corrections.id });
    expect(reapplied.error).toBeNull();
    await expectRollupToEqualRebuild();

    // And a later load on top of the re-applied one goes by sums again.
    await load('more.csv', conversionsHeader + 'a2,2026-08-01 11:00,registration,c1,Camp B,o1,RU,moloco,n1,cr1,,9,USD\nd1,2026-08-02 09:00,registration,c2,Solo,o3,KZ,moloco,n2,cr2,,3,USD\n');
    await expectRollupToEqualRebuild();
  });
});

describe('file order across batches', () => {
  it('the last row of a key wins, within a batch and across batches, and the earlier rows leave no trace', async () => {
    const rows: string[] = [];
    for (let i = 0; i < 60_000; i++) rows.push(`k${i},2026-09-0${1 + (i % 7)} 10:00,registration,c1,C,o1,RU,moloco,n1,cr1,,1,USD`);
    rows[10] = 'dup-in-batch,2026-09-01 10:00,registration,c1,C,o1,RU,moloco,n1,cr1,,2,USD';
    rows[20] = 'dup-in-batch,2026-09-01 10:00,registration,c1,C,o1,RU,moloco,n1,cr1,,3,USD';
    rows[30] = 'dup-across,2026-09-02 10:00,first_deposit,c1,C,o1,RU,moloco,n1,cr1,10,4,USD';
    rows[55_000] = 'dup-across,2026-09-03 10:00,registration,c1,C,o1,RU,moloco,n1,cr1,,7,USD';
    const done = await load('batches.csv', conversionsHeader + rows.join('\n') + '\n');
    expect(done.rows_superseded).toBe('0');
    const active = await sql`select event_id, event_type::text, payout::text from public.tw_events
      where workspace_id = ${ws} and event_id like 'dup-%' order by event_id`;
    expect(active).toEqual([
      { event_id: 'dup-across', event_type: 'registration', payout: '7.00' },
      { event_id: 'dup-in-batch', event_type: 'registration', payout: '3.00' },
    ]);
    const [rowsOfLoad] = await sql`select count(*)::int as n, count(*) filter (where not is_active)::int as inactive from public.tw_events where load_id = ${done.id}`;
    expect(rowsOfLoad).toEqual({ n: 59_998, inactive: 0 });
    await expectRollupToEqualRebuild();
  });
});

describe('a file of the same size as an earlier one', () => {
  it('is held back until its hash tells it apart, then applied like any other', async () => {
    const first = await load('size-a.csv', conversionsHeader + 's1,2026-09-20 10:00,registration,c1,C,o1,RU,moloco,n1,cr1,,1.00,USD\n');
    const second = await load('size-b.csv', conversionsHeader + 's1,2026-09-20 10:00,registration,c1,C,o1,RU,moloco,n1,cr1,,2.00,USD\n');
    const sizes = await sql`select size_bytes::int as size from public.etl_loads where id in (${first.id}, ${second.id})`;
    expect(new Set(sizes.map((s) => s.size)).size).toBe(1);
    expect(second.rows_superseded).toBe('1');
    const [active] = await sql`select payout::text from public.tw_events where workspace_id = ${ws} and event_id = 's1' and is_active`;
    expect(active?.payout).toBe('2.00');
    await expectRollupToEqualRebuild();
  });
});

describe('a load waiting for another of the same workspace and source', () => {
  it('can be cancelled while it waits, and leaves nothing behind', async () => {
    const holder = await sql.reserve();
    try {
      await holder`begin`;
      await holder`select private.etl_lock(${ws}, 'tw_events')`;
      const pending = upload(buyer, ws, 'waiting.csv', conversionsHeader + 'w1,2026-09-10 10:00,registration,c1,C,o1,RU,moloco,n1,cr1,,1,USD\n');
      await expect.poll(async () => {
        const [waiting] = await sql`select count(*)::int as n from pg_locks where locktype = 'advisory' and not granted`;
        return waiting?.n;
      }, { timeout: 10_000, interval: 50 }).toBe(1);
      const [waitingLoad] = await sql`select id from public.etl_loads where workspace_id = ${ws} and file_name = 'waiting.csv'`;
      const cancel = await buyer.rpc('cancel_load', { load_id: waitingLoad?.id });
      expect(cancel.error).toBeNull();
      const { body } = await pending;
      expect(body.load).toMatchObject({ status: 'cancelled', error_summary: 'The load was cancelled; the facts are as they were before it.' });
    } finally {
      await holder`rollback`;
      holder.release();
    }
    const [left] = await sql`select count(*)::int as n from public.tw_events where workspace_id = ${ws} and event_id = 'w1'`;
    expect(left?.n).toBe(0);
  });
});
