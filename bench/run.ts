/**
 * `npm run bench [-- suite…]`: runs the benchmark suites on this machine and prints their
 * figures. A crashed suite fails the run; a missed aim is only marked.
 */
import { execFileSync } from 'node:child_process';
import { availableParallelism, cpus, loadavg, totalmem } from 'node:os';
import { performance } from 'node:perf_hooks';
import { isSuiteResult, renderAims, renderTable } from './report.ts';
import { alertsBench } from './alerts.ts';
import { appBench } from './app.ts';
import { capsForecastBench } from './capsForecast.ts';
import { etlBench } from './etl.ts';
import { etlParseBench } from './etlParse.ts';
import { functionsBench } from './functions.ts';
import { realtimeBench } from './realtime.ts';
import { restBench } from './rest.ts';
import { stackBench } from './stack.ts';

type Suite = () => Promise<unknown>;

const log = (line: string) => process.stderr.write(`${line}\n`);

function suites(): Map<string, Suite> {
  return new Map<string, Suite>([
    ['stack', () => stackBench({ log })],
    ['rest', () => restBench({ log })],
    ['realtime', () => realtimeBench()],
    ['functions', () => functionsBench()],
    ['etl-parse', () => etlParseBench()],
    ['etl', () => etlBench({ log })],
    ['app', () => appBench()],
    ['alerts', () => alertsBench({ log })],
    ['forecast', () => capsForecastBench({ log })],
  ]);
}

function nproc(): string {
  try {
    return execFileSync('nproc', { encoding: 'utf8' }).trim();
  } catch {
    return String(availableParallelism());
  }
}

/** Figures from a busy machine are not comparable; say so where they are printed. */
function loadLine(): string {
  const [one = 0, five = 0] = loadavg();
  const busy = one > availableParallelism() * 0.5;
  return `load:    ${one.toFixed(2)} (1 min), ${five.toFixed(2)} (5 min)${busy ? ' — other work is running here; expect noisy figures' : ''}`;
}

function header(args: string[]): string {
  const cpu = cpus()[0]?.model.trim() ?? 'unknown CPU';
  return [
    'ArbiDesk benchmarks',
    `command: npm run bench${args.length ? ` -- ${args.join(' ')}` : ''}`,
    `machine: nproc ${nproc()}, ${cpu}, ${(totalmem() / 2 ** 30).toFixed(1)} GiB RAM, ${process.platform}-${process.arch}`,
    `node:    ${process.version}`,
    `date:    ${new Date().toISOString()}`,
    loadLine(),
  ].join('\n');
}

/** Suites that return something other than a SuiteResult are printed as JSON. */
function render(name: string, result: unknown, seconds: number): string {
  const title = `== ${name} (${seconds.toFixed(1)} s) ==`;
  if (!isSuiteResult(result)) return result === undefined ? title : `${title}\n${JSON.stringify(result, null, 2)}`;
  const parts = [title, ...result.tables.map(renderTable)];
  const aims = renderAims(result.aims ?? []);
  if (aims) parts.push(aims);
  if (result.notes?.length) parts.push(result.notes.map((n) => `* ${n}`).join('\n'));
  return parts.join('\n\n');
}

async function main(): Promise<number> {
  const args = process.argv.slice(2);
  const available = suites();
  const unknown = args.filter((a) => !available.has(a));
  if (unknown.length) {
    console.error(`Unknown suite: ${unknown.join(', ')}. Available: ${[...available.keys()].join(', ')}.`);
    return 2;
  }
  // Benchmarks always build their own embedded databases, never touch a configured server.
  delete process.env.DATABASE_URL;
  delete process.env.JWT_SECRET;
  console.log(header(args));
  const chosen = args.length ? args : [...available.keys()];
  const crashed: string[] = [];
  const missed: string[] = [];
  for (const name of chosen) {
    const suite = available.get(name);
    if (!suite) continue;
    const began = performance.now();
    try {
      const result = await suite();
      console.log(`\n${render(name, result, (performance.now() - began) / 1000)}`);
      if (isSuiteResult(result)) missed.push(...(result.aims ?? []).filter((a) => !a.met).map((a) => `${name}: ${a.label}`));
    } catch (error) {
      crashed.push(name);
      console.log(`\n== ${name}: CRASHED after ${((performance.now() - began) / 1000).toFixed(1)} s ==`);
      console.log(error instanceof Error ? (error.stack ?? error.message) : String(error));
    }
  }
  const summary = [
    `suites: ${chosen.length - crashed.length} ran, ${crashed.length} crashed${crashed.length ? ` (${crashed.join(', ')})` : ''}`,
    `aims missed: ${missed.length ? missed.join('; ') : 'none'}`,
    loadLine(),
  ];
  console.log(`\n${summary.join('\n')}`);
  return crashed.length ? 1 : 0;
}

// Exit explicitly: a suite's leftover keep-alive socket must not hold the run open.
main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
