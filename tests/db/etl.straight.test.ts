import type postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseFile, proposeMapping, validateBatches } from '../../functions/_shared/etl/index.ts';
import { FactWriter, type StreamPlan } from '../../functions/etl/factWriter.ts';
import { db } from '../support/clients.ts';
import { streamOf, utf8 } from '../unit/etl/support.ts';

/**
 * A batch of new keys is COPYed straight into the fact table and its rollup sums are added
 * up by the function (20261126130000_etl_direct_copy.sql, functions/etl/rollupContribution.ts).
 * These tests run the function's writer on a connection, as the etl function does, and hold
 * its sums to the ones the database's own SQL (private.etl_conversion_delta) takes over the
 * very rows it wrote: money rounded as numeric(18,2) rounds, sums past 2^53 cents, names the
 * database orders otherwise than JavaScript does, other currencies, empty key cells.
 */

const sql = db();
const ws = '30000000-0000-4000-8000-00000000e101';

beforeAll(async () => {
  await sql`insert into public.workspaces (id, name) values (${ws}, 'Straight team')`;
});

afterAll(async () => {
  await sql`delete from public.workspaces where id = ${ws}`;
  await sql.end();
});

const header = 'event_id,event_time,event_type,campaign_id,campaign_name,offer_id,geo,source,sub1,sub2,amount,payout,currency\n';

/** Writes `csv` as a load's writer does, inside a transaction that is rolled back; `inspect` sees it before that. */
async function writeInTransaction(csv: string, inspect: (conn: postgres.ReservedSql, loadId: string) => Promise<void>): Promise<void> {
  const [load] = await sql`insert into public.etl_loads (workspace_id, source, file_name, status) values (${ws}, 'tw_events', 'straight.csv', 'running') returning id`;
  const loadId = load?.id as string;
  const conn = await sql.reserve();
  try {
    await conn`begin`;
    const [plan] = await conn<StreamPlan[]>`select * from private.etl_stream_begin(${loadId})`;
    const file = parseFile(streamOf(utf8(csv)));
    const { names } = await file.header();
    const writer = new FactWriter(conn, loadId, 'tw_events', plan!);
    for await (const batch of validateBatches(file, proposeMapping('tw_events', names).mapping)) {
      expect(batch.errors).toEqual([]);
      await writer.add(batch.rows);
    }
    await writer.finish();
    await inspect(conn, loadId);
  } finally {
    await conn`rollback`;
    conn.release();
  }
}

/** The delta rows per group, as etl_apply_conversion_delta folds them: sums added, the greatest name. */
function folded(conn: postgres.ReservedSql, table: string) {
  return conn.unsafe(`
    select date::text, campaign_id, offer_id, geo, source, network_campaign_id, creative_id, max(name_added) as name,
      sum(registrations)::int as registrations, sum(ftds)::int as ftds, sum(deposits)::int as deposits,
      sum(deposits_amount)::numeric(30, 2)::text as deposits_amount, sum(revenue)::numeric(30, 2)::text as revenue,
      sum(chargebacks)::int as chargebacks, sum(chargeback_amount)::numeric(30, 2)::text as chargeback_amount, sum(other_currency_rows)::int as other_currency_rows,
      bool_or(removed) as removed
    from ${table}
    group by 1, 2, 3, 4, 5, 6, 7
    order by 1, 2, 3, 4, 5, 6, 7`);
}

describe('a batch of new keys, COPYed straight into the facts', () => {
  it('adds up to the same rollup contribution as the database takes from the rows it wrote', async () => {
    const csv = header +
      // Rounded as numeric(18,2) rounds its input: half away from zero.
      'x1,2026-10-01 10:00,first_deposit,c7,Camp ﬀ,o7,RU,moloco,n7,cr7,100.005,40.125,USD\n' +
      // Fifteen-digit amounts: their sum is past 2^53 cents.
      'x2,2026-10-01 11:00,deposit,c7,Camp 😀,o7,RU,moloco,n7,cr7,999999999999999.99,0.004,USD\n' +
      'x3,2026-10-01 12:00,deposit,c7,Camp 😀,o7,RU,moloco,n7,cr7,999999999999999.99,-0.005,USD\n' +
      // A tab and a backslash in a name; a chargeback.
      'x4,2026-10-01 13:00,chargeback,c7,"Camp\tTab\\",o7,RU,moloco,n7,cr7,,-12.5,USD\n' +
      // Another currency counts apart; no name at all.
      'x5,2026-10-01 14:00,registration,c7,,o7,RU,moloco,n7,cr7,,1,EUR\n' +
      // Empty key cells ('' in the facts); a zone that moves the event to the day before in UTC.
      'x6,2026-10-02 01:30+03:00,registration,c8,Другая,o8,KZ,,,,,,\n' +
      'x7,2026-10-02 10:00,registration,c8,Другая,o8,KZ,,,,,0,USD\n';
    await writeInTransaction(csv, async (conn, loadId) => {
      // The function's rows: the group of c7 has three names, sent one row each for the database to choose.
      const [names] = await conn`select count(*)::int as n from pg_temp.etl_delta where campaign_id = 'c7'`;
      expect(names?.n).toBe(3);
      const byFunction = await folded(conn, 'pg_temp.etl_delta');
      await conn`truncate pg_temp.etl_delta`;
      const [delta] = await conn`select private.etl_conversion_delta(${`(select * from public.tw_events where load_id = '${loadId}')`}, 1) as statement`;
      // The statement reads the base currency as $3 (etl_apply_batch passes the workspace and load as $1, $2).
      await conn.unsafe((delta?.statement as string).replaceAll('$3', `'USD'`));
      const bySql = await folded(conn, 'pg_temp.etl_delta');
      expect(byFunction).toEqual(bySql);
      // By hand: c7 takes the greatest name in the database's order (JavaScript's would be 'Camp ﬀ'),
      // 100.01 + 2 × 999999999999999.99 of deposits, 40.13 + 0.00 − 0.01 − 12.50 of revenue, one row in EUR.
      expect(bySql.map((g) => [g.date, g.campaign_id, g.source, g.name, g.deposits_amount, g.revenue, g.chargeback_amount, g.other_currency_rows])).toEqual([
        ['2026-10-01', 'c7', 'moloco', 'Camp 😀', '2000000000000099.99', '27.62', '-12.50', 1],
        ['2026-10-01', 'c8', '', 'Другая', '0.00', '0.00', '0.00', 0],
        ['2026-10-02', 'c8', '', 'Другая', '0.00', '0.00', '0.00', 0],
      ]);
      const [written] = await conn`select count(*)::int as n, count(*) filter (where source = '' and sub1 = '' and sub2 = '')::int as empty_keys
        from public.tw_events where load_id = ${loadId}`;
      expect(written).toEqual({ n: 7, empty_keys: 2 });
    });
  });
});
