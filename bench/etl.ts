import { createReadStream, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pathToFileURL } from 'node:url';
import { createClient } from '@supabase/supabase-js';
import ws from 'ws';
import { demoUsers } from '../supabase/local/demoUsers.ts';
import { startStack, type Stack } from '../supabase/local/stack.ts';
import { freePort } from '../tests/support/globalSetup.ts';
import { generateDemoData } from '../supabase/local/demo/generate.ts';
import type { SuiteResult } from './report.ts';
import { cpuBetween, cpuSnapshot } from './processCpu.ts';
import { formatMs, median, summarize } from './stats.ts';

/**
 * The ETL end to end (issue 5): files of 100k and 1M TW conversion rows streamed through the
 * etl function (parse, validate, COPY, merge, rollups) next to a plain COPY of the same file
 * into an unindexed table; the function's peak memory; a re-import of the same file; and the
 * metrics RPC on 10M conversion rows for a 30-day dashboard.
 */

export interface EtlBenchOptions {
  log?: (line: string) => void;
  /** Row counts of the end-to-end files. */
  sizes?: number[];
  /** Conversion rows behind the dashboard query; 0 skips the dashboard part. */
  dashboardRows?: number;
  /** Uploads of each file (into fresh workspaces after the first); the median time is the figure. */
  runs?: number;
}

/** The process id of the Deno worker that runs the etl function, once it has started. */
function etlWorkerPid(): string | undefined {
  for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    try {
      const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
      if (cmdline.includes('deno') && cmdline.includes('functions/etl')) return pid;
    } catch {
      // The process ended between listing and reading.
    }
  }
  return undefined;
}

/** Peak resident memory (VmHWM) of the etl function's worker, in MB. */
function etlWorkerPeakMb(): number | undefined {
  const pid = etlWorkerPid();
  try {
    const peak = pid && /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
    return peak ? Number(peak) / 1024 : undefined;
  } catch {
    return undefined;
  }
}

/** Starts the worker's peak memory afresh (Linux: 5 in clear_refs resets VmHWM to the current RSS). */
function resetEtlWorkerPeak(): void {
  const pid = etlWorkerPid();
  try {
    if (pid) writeFileSync(`/proc/${pid}/clear_refs`, '5');
  } catch {
    // Not allowed here: the next peak then covers the earlier runs too.
  }
}

