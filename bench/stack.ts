import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { projectRoot } from '../supabase/local/config.ts';
import type { ProjectKeys } from '../supabase/local/keys.ts';
import { freePort } from '../tests/support/globalSetup.ts';
import type { SuiteResult } from './report.ts';
import { formatMs, median } from './stats.ts';

/** The command `npm start` runs, spawned as a user would (a terminal's process group). */
const startCommand = ['npx', 'tsx', 'supabase/local/cli/start.ts'] as const;

export interface StackBenchOptions {
  warmRuns?: number;
  log?: (line: string) => void;
}

interface StartRun {
  label: string;
  /** Spawn to /health 200 and a REST answer. */
  readyMs: number;
  /** Spawn to start.ts's "Ctrl+C stops everything." (the app server up too). */
  doneMs: number;
  /** start.ts ran `vite build` because app/dist was missing or stale. */
  appBuilt: boolean;
  /** What start.ts itself reports ("ArbiDesk is running (N ms"): startStack alone. */
  stackMs: number | undefined;
  /** SIGINT to the process group until every process of it (PostgreSQL included) is gone. */
  stopMs: number;
  /** start.ts removed status.json and PostgreSQL removed postmaster.pid: a clean stop. */
  clean: boolean;
  /** The REST request that proved readiness. */
  restProbe: string;
}

