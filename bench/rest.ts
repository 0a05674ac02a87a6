import { deepStrictEqual } from 'node:assert';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createClient, type SupabaseClient } from '@supabase/supabase-js';
import autocannon from 'autocannon';
import postgres, { type Sql } from 'postgres';
import ws from 'ws';
import { signJwt } from '../supabase/local/jwt.ts';
import { startStack, type Stack } from '../supabase/local/stack.ts';
import { freePort } from '../tests/support/globalSetup.ts';
import type { Aim, ResultTable, SuiteResult } from './report.ts';
import { formatMs, formatRatio, summarize, type Summary } from './stats.ts';

export interface RestBenchOptions {
  /** Seconds of the throughput run (after a short warm-up). */
  throughputSeconds?: number;
  connections?: number;
  log?: (line: string) => void;
}

const parentRows = 100;
const childRows = 100_000;
const pageRows = 1_000;
/** A seeded demo user (supabase/seed.sql), so auth.uid() names a real account. */
const benchUser = '00000000-0000-4000-8000-000000000002';

/**
 * Fixture tables shaped like the app's facts: text, numeric(12,2) money, int counts,
 * timestamptz, a many-to-one foreign key; RLS on with a policy for signed-in users, written
 * as Supabase recommends ((select auth.uid()) is evaluated once per statement).
 */
export const fixturesSql = `
create table public.bench_parent (
  id int primary key,
  name text not null,
  region text not null,
  created_at timestamptz not null
);
create table public.bench_child (
  id bigint primary key,
  parent_id int not null references public.bench_parent (id),
  title text not null,
  status text not null,
  amount numeric(12,2) not null,
  clicks int not null,
  occurred_at timestamptz not null,
  note text
);
create index bench_child_parent_id on public.bench_child (parent_id);
insert into public.bench_parent
select g, 'Партнёр ' || g || ' (' || md5(g::text) || ')', (array['RU','KZ','BR','IN','DE'])[1 + g % 5],
  timestamptz '2025-01-01 00:00:00+00' + g * interval '1 day'
from generate_series(1, ${parentRows}) g;
insert into public.bench_child
select g, 1 + g % ${parentRows}, 'Campaign ' || g || ' / creative ' || substr(md5(g::text), 1, 12),
  (array['active','paused','archived'])[1 + g % 3], ((g * 7919) % 1000000) / 100.0, (g * 37) % 5000,
  timestamptz '2026-01-01 00:00:00+00' + g * interval '37 seconds',
  case when g % 4 = 0 then null else 'sub1=' || (g % 977) end
from generate_series(1, ${childRows}) g;
alter table public.bench_parent enable row level security;
alter table public.bench_child enable row level security;
create policy "signed-in users can read bench parents" on public.bench_parent
  for select to authenticated using ((select auth.uid()) is not null);
create policy "signed-in users can read bench children" on public.bench_child
  for select to authenticated using ((select auth.uid()) is not null);
create extension if not exists pg_stat_statements with schema extensions;
analyze public.bench_parent, public.bench_child;
`;

/** The embed the app uses most: rows with their many-to-one parent's name. */
const pageSelect = '*,parent:bench_parent(name)';

interface Clients {
  supabase: SupabaseClient;
  headers: Record<string, string>;
  /** Straight SQL as the database owner; postgres.js prepares tagged queries. */
  direct: Sql;
  restUrl: string;
}

/** One way of asking the same question: runs it once, resolves when the body is in hand. */
type Probe = (key: number) => Promise<unknown>;

interface Scenario {
  name: string;
  keys: () => number;
  warmup: number;
  iterations: number;
  /** Stop measuring early past this many milliseconds, whatever the count. */
  budgetMs: number;
  probes: { label: string; run: Probe }[];
}

function randomInt(max: number): number {
  return Math.floor(Math.random() * max);
}

