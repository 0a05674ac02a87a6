import { createReadStream, existsSync, mkdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { contentHash, parseFile, proposeMapping, validateBatches } from '../functions/_shared/etl/index.ts';
import { generateDemoData } from '../supabase/local/demo/generate.ts';

/**
 * The ETL parse core on a TrafficWave conversions file of about a million rows: rows/s of
 * parse alone and of parse + validate (the aim: 300 000 rows/s on one core, judged on CPU
 * time, since wall time depends on what else the machine runs), hashing MB/s, and resident
 * memory, which must stay flat whatever the file size. The file is generated once and
 * cached in the temporary folder. Run alone: `npx tsx bench/etlParse.ts`.
 */

/** Part of the cache key: bump when the generator's output changes. */
const generatorVersion = 1;
const seed = 20260301;
/** 30 days × ~34 000 rows a day ≈ 1.03M rows. */
const days = 30;
const scale = 34;

async function conversionsFile(log: (line: string) => void): Promise<{ path: string; generatedMs: number | null }> {
  const dir = join(tmpdir(), `arbidesk-bench-etl-v${generatorVersion}-s${seed}-d${days}-x${scale}`);
  const path = join(dir, 'tw_events.csv');
  if (existsSync(path)) return { path, generatedMs: null };
  log(`generating ${path} …`);
  const began = performance.now();
  // Generated beside, then renamed, so an interrupted run never leaves a half file cached.
  const partial = `${dir}.partial`;
  rmSync(partial, { recursive: true, force: true });
  generateDemoData({ seed, days, endDate: '2026-03-31', scale, outDir: partial });
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(join(dir, '..'), { recursive: true });
  renameSync(partial, dir);
  return { path, generatedMs: performance.now() - began };
}

/** The file as a web stream of 64 KiB chunks, read only as fast as it is consumed (as an upload body is). */
function fileStream(path: string): ReadableStream<Uint8Array> {
  const chunks = createReadStream(path, { highWaterMark: 1 << 16 })[Symbol.asyncIterator]();
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        const { done, value } = await chunks.next();
        if (done) controller.close();
        else if (value instanceof Uint8Array) controller.enqueue(value);
        else controller.error(new Error('expected bytes from the file'));
      },
      async cancel() {
        await chunks.return?.();
      },
    },
    { highWaterMark: 0 },
  );
}

interface Measured<T> {
  result: T;
  wallMs: number;
  /** User + system CPU of the process (GC threads included): "one core" throughput. */
  cpuMs: number;
  baseRssMb: number;
  peakRssMb: number;
}

async function measure<T>(run: (sampleRss: () => void) => Promise<T>): Promise<Measured<T>> {
  const baseRss = process.memoryUsage.rss();
  let peakRss = baseRss;
  const sampleRss = () => {
    peakRss = Math.max(peakRss, process.memoryUsage.rss());
  };
  const cpu = process.cpuUsage();
  const began = performance.now();
  const result = await run(sampleRss);
  const used = process.cpuUsage(cpu);
  return { result, wallMs: performance.now() - began, cpuMs: (used.user + used.system) / 1000, baseRssMb: baseRss / 2 ** 20, peakRssMb: peakRss / 2 ** 20 };
}

/** Parses and validates the whole file; returns rows accepted and rejected. */
async function parseAndValidate(path: string, batchSize: number, sampleRss: () => void): Promise<{ accepted: number; rejected: number }> {
  const file = parseFile(fileStream(path), { batchSize });
  const { names } = await file.header();
  const { mapping } = proposeMapping('tw_events', names);
  let accepted = 0;
  let rejected = 0;
  for await (const batch of validateBatches(file, mapping)) {
    accepted += batch.rows.length;
    rejected = batch.progress.rowsRejected;
    sampleRss();
  }
  return { accepted, rejected };
}

const aim = 300_000;

export async function etlParseBench(): Promise<Record<string, string | number>> {
  const log = (line: string) => process.stderr.write(`${line}\n`);
  const { path, generatedMs } = await conversionsFile(log);
  const bytes = statSync(path).size;
  const megabytes = bytes / 2 ** 20;

  // A first pass warms the JIT up, as a long-running edge worker would be.
  log('warm-up pass …');
  await parseAndValidate(path, 1000, () => undefined);
  log('measuring …');
  const parseOnly = await measure(async (sampleRss) => {
    let rows = 0;
    for await (const batch of parseFile(fileStream(path))) {
      rows += batch.records.length;
      sampleRss();
    }
    return rows;
  });
  const validated = await measure((sampleRss) => parseAndValidate(path, 1000, sampleRss));
  const validated5k = await measure((sampleRss) => parseAndValidate(path, 5000, sampleRss));
  const hashed = await measure(() => contentHash(fileStream(path)));

  const rows = validated.result.accepted + validated.result.rejected;
  const perSecond = (ms: number) => Math.round(rows / (ms / 1000));
  const cpuRate = perSecond(validated.cpuMs);
  return {
    file: path,
    'file size (MB)': Math.round(megabytes),
    rows,
    'rows rejected': validated.result.rejected,
    'generated in (s)': generatedMs === null ? 'cached' : Number((generatedMs / 1000).toFixed(1)),
    'parse only, rows/s (wall)': perSecond(parseOnly.wallMs),
    'parse + validate, rows/s (wall)': perSecond(validated.wallMs),
    'parse + validate, rows/s (CPU time)': cpuRate,
    'parse + validate, MB/s (wall)': Number((megabytes / (validated.wallMs / 1000)).toFixed(1)),
    'parse + validate, 5 000-row batches, rows/s (wall)': perSecond(validated5k.wallMs),
    'parse + validate, 5 000-row batches, rows/s (CPU time)': perSecond(validated5k.cpuMs),
    'aim: parse + validate rows/s on one core': aim,
    'aim met (CPU time, default batches)': cpuRate >= aim ? 'yes' : 'no',
    'sha-256, MB/s (wall)': Number((megabytes / (hashed.wallMs / 1000)).toFixed(1)),
    'RSS before parse + validate (MB)': Math.round(validated.baseRssMb),
    'peak RSS during parse + validate (MB)': Math.round(validated.peakRssMb),
    'peak RSS, 5 000-row batches (MB)': Math.round(validated5k.peakRssMb),
    'parse-only rows (must equal rows)': parseOnly.result,
  };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  etlParseBench().then(
    (figures) => console.log(figures),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}