interface RunningStart {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

function delay(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

function groupAlive(pid: number | undefined): boolean {
  if (pid === undefined) return false;
  try {
    process.kill(-pid, 0);
    return true;
  } catch {
    return false;
  }
}

function launch(dataDir: string, apiPort: number, dbPort: number, appPort: number): RunningStart {
  const env: NodeJS.ProcessEnv = { ...process.env, ARBIDESK_DATA_DIR: dataDir, API_PORT: String(apiPort), DB_PORT: String(dbPort), APP_PORT: String(appPort) };
  // The benchmark measures the embedded database; a DATABASE_URL would skip initdb.
  delete env.DATABASE_URL;
  delete env.JWT_SECRET;
  delete env.DEBUG_POSTGRES;
  const [command, ...args] = startCommand;
  // Its own process group, so SIGINT reaches every process as Ctrl+C in a terminal does.
  const child = spawn(command, args, { cwd: projectRoot, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString('utf8')).slice(-20_000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, output: () => output, exited };
}

async function answers(url: string, headers: Record<string, string> = {}): Promise<Response | undefined> {
  try {
    return await fetch(url, { headers, signal: AbortSignal.timeout(2_000) });
  } catch {
    return undefined;
  }
}

/**
 * Waits until the API answers /health with 200 and then a REST request made with the anon
 * key. The REST request reads the first exposed table when the schema has one (a database
 * round trip), else the OpenAPI root.
 */
async function waitReady(run: RunningStart, apiUrl: string, dataDir: string, timeoutMs: number): Promise<string> {
  const deadline = performance.now() + timeoutMs;
  let exitCode: number | null | undefined;
  void run.exited.then((code) => {
    exitCode = code;
  });
  const check = () => {
    if (exitCode !== undefined) throw new Error(`npm start exited with ${exitCode} before it was ready:\n${run.output()}`);
    if (performance.now() > deadline) throw new Error(`npm start was not ready after ${timeoutMs} ms:\n${run.output()}`);
  };
  for (;;) {
    check();
    const health = await answers(`${apiUrl}/health`);
    await health?.body?.cancel();
    if (health?.status === 200) break;
    await delay(10);
  }
  const keys = JSON.parse(readFileSync(join(dataDir, 'keys.json'), 'utf8')) as ProjectKeys;
  const headers = { apikey: keys.anonKey, authorization: `Bearer ${keys.anonKey}` };
  for (;;) {
    check();
    const root = await answers(`${apiUrl}/rest/v1/`, headers);
    if (root?.status === 200) {
      const openApi = (await root.json()) as { paths?: Record<string, unknown> };
      const table = Object.keys(openApi.paths ?? {}).find((p) => !p.startsWith('/rpc/'));
      if (!table) return 'GET /rest/v1/ (OpenAPI root: the schema has no tables yet)';
      const read = await answers(`${apiUrl}/rest/v1${table}?limit=1`, headers);
      await read?.body?.cancel();
      if (read && read.status < 500) {
        const why = read.status === 401 ? ': closed to anon, so PostgreSQL refused it' : '';
        return `GET /rest/v1${table}?limit=1 with the anon key answered ${read.status}${why}`;
      }
    } else {
      await root?.body?.cancel();
    }
    await delay(10);
  }
}

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // The group is gone already.
  }
}

function stopStrayPostgres(dataDir: string): void {
  const pidFile = join(dataDir, 'db', 'postmaster.pid');
  if (!existsSync(pidFile)) return;
  const pid = Number(readFileSync(pidFile, 'utf8').split('\n')[0]);
  try {
    if (pid > 0) process.kill(pid, 'SIGQUIT');
  } catch {
    // Not running.
  }
}

async function startAndStop(label: string, dataDir: string, timeoutMs: number): Promise<StartRun> {
  const apiPort = await freePort();
  const dbPort = await freePort();
  const appPort = await freePort();
  const apiUrl = `http://127.0.0.1:${apiPort}`;
  const began = performance.now();
  const run = launch(dataDir, apiPort, dbPort, appPort);
  try {
    const restProbe = await waitReady(run, apiUrl, dataDir, timeoutMs);
    const readyMs = performance.now() - began;
    // Stop only once start.ts is done: a SIGINT during its app build would leave the build lock behind.
    while (!run.output().includes('Ctrl+C stops everything')) {
      if (run.child.exitCode !== null || run.child.signalCode !== null) throw new Error(`npm start exited before it finished starting:\n${run.output()}`);
      if (performance.now() - began > timeoutMs) throw new Error(`npm start did not finish starting within ${timeoutMs} ms:\n${run.output()}`);
      await delay(5);
    }
    const doneMs = performance.now() - began;
    const reported = /ArbiDesk is running \((\d+) ms/.exec(run.output());
    const appBuilt = run.output().includes('Building the app');
    const stopBegan = performance.now();
    killGroup(run.child, 'SIGINT');
    while (groupAlive(run.child.pid)) {
      if (performance.now() - stopBegan > 30_000) throw new Error(`npm start did not stop within 30 s of SIGINT:\n${run.output()}`);
      await delay(5);
    }
    const stopMs = performance.now() - stopBegan;
    const clean = !existsSync(join(dataDir, 'status.json')) && !existsSync(join(dataDir, 'db', 'postmaster.pid'));
    if (!clean) throw new Error(`npm start did not stop cleanly on SIGINT (status.json or postmaster.pid left behind):\n${run.output()}`);
    return { label, readyMs, doneMs, appBuilt, stackMs: reported ? Number(reported[1]) : undefined, stopMs, clean, restProbe };
  } finally {
    if (groupAlive(run.child.pid)) {
      killGroup(run.child, 'SIGKILL');
      for (let i = 0; i < 100 && groupAlive(run.child.pid); i++) await delay(50);
    }
    stopStrayPostgres(dataDir);
  }
}

/**
 * Cold start (empty data folder: initdb, bootstrap, migrations, seed) and warm restarts of
 * the same folder, each through the real `npm start` entry, stopped with SIGINT in between.
 */
export async function stackBench(options: StackBenchOptions = {}): Promise<SuiteResult> {
  const warmRuns = options.warmRuns ?? 5;
  const log = options.log ?? (() => {});
  const dataDir = mkdtempSync(join(tmpdir(), 'arbidesk-bench-start-'));
  const runs: StartRun[] = [];
  try {
    log('stack: cold start (empty data folder)…');
    runs.push(await startAndStop('cold', dataDir, 180_000));
    for (let i = 1; i <= warmRuns; i++) {
      log(`stack: warm restart ${i}/${warmRuns}…`);
      runs.push(await startAndStop(`warm ${i}`, dataDir, 60_000));
    }
  } finally {
    stopStrayPostgres(dataDir);
    rmSync(dataDir, { recursive: true, force: true });
  }
  const warm = runs.filter((r) => r.label.startsWith('warm'));
  const row = (r: StartRun) => [
    r.label,
    `${formatMs(r.readyMs)} ms`,
    r.stackMs === undefined ? '—' : `${formatMs(r.stackMs)} ms`,
    r.stackMs === undefined ? '—' : `${formatMs(r.readyMs - r.stackMs)} ms`,
    `${formatMs(r.doneMs)} ms${r.appBuilt ? ' (vite build ran)' : ''}`,
    `${formatMs(r.stopMs)} ms`,
    r.clean ? 'yes' : 'no',
  ];
  const medianOf = (pick: (r: StartRun) => number | undefined) => {
    const values = warm.map(pick).filter((v): v is number => v !== undefined);
    return values.length ? `${formatMs(median(values))} ms` : '—';
  };
  return {
    suite: 'stack',
    tables: [
      {
        title: `Start to ready: \`${startCommand.join(' ')}\` until GET /health is 200 and REST answers the anon key`,
        columns: ['run', 'spawn → API ready', 'startStack (self-reported)', 'outside startStack (npx, tsx, imports)', 'spawn → start.ts done (app served)', 'SIGINT → all exited', 'clean stop'],
        rows: [
          ...runs.map(row),
          [
            `warm median (${warm.length})`,
            medianOf((r) => r.readyMs),
            medianOf((r) => r.stackMs),
            medianOf((r) => (r.stackMs === undefined ? undefined : r.readyMs - r.stackMs)),
            medianOf((r) => r.doneMs),
            medianOf((r) => r.stopMs),
            '',
          ],
        ],
      },
    ],
    aims: [],
    notes: [
      `Readiness probe: ${runs[0]?.restProbe ?? '—'}.`,
      'cold = empty data folder (initdb + platform bootstrap + migrations + seed); warm = the same folder after a clean SIGINT stop.',
      'API ready is the figure asked for; start.ts then serves the app (building app/dist first when it is missing or older than its sources), and is stopped only after that.',
    ],
  };
}