function delay(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

async function fetchText(url: string, headers: Record<string, string>): Promise<string> {
  const res = await fetch(url, { headers });
  const text = await res.text();
  if (!res.ok) throw new Error(`GET ${url} answered ${res.status}: ${text.slice(0, 300)}`);
  return text;
}

function oneRowUrl(c: Clients, id: number): string {
  return `${c.restUrl}/bench_child?select=*&id=eq.${id}`;
}

function pageUrl(c: Clients, after: number): string {
  return `${c.restUrl}/bench_child?select=${encodeURIComponent(pageSelect)}&id=gt.${after}&order=id.asc&limit=${pageRows}`;
}

const objectAccept = 'application/vnd.pgrst.object+json';

function scenarios(c: Clients): Scenario[] {
  const oneRowHeaders = { ...c.headers, accept: objectAccept };
  return [
    {
      name: 'one row by primary key',
      keys: () => 1 + randomInt(childRows),
      warmup: 300,
      iterations: 2_000,
      budgetMs: 15_000,
      probes: [
        {
          label: 'REST via supabase-js',
          run: async (id) => {
            const { data, error } = await c.supabase.from('bench_child').select('*').eq('id', id).single();
            if (error) throw new Error(`supabase-js: ${error.message}`);
            return data;
          },
        },
        { label: 'REST via fetch (undici keep-alive)', run: (id) => fetchText(oneRowUrl(c, id), oneRowHeaders) },
        {
          label: 'SQL via postgres.js (prepared)',
          run: async (id) => (await c.direct<{ body: string }[]>`select row_to_json(c)::text as body from public.bench_child c where c.id = ${id}`)[0]?.body,
        },
      ],
    },
    {
      name: `${pageRows.toLocaleString('en-US')} rows + many-to-one embed`,
      keys: () => randomInt(childRows - pageRows),
      warmup: 30,
      iterations: 300,
      budgetMs: 30_000,
      probes: [
        {
          label: 'REST via supabase-js',
          run: async (after) => {
            const { data, error } = await c.supabase.from('bench_child').select(pageSelect).gt('id', after).order('id').limit(pageRows);
            if (error) throw new Error(`supabase-js: ${error.message}`);
            return data;
          },
        },
        { label: 'REST via fetch (undici keep-alive)', run: (after) => fetchText(pageUrl(c, after), c.headers) },
        {
          label: 'SQL via postgres.js (prepared, json_agg)',
          run: async (after) =>
            (
              await c.direct<{ body: string }[]>`
                select coalesce(json_agg(t), '[]')::text as body from (
                  select c.*, json_build_object('name', p.name) as parent
                  from public.bench_child c join public.bench_parent p on p.id = c.parent_id
                  where c.id > ${after} order by c.id limit ${pageRows}) t`
            )[0]?.body,
        },
      ],
    },
  ];
}

/** Parsed bodies, so supabase-js data, REST text and SQL text compare as JSON. */
function asJson(value: unknown): unknown {
  return typeof value === 'string' ? (JSON.parse(value) as unknown) : value;
}

/** The probes must answer the same question with the same JSON, or the comparison means nothing. */
async function checkSameAnswer(scenario: Scenario): Promise<number> {
  const key = scenario.keys();
  const answers = await Promise.all(scenario.probes.map((p) => p.run(key)));
  const [first, ...rest] = answers.map(asJson);
  rest.forEach((answer, i) => deepStrictEqual(answer, first, `${scenario.name}: ${scenario.probes[i + 1]?.label} differs from ${scenario.probes[0]?.label}`));
  return Array.isArray(first) ? first.length : 1;
}

/** Sequential requests, probes interleaved per key so drift hits them all alike. */
async function measure(scenario: Scenario): Promise<Summary[]> {
  for (let i = 0; i < scenario.warmup; i++) {
    const key = scenario.keys();
    for (const probe of scenario.probes) await probe.run(key);
  }
  const samples = scenario.probes.map(() => [] as number[]);
  const began = performance.now();
  for (let i = 0; i < scenario.iterations && performance.now() - began < scenario.budgetMs; i++) {
    const key = scenario.keys();
    const order = scenario.probes.map((_, n) => (n + i) % scenario.probes.length);
    for (const n of order) {
      const start = performance.now();
      await scenario.probes[n]?.run(key);
      samples[n]?.push(performance.now() - start);
    }
  }
  return samples.map(summarize);
}

interface StatementStats {
  query: string;
  calls: number;
  mean: number;
}

/** Mean execution time inside PostgreSQL per statement shape, from pg_stat_statements. */
async function statementStats(sql: Sql): Promise<StatementStats[]> {
  return sql<StatementStats[]>`
    select query, calls::int as calls, mean_exec_time::float8 as mean
    from extensions.pg_stat_statements
    where calls >= 10 and query !~* '^(begin|commit|rollback)'
    order by total_exec_time desc limit 20`;
}

function findStatement(stats: StatementStats[], test: (q: string) => boolean): StatementStats | undefined {
  return stats.find((s) => test(s.query));
}

/** USER_HZ: the unit of /proc/<pid>/stat CPU times on Linux. */
const clockTicks = 100;

/** CPU ticks (utime + stime) of a /proc stat file; undefined off Linux. */
function cpuTicks(statFile: string): number | undefined {
  try {
    const fields = readFileSync(statFile, 'utf8').split(') ')[1]?.split(' ') ?? [];
    return Number(fields[11]) + Number(fields[12]);
  } catch {
    return undefined;
  }
}

/** CPU use of the API server's main thread and of every PostgreSQL process, for the throughput run. */
function cpuSnapshot(dataDir: string): { api?: number; process: number; postgres?: number } {
  const api = cpuTicks(`/proc/${process.pid}/task/${process.pid}/stat`);
  const usage = process.cpuUsage();
  const processTicks = ((usage.user + usage.system) / 1e6) * clockTicks;
  const pidFile = join(dataDir, 'db', 'postmaster.pid');
  if (!existsSync(pidFile) || !existsSync('/proc')) return { api, process: processTicks };
  const postmaster = readFileSync(pidFile, 'utf8').split('\n')[0] ?? '';
  let postgresTicks = cpuTicks(`/proc/${postmaster}/stat`) ?? 0;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const fields = stat.split(') ')[1]?.split(' ') ?? [];
      // Backends and auxiliary processes are children of the postmaster (field 4: ppid).
      if (fields[1] === postmaster) postgresTicks += Number(fields[11]) + Number(fields[12]);
    } catch {
      // Exited meanwhile.
    }
  }
  return { api, process: processTicks, postgres: postgresTicks };
}

