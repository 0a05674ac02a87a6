import type { ReservedSql, Sql } from 'postgres';
import {
  copyColumns,
  detectEncoding,
  EtlFileError,
  naturalKeyOf,
  nextSliceStart,
  parseFile,
  Sha256,
  sliceLength,
  toCopyText,
  validateBatches,
  type ColumnMapping,
  type CsvHeader,
  type RowError,
  type Sha256State,
  type SourceName,
} from '../_shared/etl/index.ts';
import type { ImportObjects } from '../_shared/importObjects.ts';
import { openCopy } from './copyStream.ts';
import { chooseMapping, writeErrors, type LoadRequest } from './loadMapping.ts';

/**
 * One step of a load read from Storage in slices (docs/imports.md; the tables in
 * 20261207120000_etl_imports_in_slices.sql and 20261208090000_etl_stage_unlogged.sql). A step
 * is either a slice — read a byte range of the file, parse its whole records, stage the valid
 * rows (one COPY, fed as they are validated, into the load's unlogged staging table), store the
 * rejected ones and the checkpoint, all in one transaction — or, once all of the file is read,
 * the apply: the staged rows into the facts in one transaction, so readers see all of the load
 * at once. Each step fits well inside a hosted invocation: a slice of 8 MiB costs about a
 * quarter of a second of CPU and some 60 MB; the apply is the database's work, the function
 * only waits.
 */

/** Bytes read per slice, unless ETL_SLICE_BYTES says otherwise (tests make files of many slices with it). */
export const defaultSliceBytes = 8 * 2 ** 20;
/** A slice that holds no whole record is read again this much longer, up to the limit. */
const maxSliceBytes = 64 * 2 ** 20;

/** Rejected rows kept per load; past it only the count grows (the file is plainly wrong). */
const maxStoredErrors = 10_000;

/** How often a step tells the database it is still at the load (the reaper resumes a load silent for 15 s). */
const heartbeatEveryMs = 5_000;

/** How long a slice may take before it counts as hung (it takes about a second), and the apply (the database's work, inside the 150 s wall clock). */
const sliceStepMs = 30_000;
const applyStepMs = 140_000;

/** What a step did: the load goes on with the next slice, or there is nothing more to do here. */
export type StepOutcome = { next: number } | { finished: true } | { nothing: true };

/**
 * The slice as a stream of 64 KiB views (no copy): the decoder and the tokenizer then hold a
 * piece at a time, not the whole slice as one string.
 */
function streamOf(bytes: Uint8Array): ReadableStream<Uint8Array> {
  let at = 0;
  return new ReadableStream({
    pull(controller) {
      if (at >= bytes.length) return controller.close();
      controller.enqueue(bytes.subarray(at, at + streamPieceBytes));
      at += streamPieceBytes;
    },
  });
}

const streamPieceBytes = 64 * 2 ** 10;

/** The checkpoint row, as private.etl_slice_claim answers it. */
interface Checkpoint {
  load_id: string;
  object_name: string;
  request: { source?: SourceName; network?: string; mapping?: unknown };
  next_slice: number;
  byte_offset: string;
  line: string;
  skipping: boolean;
  header: CsvHeader | null;
  mapping: ColumnMapping | null;
  rows_read: string;
  rows_accepted: string;
  rows_rejected: string;
  blank_lines: string;
  errors_stored: number;
  last_key: string | null;
  repeats_keys: boolean;
  hash_state: Sha256State | null;
  content_hash: string | null;
  read_all: boolean;
}

interface LoadFacts {
  workspace_id: string;
  source: SourceName;
}

class Cancelled extends Error {}
const cancelledSummary = 'The load was cancelled; the facts are as they were before it.';

async function finish(sql: Sql, loadId: string, status: 'failed' | 'cancelled', summary: string): Promise<void> {
  // The counters stay as the last slice left them.
  await sql`select private.etl_finish(${loadId}, ${status}, ${summary}, l.rows_accepted, l.rows_rejected, l.rows_read)
    from public.etl_loads l where l.id = ${loadId}`;
}

function isCancel(error: unknown): boolean {
  return error instanceof Cancelled || (error as { code?: string }).code === '57014';
}

