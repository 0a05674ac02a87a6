import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Sql } from 'postgres';
import { demoWorkspaceId, loadDemoData } from '../supabase/local/demoData.ts';
import { startStack } from '../supabase/local/stack.ts';
import { freePort } from '../tests/support/globalSetup.ts';
import type { SuiteResult } from './report.ts';
import { summarize } from './stats.ts';

/**
 * Issue #15's forecast quality on the demo data: how far the predicted exhaustion moment of a
 * cap lands from the moment the cap really ran out, on past days (a back-test).
 *
 * The demo's daily caps are rarely reached, so each past day of each capped offer gets a cap
 * it would have reached: `share` of that day's real total. The moment the last counted event
 * crossed it is the truth. At checkpoints of the day before it (06:00, 09:00, 12:00, 15:00 in
 * the cap's zone) the product's own refresh (private.refresh_cap_usage, with the curve it
 * computes from the days before) is asked for `runs_out_at`, inside a transaction rolled back
 * afterwards, so the demo workspace is left as it was. The same moments are also predicted by
 * a straight line from midnight (what the anchors' pacing implies) to show what the curve buys.
 */

interface Case {
  offer: string;
  day: string;
  zone: string;
  limit: number;
  truth: Date;
  checkpoint: string;
  forecast: Date | null;
  straight: Date | null;
  confidence: number;
}

const checkpoints = ['06:00', '09:00', '12:00', '15:00'];

/** The capped offers of the demo workspace counting conversions per day, with their zone and event type. */
async function cappedOffers(sql: Sql, workspace: string) {
  return sql<{ offer_id: string; code: string; cap_policy_id: string; zone: string; event_type: string | null }[]>`
    select c.offer_id, o.code, c.cap_policy_id, c.zone, c.event_type::text
    from private.capped_offers(${workspace}, now()) c join public.offers o on o.id = c.offer_id
    where c.period = 'day' and c.metric = 'conversions' and c.scope = 'offer'
    order by o.code`;
}

/** The offer's counted events of each past local day, in order, as the refresh counts them (mappings, active rows, the cap's event type). */
async function pastDays(sql: Sql, workspace: string, offer: string, zone: string, eventType: string | null, days: number) {
  return sql<{ day: string; times: Date[] }[]>`
    select to_char((e.event_time at time zone ${zone})::date, 'YYYY-MM-DD') as day, array_agg(e.event_time order by e.event_time) as times
    from public.tw_events e
    join private.cap_mappings(${workspace}) m
      on m.tw_offer_id = e.offer_id and private.mapping_covers(m.tw_offer_id, m.link_title, e.offer_id, e.link_title)
    where e.workspace_id = ${workspace} and m.offer_id = ${offer} and e.is_active
      and (${eventType}::text is null or e.event_type::text = ${eventType})
      and e.event_time < date_trunc('day', now() at time zone ${zone}) at time zone ${zone}
      and e.event_time >= (date_trunc('day', now() at time zone ${zone}) - make_interval(days => ${days})) at time zone ${zone}
    group by 1 order by 1`;
}

/** The refresh's forecast at `at` with the cap's limit set to `limit`, then everything rolled back. */
async function forecastAt(sql: Sql, workspace: string, offer: string, policy: string, limit: number, at: string) {
  let answer: { runs_out_at: Date | null; confidence: number; used: number } | undefined;
  await sql
    .begin(async (tx) => {
      await tx`update public.cap_policies set cap_limit = ${limit} where id = ${policy}`;
      await tx`delete from public.cap_actions where offer_id = ${offer}`;
      await tx`delete from private.cap_curves where offer_id = ${offer}`;
      await tx`select private.refresh_cap_usage(${workspace}, ${at}::timestamptz, ${offer}, true)`;
      const [row] = await tx<{ runs_out_at: Date | null; confidence: number; used: number }[]>`
        select runs_out_at, confidence::float8 as confidence, used::float8 as used from public.cap_usage where offer_id = ${offer} and geo = ''`;
      answer = row;
      throw new Rollback();
    })
    .catch((error: unknown) => {
      if (!(error instanceof Rollback)) throw error;
    });
  return answer;
}

class Rollback extends Error {}

/** The moment `at` local time `hhmm` of `day` in `zone`, as an instant (DST days included). */
async function localMoment(sql: Sql, day: string, hhmm: string, zone: string): Promise<Date> {
  const [row] = await sql<{ at: Date }[]>`select (${`${day} ${hhmm}`}::timestamp at time zone ${zone}) as at`;
  return row!.at;
}

const minutes = (ms: number) => ms / 60_000;