async function throughput(c: Clients, stack: Stack, seconds: number, connections: number, log: (line: string) => void): Promise<{ table: ResultTable; aim: Aim; notes: string[] }> {
  const url = new URL(c.restUrl);
  const requests = Array.from({ length: 512 }, () => ({
    method: 'GET' as const,
    path: `${url.pathname}/bench_child?select=*&id=eq.${1 + randomInt(childRows)}`,
  }));
  const base = {
    url: `${url.origin}`,
    connections,
    headers: { ...c.headers, accept: objectAccept },
    requests,
    // The load generator runs in its own thread, so it does not share the server's event loop.
    workers: 1,
  };
  log(`rest: throughput warm-up (2 s, ${connections} connections)…`);
  await autocannon({ ...base, duration: 2 });
  log(`rest: throughput (${seconds} s, ${connections} connections)…`);
  const before = cpuSnapshot(stack.dataDir);
  const began = performance.now();
  const result = await autocannon({ ...base, duration: seconds });
  const wallSeconds = (performance.now() - began) / 1000;
  const after = cpuSnapshot(stack.dataDir);
  const total = result.requests.total;
  const cores = (a?: number, b?: number) => (a === undefined || b === undefined ? '—' : ((b - a) / clockTicks / wallSeconds).toFixed(2));
  // CPU time per request holds up better than req/s when other work shares the machine.
  const perRequest = (a?: number, b?: number) => (a === undefined || b === undefined || total === 0 ? '—' : `${Math.round(((b - a) / clockTicks / total) * 1e6)} µs`);
  const rate = total / result.duration;
  const failed = result.non2xx + result.errors + result.timeouts;
  const table: ResultTable = {
    title: `Throughput: one-row select, ${connections} connections for ${seconds} s (autocannon, loopback)`,
    columns: ['requests', 'req/s (mean)', 'latency p50', 'latency p99', 'non-2xx / errors / timeouts', 'cores: API thread', 'cores: load generator', 'cores: PostgreSQL', 'CPU/req: API thread', 'CPU/req: PostgreSQL'],
    rows: [[
      total.toLocaleString('en-US'),
      Math.round(rate).toLocaleString('en-US'),
      `${formatMs(result.latency.p50)} ms`,
      `${formatMs(result.latency.p99)} ms`,
      `${result.non2xx} / ${result.errors} / ${result.timeouts}`,
      cores(before.api, after.api),
      before.api === undefined || after.api === undefined ? '—' : cores(before.process - before.api, after.process - after.api),
      cores(before.postgres, after.postgres),
      perRequest(before.api, after.api),
      perRequest(before.postgres, after.postgres),
    ]],
  };
  return {
    table,
    aim: { label: 'one-row requests/s at 50 connections', target: '≥ 2,000 req/s', actual: `${Math.round(rate).toLocaleString('en-US')} req/s${failed ? ` (${failed} failed)` : ''}`, met: rate >= 2000 && failed === 0 },
    notes: [`Throughput: autocannon runs in a worker thread of the benchmark process, the API server on its main thread; 'cores' are cores busy on average during the run (1.00 = one core), 'CPU/req' the CPU time spent per request.`],
  };
}