/**
 * Runs step `slice` of a load. A request for a step that is not the load's next one (late, or
 * sent twice) does nothing. A file that cannot be read fails the load with the reason; a
 * cancel ends it cancelled; anything else (Storage or the database unreachable, the worker
 * killed) leaves the checkpoint as it was, for the reaper to resume from.
 */
export async function runStep(sql: Sql, objects: ImportObjects, loadId: string, slice: number, sliceBytes = defaultSliceBytes): Promise<StepOutcome> {
  // A step that overruns its time (hung on a lost connection, say) stops saying it is alive, so
  // the reaper ends its session and resumes the load, instead of the load waiting on it for ever.
  const budget = { until: Date.now() + sliceStepMs };
  const heartbeat = setInterval(() => {
    if (Date.now() > budget.until) return clearInterval(heartbeat);
    sql`select private.etl_heartbeat(${loadId})`.catch(() => undefined);
  }, heartbeatEveryMs);
  const conn = await sql.reserve();
  try {
    return await step(sql, conn, objects, loadId, slice, sliceBytes, budget);
  } catch (error) {
    await conn.unsafe('rollback').catch(() => undefined);
    if ((error as { code?: string }).code === '55P03') return { nothing: true };
    const cancelled = isCancel(error) || (await cancelRequested(sql, loadId));
    if (cancelled) {
      await finish(sql, loadId, 'cancelled', cancelledSummary);
      return { finished: true };
    }
    if (error instanceof EtlFileError) {
      await finish(sql, loadId, 'failed', error.message);
      return { finished: true };
    }
    if ((error as { code?: string }).code?.match(/^(22|23|42)/)) {
      // The database refused the data or a statement: doing it again would only fail again.
      await finish(sql, loadId, 'failed', `The load failed and changed nothing: ${(error as Error).message}`);
      return { finished: true };
    }
    throw error;
  } finally {
    clearInterval(heartbeat);
    conn.release();
  }
}

async function cancelRequested(sql: Sql, loadId: string): Promise<boolean> {
  const [row] = await sql<{ cancel_requested: boolean }[]>`select cancel_requested from public.etl_loads where id = ${loadId}`;
  return row?.cancel_requested === true;
}

async function claim(conn: ReservedSql, loadId: string, slice: number): Promise<Checkpoint | undefined> {
  await conn.unsafe('begin');
  const [checkpoint] = await conn<Checkpoint[]>`select * from private.etl_slice_claim(${loadId}, ${slice})`;
  if (!checkpoint) await conn.unsafe('rollback');
  return checkpoint;
}

async function step(
  sql: Sql,
  conn: ReservedSql,
  objects: ImportObjects,
  loadId: string,
  slice: number,
  sliceBytes: number,
  budget: { until: number },
): Promise<StepOutcome> {
  const checkpoint = await claim(conn, loadId, slice);
  if (!checkpoint) return { nothing: true };
  const [load] = await conn<LoadFacts[]>`select workspace_id, source from public.etl_loads where id = ${loadId}`;
  if (!load) throw new Error(`load ${loadId} vanished`);
  if (checkpoint.read_all) {
    // The apply runs in a transaction of its own, which does not hold the load's row until its
    // very end: cancel_load must not wait for it.
    await conn.unsafe('commit');
    budget.until = Date.now() + applyStepMs;
    return applyStaged(sql, conn, loadId, checkpoint);
  }
  return readSlice(sql, conn, objects, loadId, load, checkpoint, sliceBytes);
}

async function readWindow(objects: ImportObjects, checkpoint: Checkpoint, length: number): Promise<{ bytes: Uint8Array; fileEnds: boolean }> {
  const offset = Number(checkpoint.byte_offset);
  const window = await objects.read(checkpoint.object_name, offset, length);
  if (!window) throw new EtlFileError('file_missing', 'The uploaded file is no longer in Storage (was it removed?). Upload it again.');
  return { bytes: window.bytes, fileEnds: offset + window.bytes.length >= window.size };
}