async function uploadFile(stack: Stack, token: string, path: string, name: string, workspace: string): Promise<{ ms: number; status: string; accepted: number }> {
  const params = new URLSearchParams({ workspace_id: workspace, file_name: name, source: 'tw_events' });
  const started = performance.now();
  const response = await fetch(`${stack.apiUrl}/functions/v1/etl?${params}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'text/csv', 'content-length': String(statSync(path).size) },
    body: Readable.toWeb(createReadStream(path)) as ReadableStream<Uint8Array>,
    duplex: 'half',
  } as RequestInit);
  const answer = (await response.json()) as { load?: { status: string; rows_accepted: string }; message?: string };
  if (!answer.load) throw new Error(`upload of ${name} failed: ${response.status} ${answer.message ?? ''}`);
  return { ms: performance.now() - started, status: answer.load.status, accepted: Number(answer.load.rows_accepted) };
}

/** What each part of the stack is, for the CPU table; null for processes outside it. */
function stackPart(pid: string, command: string): string | null {
  if (pid === String(process.pid)) return 'bench client and the stack\'s gateway, realtime, auth (this Node process)';
  if (command.includes('deno') && command.includes('functions/etl')) return 'etl function (Deno)';
  if (command.startsWith('postgres: walsender')) return 'PostgreSQL walsender (realtime\'s logical decoding)';
  if (/^postgres: \S+ \S+ /.test(command)) return 'PostgreSQL sessions (the load\'s, progress, realtime)';
  if (command.startsWith('postgres: ')) return 'PostgreSQL background (WAL writer, checkpointer, autovacuum)';
  return null;
}

/** COPY of the same CSV into an unindexed text table: the floor any loader is measured against. */
async function plainCopyMs(stack: Stack, path: string): Promise<number> {
  const sql = stack.sql;
  const header = readFileSync(path, 'utf8').slice(0, 4096).split('\n')[0] ?? '';
  const columns = header.split(',').map((c, i) => `c${i} text`).join(', ');
  await sql.unsafe(`drop table if exists bench_plain_copy; create unlogged table bench_plain_copy (${columns})`);
  const started = performance.now();
  const copy = await sql.unsafe('copy bench_plain_copy from stdin (format csv, header true)').writable();
  await new Promise<void>((resolve, reject) => {
    createReadStream(path).pipe(copy).on('finish', resolve).on('error', reject);
  });
  const ms = performance.now() - started;
  await sql.unsafe('drop table bench_plain_copy');
  return ms;
}

/** 10M conversions straight in SQL (the ETL is measured above), then the rollup, then queries. */
async function dashboardLatency(stack: Stack, rows: number, log: (line: string) => void): Promise<{ p50: number; p95: number; rollupRows: number; buildMs: number }> {
  const sql = stack.sql;
  const workspace = '00000000-0000-4000-8000-00000000be01';
  await sql`insert into public.workspaces (id, name) values (${workspace}, 'Bench 10M') on conflict do nothing`;
  await sql`insert into public.workspace_members values (${workspace}, '00000000-0000-4000-8000-000000000002', 'media_buyer') on conflict do nothing`;
  const [load] = await sql`insert into public.etl_loads (workspace_id, source, file_name, status) values (${workspace}, 'tw_events', 'bench-10m', 'done') returning id`;
  const started = performance.now();
  log(`etl: generating ${rows.toLocaleString('en')} conversions in SQL`);
  // 120 days; 40 campaigns, each on one GEO with 3 of 25 offers and 4 creatives, as a team
  // runs them: about 480 rollup rows a day. Hashes keep the dimensions independent of each other.
  await sql.unsafe(`
    insert into public.tw_events (workspace_id, event_id, event_time, event_type, campaign_id, offer_id, geo, source, sub1, sub2, amount, payout, currency, load_id)
    select $1, 'b' || g, timestamptz '2026-01-01' + (g % 120) * interval '1 day' + (abs(hashint4(g)) % 86400) * interval '1 second',
      (array['registration','registration','registration','first_deposit','deposit'])[1 + abs(hashint4(g + 7)) % 5]::public.tw_event_type,
      'c' || c, 'o' || ((c * 7 + abs(hashint4(g + 11)) % 3) % 25), (array['RU','KZ','UZ','AZ','TR','BR','IN','MX'])[1 + c % 8], 'moloco',
      'n' || c, 'cr' || (abs(hashint4(g + 13)) % 4), case when abs(hashint4(g + 7)) % 5 >= 3 then 50 end,
      case abs(hashint4(g + 7)) % 5 when 3 then 40 when 4 then 5 else 0 end, 'USD', $2
    from generate_series(1, ${rows}) g, lateral (select abs(hashint4(g + 3)) % 40 as c) campaign
    `, [workspace, load?.id ?? '']);
  log('etl: building the rollup');
  await sql.unsafe(`select private.refresh_daily_metrics($1, array(select d::date from generate_series(date '2026-01-01', date '2026-04-30', interval '1 day') d))`, [workspace]);
  await sql.unsafe('analyze public.daily_metrics');
  const buildMs = performance.now() - started;
  const [count] = await sql`select count(*)::int as n from public.daily_metrics where workspace_id = ${workspace}`;
  const client = createClient(stack.apiUrl, stack.keys.anonKey, { auth: { persistSession: false }, realtime: { transport: ws as never } });
  await client.auth.signInWithPassword({ email: 'buyer@demo.arbidesk.local', password: demoUsers.password });
  const samples: number[] = [];
  for (let i = 0; i < 60; i++) {
    const end = 30 + (i % 90);
    const to = new Date(Date.UTC(2026, 0, 1 + end)).toISOString().slice(0, 10);
    const from = new Date(Date.UTC(2026, 0, 1 + end - 29)).toISOString().slice(0, 10);
    const t0 = performance.now();
    const { error } = await client.rpc('metrics', { workspace, date_from: from, date_to: to, group_by: i % 2 ? ['offer'] : ['date'] });
    if (error) throw new Error(`metrics failed: ${error.message}`);
    if (i >= 10) samples.push(performance.now() - t0);
  }
  const summary = summarize(samples);
  return { p50: summary.p50, p95: summary.p95, rollupRows: count?.n ?? 0, buildMs };
}

export async function etlBench(options: EtlBenchOptions = {}): Promise<SuiteResult> {
  const log = options.log ?? (() => undefined);
  const sizes = options.sizes ?? [100_000, 1_000_000];
  const runs = Math.max(1, options.runs ?? 3);
  const dataDir = mkdtempSync(join(tmpdir(), 'arbidesk-bench-etl-'));
  let stack: Stack | undefined;
  try {
    // The upload is one request today: past a few hundred thousand rows it needs more than
    // hosted Supabase's 2 s of CPU and 256 MB, and would answer 546 (the import in chunks
    // through Storage is still to come). So the bench lifts those two limits to measure it,
    // and its aims say whether each upload kept within them.
    stack = await startStack({ dataDir, apiPort: 0, dbPort: await freePort(), functionLimits: { cpuSoftMs: 0, cpuHardMs: 0, memoryMb: 0 } });
    const client = createClient(stack.apiUrl, stack.keys.anonKey, { auth: { persistSession: false }, realtime: { transport: ws as never } });
    const { data } = await client.auth.signInWithPassword({ email: 'buyer@demo.arbidesk.local', password: demoUsers.password });
    const token = data.session?.access_token ?? '';
    const userId = data.user?.id ?? '';
    const rows: string[][] = [];
    const aims: SuiteResult['aims'] = [];
    let cpu: { rows: number; ms: number; parts: Map<string, number> } | undefined;
    for (const size of sizes) {
      log(`etl: generating a ${size.toLocaleString('en')}-row TW conversions file`);
      // scale 1 ≈ 1 000 conversion rows a day: 100 days at the needed scale.
      const files = generateDemoData({ seed: size, days: 100, endDate: '2026-03-31', scale: size / 100_000, outDir: join(dataDir, `files-${size}`) });
      const path = files.files.twEvents;
      const lines = files.summary.twEvents.rows;
      log(`etl: uploading ${lines.toLocaleString('en')} rows through the etl function`);
      // Every run loads the file into a workspace of its own: the generated files of both sizes
      // number their conversions alike, and a file loaded over the other would supersede rows.
      // The workspaces are deleted only at the end: deleting a million facts sets autovacuum
      // to work, which would share the two cores with the next run.
      const workspaces: string[] = [];
      const times: number[] = [];
      const peaks: (number | undefined)[] = [];
      let again: { ms: number; status: string } | undefined;
      for (let run = 0; run < runs; run++) {
        const [workspace] = await stack.sql`insert into public.workspaces (name) values (${`Bench run ${run + 1} of ${size}`}) returning id`;
        workspaces.push(workspace?.id);
        await stack.sql`insert into public.workspace_members values (${workspace?.id}, ${userId}, 'media_buyer')`;
        resetEtlWorkerPeak();
        const before = cpuSnapshot();
        const load = await uploadFile(stack, token, path, `bench-${size}-run-${run + 1}.csv`, workspace?.id);
        if (run === 0) {
          const parts = cpuBetween(before, cpuSnapshot(), stackPart);
          // Where the first run of the largest file spent its CPU.
          if (size === sizes.at(-1)) cpu = { rows: lines, ms: load.ms, parts };
          const functionCpu = parts.get('etl function (Deno)') ?? 0;
          aims.push({ label: `${size.toLocaleString('en')} rows in one request within hosted Supabase's 2 s of function CPU`, target: '≤ 2.00 s', actual: `${functionCpu.toFixed(2)} s`, met: functionCpu <= 2 });
        }
        if (load.status !== 'done') throw new Error(`run ${run + 1} of ${size} ended ${load.status}`);
        times.push(load.ms);
        peaks.push(etlWorkerPeakMb());
        // The same file again, into the first run's workspace: recognised by its hash.
        if (run === 0) again = await uploadFile(stack, token, path, `bench-${size}-again.csv`, workspace?.id);
      }
      const ms = median(times);
      const peak = peaks.every((p) => p !== undefined) ? Math.max(...(peaks as number[])) : undefined;
      const copyMs = await plainCopyMs(stack, path);
      await stack.sql`delete from public.workspaces where id = any(${workspaces}::uuid[])`;
      // Vacuumed now rather than by autovacuum during the next measurement.
      await stack.sql`vacuum (analyze) public.tw_events, public.daily_metrics`;
      const rate = (lines / ms) * 1000;
      const ratio = ms / copyMs;
      rows.push([
        lines.toLocaleString('en'), `${(statSync(path).size / 2 ** 20).toFixed(0)} MB`, 'done', formatMs(ms),
        times.map((t) => formatMs(t)).join(' / '),
        `${Math.round(rate).toLocaleString('en')} rows/s`, formatMs(copyMs), `${ratio.toFixed(1)}x`,
        peak === undefined ? 'n/a' : `${peak.toFixed(0)} MB`, peaks.map((p) => (p === undefined ? 'n/a' : p.toFixed(0))).join(' / '),
        again ? `${again.status} in ${formatMs(again.ms)}` : 'n/a',
      ]);
      if (size === sizes.at(-1)) {
        aims.push({ label: `end to end, ${lines.toLocaleString('en')} rows`, target: '≥ 100,000 rows/s', actual: `${Math.round(rate).toLocaleString('en')} rows/s`, met: rate >= 100_000 });
        aims.push({ label: 'against plain COPY', target: '≤ 3x', actual: `${ratio.toFixed(1)}x`, met: ratio <= 3 });
        if (peak !== undefined) aims.push({ label: 'function peak memory', target: '< 300 MB', actual: `${peak.toFixed(0)} MB`, met: peak < 300 });
      }
    }
    const dashboardRows = options.dashboardRows ?? 10_000_000;
    const dashboard = dashboardRows > 0 ? await dashboardLatency(stack, dashboardRows, log) : undefined;
    if (dashboard) aims.push({ label: 'metrics RPC, 30-day dashboard on 10M rows, p95', target: '< 100 ms', actual: formatMs(dashboard.p95), met: dashboard.p95 < 100 });
    return {
      suite: 'etl',
      tables: [
        {
          title: 'TW conversions through the etl function (parse → validate → COPY → merge → rollups)',
          columns: ['rows', 'file', 'status', 'time (median)', 'runs', 'throughput', 'plain COPY', 'ratio', 'fn peak RSS (max)', 'peaks, MB', 're-import'],
          rows,
        },
        ...(cpu
          ? [{
            title: `CPU time during the first upload of ${cpu.rows.toLocaleString('en')} rows (${formatMs(cpu.ms)} ms wall)`,
            columns: ['part of the stack', 'CPU s'],
            rows: [...[...cpu.parts].sort((a, b) => b[1] - a[1]).map(([part, seconds]) => [part, seconds.toFixed(2)]),
              ['total', [...cpu.parts.values()].reduce((sum, s) => sum + s, 0).toFixed(2)]],
          }]
          : []),
        ...(dashboard
          ? [{
            title: `metrics() through REST, 30-day ranges, ${dashboardRows.toLocaleString('en')} conversions (${dashboard.rollupRows.toLocaleString('en')} rollup rows, built in ${formatMs(dashboard.buildMs)})`,
            columns: ['p50', 'p95'],
            rows: [[formatMs(dashboard.p50), formatMs(dashboard.p95)]],
          }]
          : []),
      ],
      aims,
      notes: [
        'Plain COPY: the same CSV into an unlogged table without indexes or checks, over one connection.',
        'Re-import: the same file again; its SHA-256 matches an earlier load, so nothing is merged.',
        `Each file is loaded ${runs} times, each time into a new workspace; time is the median, peak memory the highest of the runs (the worker's peak is reset before each).`,
        'The 10M conversions for the dashboard query are generated in SQL, not uploaded; the rollup is built by the same refresh the ETL runs.',
      ],
    };
  } finally {
    await stack?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** `npx tsx bench/etl.ts` alone; BENCH_ETL_SIZES=1000000 BENCH_ETL_DASHBOARD_ROWS=0 BENCH_ETL_RUNS=5 measures only the 1M upload, 5 times. */
if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const sizes = process.env.BENCH_ETL_SIZES?.split(',').map(Number);
  const dashboardRows = process.env.BENCH_ETL_DASHBOARD_ROWS === undefined ? undefined : Number(process.env.BENCH_ETL_DASHBOARD_ROWS);
  const runs = process.env.BENCH_ETL_RUNS === undefined ? undefined : Number(process.env.BENCH_ETL_RUNS);
  etlBench({ log: (line) => process.stderr.write(`${line}\n`), sizes, dashboardRows, runs }).then((result) => console.log(JSON.stringify(result, null, 2)));
}