/** What any request pays before REST does anything: the HTTP server and the fetch client. */
async function httpFloor(apiUrl: string): Promise<Summary> {
  const samples: number[] = [];
  for (let i = 0; i < 2_200; i++) {
    const start = performance.now();
    await fetchText(`${apiUrl}/health`, {});
    if (i >= 200) samples.push(performance.now() - start);
  }
  return summarize(samples);
}

async function waitForRest(c: Clients): Promise<void> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const res = await fetch(`${c.restUrl}/bench_child?select=id&limit=1`, { headers: c.headers });
    await res.body?.cancel();
    if (res.status === 200) return;
    if (Date.now() > deadline) throw new Error(`REST never served bench_child (last status ${res.status})`);
    await delay(20);
  }
}

/** RLS must be on the measured path: anon sees nothing, the signed-in user sees the rows. */
async function checkRls(c: Clients, anonKey: string): Promise<void> {
  const anon = await fetch(`${c.restUrl}/bench_child?select=id&limit=5`, { headers: { apikey: anonKey, authorization: `Bearer ${anonKey}` } });
  const anonRows = (await anon.json()) as unknown[];
  const signedIn = (await (await fetch(`${c.restUrl}/bench_child?select=id&limit=5`, { headers: c.headers })).json()) as unknown[];
  if (anonRows.length !== 0 || signedIn.length !== 5) {
    throw new Error(`RLS is not deciding the bench reads: anon saw ${anonRows.length} rows, the signed-in user ${signedIn.length}`);
  }
}

/**
 * REST latency (supabase-js, plain fetch, direct SQL) for a one-row read and a 1,000-row
 * read with an embed, then one-row throughput, on a fresh stack with generated fixtures.
 */