async function readSlice(
  sql: Sql,
  conn: ReservedSql,
  objects: ImportObjects,
  loadId: string,
  load: LoadFacts,
  checkpoint: Checkpoint,
  sliceBytes: number,
): Promise<StepOutcome> {
  const firstLine = Number(checkpoint.line);
  for (let length = sliceBytes; ; length *= 2) {
    const { bytes: window, fileEnds } = await readWindow(objects, checkpoint, length);
    if (window.length === 0 && !checkpoint.header) throw new EtlFileError('empty_file', 'The file is empty: it has no header line');
    const encoding = checkpoint.header?.encoding ?? detectEncoding(window.subarray(0, 4096), fileEnds && window.length <= 4096);
    const slice = window.subarray(0, sliceLength(window, encoding, fileEnds));
    const parsed = await parseSlice(sql, conn, loadId, load, checkpoint, slice, fileEnds);
    if (parsed === 'longer') {
      if (length * 2 > Math.max(maxSliceBytes, sliceBytes)) {
        throw new EtlFileError('record_too_long', `Line ${firstLine} starts a record that does not end within ${Math.round(length / 2 ** 10)} KiB: is this a CSV export?`);
      }
      continue;
    }
    return parsed;
  }
}

/** Parses, validates and stages one slice, and commits it with its checkpoint; 'longer' when it holds no whole record. */
async function parseSlice(
  sql: Sql,
  conn: ReservedSql,
  loadId: string,
  load: LoadFacts,
  checkpoint: Checkpoint,
  slice: Uint8Array,
  fileEnds: boolean,
): Promise<StepOutcome | 'longer'> {
  const firstLine = Number(checkpoint.line);
  const resume = checkpoint.header ? { header: checkpoint.header, line: firstLine, skipping: checkpoint.skipping } : undefined;
  const file = parseFile(streamOf(slice), { batchSize: 250, partial: !fileEnds, resume });
  let header: CsvHeader;
  try {
    header = await file.header();
  } catch (error) {
    // A header line longer than the slice: read a longer one.
    if (!fileEnds && (error as { code?: string }).code === 'empty_file') return 'longer';
    throw error;
  }
  let source = load.source;
  let mapping = checkpoint.mapping;
  if (!mapping) {
    const request: LoadRequest = { workspaceId: load.workspace_id, source: checkpoint.request.source, mapping: checkpoint.request.mapping };
    const proposal = await chooseMapping(sql, request, header.names);
    source = proposal.source;
    mapping = proposal.mapping;
    const network = checkpoint.request.network;
    if (source === 'ad_spend' && network && mapping.columns.network === undefined) mapping.constants.network = network;
    // The header decides the source; the load row records what is actually loaded.
    await conn`update public.etl_loads set source = ${source},
      network = ${source === 'ad_spend' ? (mapping.constants.network ?? network ?? null) : null} where id = ${loadId}`;
    await conn`select private.etl_stage_create(${loadId})`;
  }

  const keyOf = naturalKeyOf(source);
  // Kept as JSON: a key joins its columns with NUL, which a text column cannot hold.
  let lastKey = checkpoint.last_key === null ? null : (JSON.parse(checkpoint.last_key) as string);
  let repeatsKeys = checkpoint.repeats_keys;
  const [stage] = await conn<{ name: string }[]>`select private.etl_stage_name(${loadId}) as name`;
  const copyStatement = `copy private."${stage?.name}" (${['line', ...copyColumns(source)].map((c) => `"${c}"`).join(', ')}) from stdin`;
  // A slice that turns out to hold no whole record is read again, longer: what it staged goes.
  await conn`savepoint etl_slice`;
  const copy = await openCopy(conn, copyStatement);
  const encoder = new TextEncoder();
  const errors: RowError[] = [];
  let storedRoom = Math.max(0, maxStoredErrors - checkpoint.errors_stored);
  let stored = 0;
  let progress = { rowsRead: 0, rowsAccepted: 0, rowsRejected: 0, blankLines: 0 };
  const copyOptions = { workspaceId: load.workspace_id, loadId, defaults: [] as (string | undefined)[], withLine: true };
  try {
    for await (const batch of validateBatches(file, mapping)) {
      progress = batch.progress;
      if (!repeatsKeys) {
        for (const row of batch.rows) {
          const key = keyOf(row);
          if (lastKey !== null && !(key > lastKey)) {
            repeatsKeys = true;
            break;
          }
          lastKey = key;
        }
      }
      // The database takes each batch while the next is parsed.
      if (batch.rows.length) await copy.write(encoder.encode(toCopyText(batch.rows, copyOptions)));
      const keep = batch.errors.slice(0, storedRoom);
      storedRoom -= keep.length;
      stored += keep.length;
      errors.push(...keep);
    }
    await copy.end();
  } catch (error) {
    await copy.abort(error as Error);
    throw error;
  }
  // The encoding as the bytes have told it by now (the header may have been all ASCII).
  const encoding = header.encoding === 'ascii' ? file.encoding : header.encoding;
  const position = fileEnds ? null : nextSliceStart(slice, encoding, firstLine, file.position());
  if (!fileEnds && !position) {
    await conn`rollback to savepoint etl_slice`;
    return 'longer';
  }
  await writeErrors(conn, { loadId, workspaceId: load.workspace_id }, errors);

  const consumed = fileEnds ? slice.length : (position?.offset ?? 0);
  const hash = checkpoint.hash_state ? Sha256.restore(checkpoint.hash_state) : new Sha256();
  hash.update(slice.subarray(0, consumed));
  const knownHeader: CsvHeader = { ...header, encoding };
  const rowsRead = Number(checkpoint.rows_read) + progress.rowsRead;
  const rowsAccepted = Number(checkpoint.rows_accepted) + progress.rowsAccepted;
  const rowsRejected = Number(checkpoint.rows_rejected) + progress.rowsRejected;
  const contentHash = fileEnds ? hash.hex() : null;
  await conn`
    update private.etl_load_slices set
      next_slice = next_slice + 1,
      byte_offset = byte_offset + ${consumed},
      line = ${position?.line ?? firstLine},
      skipping = ${position?.skipping ?? false},
      header = ${JSON.stringify(knownHeader)}::text::jsonb,
      mapping = ${JSON.stringify(mapping)}::text::jsonb,
      rows_read = ${rowsRead}, rows_accepted = ${rowsAccepted}, rows_rejected = ${rowsRejected},
      blank_lines = blank_lines + ${progress.blankLines},
      errors_stored = errors_stored + ${stored},
      last_key = ${lastKey === null ? null : JSON.stringify(lastKey)}, repeats_keys = ${repeatsKeys},
      hash_state = ${fileEnds ? null : JSON.stringify(hash.save())}::text::jsonb,
      content_hash = ${contentHash},
      read_all = ${fileEnds},
      resumes = 0, advanced_at = now()
    where load_id = ${loadId}`;
  await conn`update public.etl_loads set rows_read = ${rowsRead}, rows_accepted = ${rowsAccepted}, rows_rejected = ${rowsRejected},
    phase = ${fileEnds ? 'merging' : 'parsing'}, file_columns = ${JSON.stringify(header.names)}::text::jsonb where id = ${loadId}`;
  await conn.unsafe('commit');
  return { next: checkpoint.next_slice + 1 };
}

