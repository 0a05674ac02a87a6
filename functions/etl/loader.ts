import type { ReservedSql, Sql } from 'postgres';
import {
  applyMapping,
  detectSource,
  EtlFileError,
  parseFile,
  parseSavedMapping,
  proposeMapping,
  validateBatches,
  withContentHash,
  type LoadProgress,
  type MappingProposal,
  type RowError,
  type SourceName,
} from '../_shared/etl/index.ts';
import { FactWriter, type StreamPlan } from './factWriter.ts';
import { chooseMapping, writeErrors } from './loadMapping.ts';
import { nativeSha256 } from './nativeSha256.ts';
import { cancelRequested, ProgressReports } from './progressReports.ts';

/**
 * Streams one file into the facts: parse → validate row by row → apply the good rows batch
 * by batch (supersede by natural key, insert, sum up their rollup contribution) → bring the
 * rollup up to date, all in one transaction on one connection, so nothing is visible (or
 * left behind) until the load is done. The database applies a batch while the next one is
 * parsed; memory stays flat: a batch or two at a time. Progress and rejected rows are written
 * as it goes through other connections, so the app sees them live.
 */

/** What the function has learnt of a load by the end. */
export interface LoadRow {
  id: string;
  workspace_id: string;
  source: SourceName;
  status: string;
  phase: string | null;
  rows_read: string | number;
  rows_accepted: string | number;
  rows_rejected: string | number;
  rows_superseded: string | number;
  duplicate_of: string | null;
  error_summary: string | null;
}

export interface LoadInput {
  loadId: string;
  workspaceId: string;
  /** The source the user chose; detected from the header when absent. */
  source?: SourceName;
  /** A mapping the user fixed for this file, else the workspace's saved one, else the proposal. */
  mapping?: unknown;
  /** The ad network of a spend file without a network column (moloco by default). */
  network?: string;
  body: ReadableStream<Uint8Array>;
}

export interface LoadOutcome {
  load: LoadRow;
  /** The first rejected rows, for the response; all of them are in etl_load_errors. */
  errors: RowError[];
  mapping?: MappingProposal;
}

/**
 * How often the worker tells the database it is still at the load. A load whose worker stays
 * silent for 30 seconds is marked failed by the reaper (20261207090000_etl_abandoned_loads.sql).
 */
const heartbeatEveryMs = 5_000;

/** Rejected rows kept per load; past it only the count grows (the file is plainly wrong). */
const maxStoredErrors = 10_000;

class Cancelled extends Error {}

/** What a running load is doing now, with its final counters once the file has been read. */
async function setPhase(sql: Sql, loadId: string, phase: 'merging' | 'rollups', progress: LoadProgress | undefined): Promise<void> {
  await sql`update public.etl_loads set phase = ${phase}, rows_read = ${progress?.rowsRead ?? 0},
    rows_accepted = ${progress?.rowsAccepted ?? 0}, rows_rejected = ${progress?.rowsRejected ?? 0} where id = ${loadId}`;
}

/**
 * Whether an earlier load of the workspace and source had a file of this very size: then this
 * one may well be the same file again, known only once all of it is hashed (see FactWriter).
 */
async function mayRepeat(sql: Sql, loadId: string): Promise<boolean> {
  const [row] = await sql<{ repeat: boolean }[]>`
    select exists (
      select 1 from public.etl_loads l join public.etl_loads earlier
        on earlier.workspace_id = l.workspace_id and earlier.source = l.source and earlier.size_bytes = l.size_bytes and earlier.id <> l.id
      where l.id = ${loadId} and earlier.status in ('done', 'rolled_back', 'running')
    ) as repeat`;
  return row?.repeat === true;
}

async function finish(sql: Sql, loadId: string, status: 'failed' | 'cancelled', summary: string, progress: LoadProgress | undefined): Promise<LoadRow> {
  const [row] = await sql<LoadRow[]>`
    select * from private.etl_finish(${loadId}, ${status}, ${summary}, ${progress?.rowsAccepted ?? 0}, ${progress?.rowsRejected ?? 0}, ${progress?.rowsRead ?? 0})`;
  if (!row) throw new Error(`load ${loadId} vanished`);
  return row;
}

/**
 * Runs one load end to end on `sql` (a pool over SUPABASE_DB_URL). The load row exists
 * already (inserted with the caller's token, so RLS decided who may upload).
 */