export async function capsForecastBench(options: { days?: number; share?: number; log?: (line: string) => void } = {}): Promise<SuiteResult> {
  const days = options.days ?? 21;
  const share = options.share ?? 0.8;
  const log = options.log ?? (() => undefined);
  const dataDir = mkdtempSync(join(tmpdir(), 'arbidesk-bench-forecast-'));
  // The demo data, as `npm start` loads it: 90 days up to yesterday.
  const stack = await startStack({ dataDir, apiPort: 0, dbPort: await freePort() });
  try {
    log('forecast: loading the demo data through the ETL…');
    await loadDemoData(stack.apiUrl, stack.keys.anonKey, stack.dataDir);
    const sql = stack.sql;
    const workspace = demoWorkspaceId;
    const offers = await cappedOffers(sql, workspace);
    const cases: Case[] = [];
    for (const offer of offers) {
      for (const { day, times } of await pastDays(sql, workspace, offer.offer_id, offer.zone, offer.event_type, days)) {
        // Too few events make "the moment it ran out" noise, not a cap.
        if (times.length < 20) continue;
        const limit = Math.ceil(times.length * share);
        const truth = times[limit - 1]!;
        const midnight = await localMoment(sql, day, '00:00', offer.zone);
        for (const checkpoint of checkpoints) {
          const at = await localMoment(sql, day, checkpoint, offer.zone);
          if (at >= truth) continue;
          const answer = await forecastAt(sql, workspace, offer.offer_id, offer.cap_policy_id, limit, at.toISOString());
          const used = times.filter((t) => t < at).length;
          const straight = used > 0 ? new Date(midnight.getTime() + ((at.getTime() - midnight.getTime()) * limit) / used) : null;
          cases.push({ offer: offer.code, day, zone: offer.zone, limit, truth, checkpoint, forecast: answer?.runs_out_at ?? null, straight, confidence: answer?.confidence ?? 0 });
        }
      }
      log(`forecast: ${offer.code}: ${cases.filter((c) => c.offer === offer.code).length} forecasts`);
    }
    if (!cases.length) throw new Error('The demo data gave no past day to back-test (no capped offer with 20+ conversions a day)');

    const rows = checkpoints.map((checkpoint) => {
      const at = cases.filter((c) => c.checkpoint === checkpoint);
      const made = at.filter((c) => c.forecast);
      const curve = summarize(made.map((c) => Math.abs(minutes(c.forecast!.getTime() - c.truth.getTime()))));
      const bias = made.length ? made.reduce((s, c) => s + minutes(c.forecast!.getTime() - c.truth.getTime()), 0) / made.length : NaN;
      const lines = at.filter((c) => c.straight);
      const line = summarize(lines.map((c) => Math.abs(minutes(c.straight!.getTime() - c.truth.getTime()))));
      return [
        checkpoint, String(at.length), `${((made.length / Math.max(1, at.length)) * 100).toFixed(0)}%`,
        made.length ? curve.p50.toFixed(0) : '—', made.length ? curve.p95.toFixed(0) : '—', Number.isNaN(bias) ? '—' : bias.toFixed(0),
        lines.length ? line.p50.toFixed(0) : '—', lines.length ? line.p95.toFixed(0) : '—',
      ];
    });
    const all = cases.filter((c) => c.forecast).map((c) => Math.abs(minutes(c.forecast!.getTime() - c.truth.getTime())));
    const allLine = cases.filter((c) => c.straight).map((c) => Math.abs(minutes(c.straight!.getTime() - c.truth.getTime())));
    const total = summarize(all);
    const totalLine = summarize(allLine);
    // Does the confidence shown beside "runs out ≈ 15:40" mean anything? Errors by its band.
    const bands = [['≥ 0.75', 0.75, 1.01], ['0.6–0.75', 0.6, 0.75], ['0.45–0.6', 0.45, 0.6], ['< 0.45', 0, 0.45]] as const;
    const byConfidence = bands.map(([label, low, high]) => {
      const band = cases.filter((c) => c.forecast && c.confidence >= low && c.confidence < high);
      const errors = summarize(band.map((c) => Math.abs(minutes(c.forecast!.getTime() - c.truth.getTime()))));
      return [label, String(band.length), band.length ? errors.p50.toFixed(0) : '—', band.length ? errors.p95.toFixed(0) : '—'];
    });
    const zones = [...new Set(cases.map((c) => c.zone))].join(', ');
    return {
      suite: 'forecast',
      tables: [{
        title: `Cap exhaustion forecast back-test on the demo data: ${new Set(cases.map((c) => `${c.offer} ${c.day}`)).size} offer-days of the last ${days}, cap = ${share * 100}% of the day's conversions, times in the cap's zone (${zones}); errors in minutes`,
        columns: ['asked at', 'cases', 'forecast made', 'curve |err| p50', 'curve |err| p95', 'curve bias', 'straight line |err| p50', 'straight line |err| p95'],
        rows: [...rows, ['all', String(cases.length), `${((all.length / cases.length) * 100).toFixed(0)}%`, total.p50.toFixed(0), total.p95.toFixed(0), '', totalLine.p50.toFixed(0), totalLine.p95.toFixed(0)]],
      }, {
        title: 'The same forecasts by the confidence the product shows with them',
        columns: ['confidence', 'forecasts', '|err| p50 (min)', '|err| p95 (min)'],
        rows: byConfidence,
      }],
      aims: [{ label: 'the curve forecasts better than a straight line from midnight (p50 |error|)', target: `< ${totalLine.p50.toFixed(0)} min`, actual: `${total.p50.toFixed(0)} min`, met: total.p50 < totalLine.p50 }],
      notes: [
        'Bias > 0: the forecast said later than it happened. A forecast is not made when the curve has too little history or the pace says the cap will not run out today.',
        'Each case runs the product\'s refresh (curve from the 28 days before, then the usage) in a transaction that is rolled back.',
      ],
    };
  } finally {
    await stack.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}