/** The last step: the staged rows into the facts, the rollups, the load done, in one transaction. */
async function applyStaged(sql: Sql, conn: ReservedSql, loadId: string, checkpoint: Checkpoint): Promise<StepOutcome> {
  await conn.unsafe('begin');
  let inTransaction = true;
  try {
    // Held for the whole apply: a repeated request for this step finds it taken (55P03) and leaves.
    await conn`select 1 from private.etl_load_slices where load_id = ${loadId} for update nowait`;
    await conn`select * from private.etl_stream_begin(${loadId})`;
    // Under the lock etl_stream_begin took, so two loads of one file cannot both pass as new.
    const hash = checkpoint.content_hash;
    if (hash) {
      const [recognised] = await conn<{ status: string }[]>`select status from private.etl_recognise(${loadId}, ${hash})`;
      if (recognised?.status === 'duplicate') {
        // Nothing of a repeated file is kept: record what it repeats, outside the apply.
        await conn.unsafe('rollback');
        inTransaction = false;
        await sql`select private.etl_recognise(${loadId}, ${hash})`;
        return { finished: true };
      }
    }
    const [applied] = await conn<{ superseded: string }[]>`select private.etl_stage_apply(${loadId}, ${checkpoint.repeats_keys}) as superseded`;
    await conn`select private.etl_stream_finish(${loadId}, ${checkpoint.rows_accepted}, ${checkpoint.rows_rejected}, ${checkpoint.rows_read},
      ${applied?.superseded ?? 0}, ${JSON.stringify(checkpoint.mapping)}::text::jsonb)`;
    await conn.unsafe('commit');
    inTransaction = false;
    return { finished: true };
  } finally {
    if (inTransaction) await conn.unsafe('rollback').catch(() => undefined);
  }
}