export async function runLoad(sql: Sql, input: LoadInput): Promise<LoadOutcome> {
  const conn: ReservedSql = await sql.reserve();
  const firstErrors: RowError[] = [];
  let progress: LoadProgress | undefined;
  let stored = 0;
  let writer: FactWriter | undefined;
  let reports: ProgressReports | undefined;
  let inTransaction = false;
  // From the pool, not the load's connection, which is busy for long stretches (a COPY, the rollups).
  const heartbeat = setInterval(() => {
    sql`select private.etl_heartbeat(${input.loadId})`.catch(() => undefined);
  }, heartbeatEveryMs);
  try {
    const [begun] = await conn<LoadRow[]>`select * from private.etl_begin(${input.loadId})`;
    if (!begun || begun.status === 'duplicate') return { load: begun ?? (await finish(sql, input.loadId, 'failed', 'The load could not start', undefined)), errors: [] };
    const { stream, hash } = withContentHash(input.body, nativeSha256());
    // Small record batches: a batch's rows then die young, before the collector has to move
    // them to the old generation, and the writer gets its turns (see factWriter.ts) at shorter
    // intervals. Measured on the 1M-row bench file against batches of 1,000: 9.0 s instead of
    // 10.1 s, and a peak of 266 MB instead of 346 MB.
    const file = parseFile(stream, { batchSize: 250 });
    const header = await file.header();
    const proposal = await chooseMapping(sql, input, header.names);
    const source = proposal.source;
    if (source === 'ad_spend' && input.network && proposal.mapping.columns.network === undefined) proposal.mapping.constants.network = input.network;
    // The header decides the source; the load row records what was actually loaded.
    await sql`update public.etl_loads set source = ${source},
      network = ${source === 'ad_spend' ? (proposal.mapping.constants.network ?? input.network ?? null) : null}
      where id = ${input.loadId}`;
    // From here to the commit the load's connection must not touch its etl_loads row (until
    // etl_recognise), or the progress updates below would wait for the commit, which waits for them.
    await conn.unsafe('begin');
    inTransaction = true;
    const [plan] = await conn<StreamPlan[]>`select * from private.etl_stream_begin(${input.loadId})`;
    if (!plan) throw new Error('the load could not begin its apply');
    writer = new FactWriter(conn, input.loadId, source, plan, await mayRepeat(sql, input.loadId));
    reports = new ProgressReports(sql, input.loadId);
    for await (const batch of validateBatches(file, proposal.mapping)) {
      progress = batch.progress;
      await writer.add(batch.rows);
      const keep = batch.errors.slice(0, Math.max(0, maxStoredErrors - stored));
      stored += keep.length;
      await writeErrors(sql, input, keep);
      if (firstErrors.length < 20) firstErrors.push(...batch.errors.slice(0, 20 - firstErrors.length));
      if (reports.report(progress)) throw new Cancelled('The load was cancelled; the facts are as they were before it.');
    }
    await reports.settle();
    await setPhase(sql, input.loadId, 'merging', progress);
    await writer.finish();
    await setPhase(sql, input.loadId, 'rollups', progress);
    const contentHash = await hash;
    const [recognised] = await conn<LoadRow[]>`select * from private.etl_recognise(${input.loadId}, ${contentHash})`;
    if (recognised?.status === 'duplicate') {
      // Nothing of a repeated file is kept: undo its rows, then record what it repeats.
      await conn.unsafe('rollback');
      inTransaction = false;
      const [duplicate] = await conn<LoadRow[]>`select * from private.etl_recognise(${input.loadId}, ${contentHash})`;
      return { load: duplicate ?? recognised, errors: [] };
    }
    await writer.applyDeferred();
    const [done] = await conn<LoadRow[]>`
      select * from private.etl_stream_finish(${input.loadId}, ${progress?.rowsAccepted ?? 0}, ${progress?.rowsRejected ?? 0},
        ${progress?.rowsRead ?? 0}, ${writer.superseded}, ${JSON.stringify(proposal.mapping)}::text::jsonb)`;
    await conn.unsafe('commit');
    inTransaction = false;
    if (!done) throw new Error('the load vanished while it was applied');
    return { load: done, errors: firstErrors, mapping: proposal };
  } catch (error) {
    await reports?.settle().catch(() => undefined);
    if (inTransaction) {
      await writer?.settle();
      await conn.unsafe('rollback').catch(() => undefined);
    }
    // A cancel may reach the database mid-COPY, where it surfaces only as an aborted transaction.
    const cancelled = error instanceof Cancelled || (error as { code?: string }).code === '57014' || (await cancelRequested(sql, input.loadId).catch(() => false));
    const summary = cancelled
      ? 'The load was cancelled; the facts are as they were before it.'
      : error instanceof EtlFileError
        ? error.message
        : `The load failed and changed nothing: ${error instanceof Error ? error.message : String(error)}`;
    const load = await finish(sql, input.loadId, cancelled ? 'cancelled' : 'failed', summary, progress);
    if (error instanceof EtlFileError || cancelled) return { load, errors: firstErrors };
    throw Object.assign(error instanceof Error ? error : new Error(String(error)), { load });
  } finally {
    clearInterval(heartbeat);
    conn.release();
  }
}