export async function restBench(options: RestBenchOptions = {}): Promise<SuiteResult> {
  const log = options.log ?? (() => {});
  const dataDir = mkdtempSync(join(tmpdir(), 'arbidesk-bench-rest-'));
  let stack: Stack | undefined;
  let direct: Sql | undefined;
  try {
    log('rest: starting the stack…');
    stack = await startStack({ dataDir, apiPort: 0, dbPort: await freePort() });
    log(`rest: generating fixtures (${parentRows} parents, ${childRows.toLocaleString('en-US')} children)…`);
    await stack.sql.unsafe(fixturesSql);
    const now = Math.floor(Date.now() / 1000);
    const jwt = signJwt({
      sub: benchUser,
      role: 'authenticated',
      aud: 'authenticated',
      email: 'buyer@demo.arbidesk.local',
      app_metadata: { provider: 'email', providers: ['email'] },
      user_metadata: {},
      aal: 'aal1',
      session_id: '00000000-0000-4000-8000-00000000b0b0',
      is_anonymous: false,
      iat: now,
      exp: now + 3600,
    }, stack.keys.jwtSecret);
    direct = postgres(stack.dbUrl, { max: 1, onnotice: () => {} });
    const clients: Clients = {
      supabase: createClient(stack.apiUrl, stack.keys.anonKey, {
        auth: { persistSession: false, autoRefreshToken: false, detectSessionInUrl: false },
        global: { headers: { Authorization: `Bearer ${jwt}` } },
        // Node 20 has no WebSocket of its own; realtime-js insists on one even when unused.
        realtime: { transport: ws as never },
      }),
      headers: { apikey: stack.keys.anonKey, authorization: `Bearer ${jwt}` },
      direct,
      restUrl: `${stack.apiUrl}/rest/v1`,
    };
    await waitForRest(clients);
    await checkRls(clients, stack.keys.anonKey);

    const tables: ResultTable[] = [];
    const aims: Aim[] = [];
    const notes: string[] = [];
    const all = scenarios(clients);
    const latencyRows: string[][] = [];
    for (const scenario of all) {
      const rows = await checkSameAnswer(scenario);
      log(`rest: latency, ${scenario.name} (${rows} row${rows === 1 ? '' : 's'} per answer)…`);
      if (scenario === all[0]) await stack.sql`select extensions.pg_stat_statements_reset()`;
      const summaries = await measure(scenario);
      const sqlP50 = summaries.at(-1)?.p50 ?? Number.NaN;
      const sqlP95 = summaries.at(-1)?.p95 ?? Number.NaN;
      scenario.probes.forEach((probe, i) => {
        const s = summaries[i];
        if (!s) return;
        const isSql = i === scenario.probes.length - 1;
        latencyRows.push([
          scenario.name,
          probe.label,
          String(s.count),
          `${formatMs(s.p50)} ms`,
          `${formatMs(s.p95)} ms`,
          `${formatMs(s.p99)} ms`,
          isSql ? '1.00x' : formatRatio(s.p50 / sqlP50),
          isSql ? '1.00x' : formatRatio(s.p95 / sqlP95),
        ]);
      });
      if (scenario === all[1]) {
        const viaFetch = summaries[1]?.p50 ?? Number.NaN;
        const viaClient = summaries[0]?.p50 ?? Number.NaN;
        aims.push({
          label: `REST within 1.5x of direct SQL, ${pageRows.toLocaleString('en-US')} rows (p50, fetch)`,
          target: '≤ 1.50x',
          actual: `${formatRatio(viaFetch / sqlP50)} (supabase-js: ${formatRatio(viaClient / sqlP50)})`,
          met: viaFetch / sqlP50 <= 1.5,
        });
      }
    }
    const floor = await httpFloor(stack.apiUrl);
    latencyRows.push(['HTTP floor (reference)', 'GET /health via fetch, no database', String(floor.count), `${formatMs(floor.p50)} ms`, `${formatMs(floor.p95)} ms`, `${formatMs(floor.p99)} ms`, '', '']);
    tables.push({
      title: 'Latency, one request at a time (RLS on: authenticated JWT); ratio = REST / direct SQL',
      columns: ['query', 'client', 'n', 'p50', 'p95', 'p99', 'p50 ratio', 'p95 ratio'],
      rows: latencyRows,
    });

    const stats = await statementStats(stack.sql);
    const isRestRead = (q: string) => q.includes('"pgrst_t"') && q.includes('"bench_child"');
    const restOne = findStatement(stats, (q) => isRestRead(q) && !q.includes('bench_parent'));
    const restPage = findStatement(stats, (q) => isRestRead(q) && q.includes('bench_parent'));
    const settings = findStatement(stats, (q) => q.includes('set_config('));
    const directOne = findStatement(stats, (q) => q.includes('row_to_json(c)'));
    const directPage = findStatement(stats, (q) => q.includes('json_build_object('));
    const statRow = (label: string, s: StatementStats | undefined) => [label, s ? String(s.calls) : '—', s ? `${formatMs(s.mean)} ms` : '—'];
    tables.push({
      title: 'Inside PostgreSQL during the latency runs (pg_stat_statements: mean execution time per call, planning excluded)',
      columns: ['statement', 'calls', 'mean exec'],
      rows: [
        statRow('REST: set_config(role, claims, headers, …) per request', settings),
        statRow('REST: one-row read (generated SQL)', restOne),
        statRow('direct: one-row read', directOne),
        statRow(`REST: ${pageRows}-row read with embed (generated SQL)`, restPage),
        statRow(`direct: ${pageRows}-row read with join`, directPage),
      ],
    });

    const run = await throughput(clients, stack, options.throughputSeconds ?? 10, options.connections ?? 50, log);
    tables.push(run.table);
    aims.push(run.aim);
    notes.push(...run.notes);
    notes.push(`Fixtures: bench_parent ${parentRows} rows, bench_child ${childRows.toLocaleString('en-US')} rows (text, numeric(12,2), int, timestamptz, FK), RLS on both, policy to authenticated using ((select auth.uid()) is not null).`);
    return { suite: 'rest', tables, aims, notes };
  } finally {
    await direct?.end({ timeout: 5 }).catch(() => undefined);
    await stack?.stop().catch((error: unknown) => log(`rest: stopping the stack failed: ${String(error)}`));
    rmSync(dataDir, { recursive: true, force: true });
  }
}
