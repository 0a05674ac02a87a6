import type { ReservedSql } from 'postgres';
import { canonicalColumns, copyColumns, naturalKeyOf, toCopyText, type CanonicalRow, type CopyTextOptions, type SourceName } from '../_shared/etl/index.ts';
import { copyBytes } from './copyBytes.ts';
import { cancelRequested } from './progressReports.ts';
import { rollupContribution, type RollupContribution } from './rollupContribution.ts';

/**
 * Rows applied at once. Each batch costs a COPY and a function call, so batches amortise
 * those round trips; two batches of COPY text (the one being applied, the one being built)
 * are all the memory a load holds, whatever the file's size. 20,000 rows (about 6 MB): on
 * the 1M-row bench file as fast as 25,000, with a peak some 20 MB lower; 10,000 was slower.
 */
const batchRows = 20_000;

/**
 * How long the parser runs, while a batch is in flight, before it lets the event loop take
 * its turn. Deno moves socket I/O only on a turn, and reading a request body that has
 * already arrived gives none: without turns, a batch's bytes and the database's answers
 * wait until the parser has finished the next batch, and the database idles meanwhile.
 */
const ioTurnEveryMs = 5;

/**
 * One event-loop turn. An async op that completes on another thread makes the event loop
 * poll every op, sockets included, at about 60 µs; a timer would do too, but costs 2 ms
 * (measured in Deno 2: 1,000 zero timeouts take 2.1 s).
 */
function ioTurn(): Promise<unknown> {
  return crypto.subtle.digest('SHA-256', new Uint8Array(0));
}

const encoder = new TextEncoder();

/** What private.etl_stream_begin answers: how the load's batches reach its fact table. */
export interface StreamPlan {
  /** The load's workspace, which every row is written with. */
  workspace_id: string;
  fact_table_name: string;
  /** Fact columns NOT NULL with a default, and those defaults: an empty cell is written as its default. */
  default_columns: string[];
  default_values: string[];
  base_currency: string;
}

interface Batch {
  /** The batch's COPY text, in one piece: postgres.js sends a chunk only once the one before it has gone out, which takes an event-loop turn each. */
  bytes: Uint8Array;
  /** The batch may repeat a key: it must go the keyed way, which keeps the last row. */
  duplicates: boolean;
  /** Adds the batch's rollup sums to the load's, once it is in the facts straight. */
  commitSums: () => void;
}

function concat(chunks: Uint8Array[]): Uint8Array {
  if (chunks.length === 1 && chunks[0]) return chunks[0];
  const all = new Uint8Array(chunks.reduce((length, chunk) => length + chunk.length, 0));
  let at = 0;
  for (const chunk of chunks) {
    all.set(chunk, at);
    at += chunk.length;
  }
  return all;
}

/** The code a cancelled statement fails with; the loader reads it as a cancel. */
class LoadCancelled extends Error {
  readonly code = '57014';
}

/**
 * Writes a load's valid rows into the facts on the load's connection, inside the transaction
 * private.etl_stream_begin opened. A batch is applied while the next one is parsed; only one
 * is ever in flight, so a slow database holds the parser back instead of letting batches pile up.
 *
 * A batch goes one of two ways (20261126130000_etl_direct_copy.sql):
 * - straight: COPYed into the fact table under a savepoint, its rollup sums added up here
 *   (rollupContribution.ts) and sent once at the end. This is the way of new keys, i.e. of
 *   nearly every row of nearly every file, and costs the database one pass over each row.
 * - keyed: COPYed into pg_temp.etl_batch and applied by private.etl_apply_batch, which
 *   supersedes active rows of the same keys and sums in SQL. A batch goes this way when it
 *   may repeat a key, when the straight COPY was refused (a key is active already: the
 *   savepoint undoes it), and right after a batch that superseded rows (a file of corrections
 *   clashes batch after batch; trying straight first would only double the work).
 *
 * `deferred`: for a file that may repeat an earlier one, the batches are only COPYed into
 * pg_temp.etl_batch, and applied all at once by applyDeferred() once the file's hash says it
 * is new: a repeated file then costs a parse and a COPY into a session table, not an apply to undo.
 */
export class FactWriter {
  /** Active rows of earlier loads that the applied batches superseded. */
  superseded = 0;
  private chunks: Uint8Array[] = [];
  private rows = 0;
  private lastKey: string | null = null;
  private duplicates = false;
  private clashing = false;
  private applying = false;
  private lastTurn = 0;
  private inFlight: Promise<void> = Promise.resolve();
  private readonly keyOf: (row: CanonicalRow) => string;
  private readonly copyOptions: CopyTextOptions;
  private readonly straightSql: string;
  private readonly keyedSql: string;
  private readonly sums: RollupContribution;

  constructor(
    private readonly conn: ReservedSql,
    private readonly loadId: string,
    source: SourceName,
    plan: StreamPlan,
    private readonly deferred = false,
  ) {
    this.keyOf = naturalKeyOf(source);
    const defaults = new Map(plan.default_columns.map((column, i) => [column, plan.default_values[i]]));
    this.copyOptions = { workspaceId: plan.workspace_id, loadId, defaults: canonicalColumns(source).map((c) => defaults.get(c)) };
    const columns = copyColumns(source).map((c) => `"${c}"`).join(', ');
    this.straightSql = `copy public."${plan.fact_table_name}" (${columns}) from stdin`;
    this.keyedSql = `copy pg_temp.etl_batch (${columns}) from stdin`;
    this.sums = rollupContribution(source, plan.base_currency);
  }

  /** Takes rows in file order; once a batch has gathered, waits for the one before it, then sends it. */
  async add(rows: readonly CanonicalRow[]): Promise<void> {
    if (rows.length === 0) return;
    // Exports list conversions in time order, and their ids mostly grow with it: keys that
    // only grow cannot repeat, which costs one comparison a row to know. Otherwise the
    // database is told the batch may repeat a key, and keeps the last row of each.
    if (!this.duplicates) {
      for (const row of rows) {
        const key = this.keyOf(row);
        if (this.lastKey !== null && !(key > this.lastKey)) {
          this.duplicates = true;
          break;
        }
        this.lastKey = key;
      }
    }
    // As bytes at once: a batch waiting to be sent then lives outside the JavaScript heap,
    // where it costs the garbage collector nothing (as strings it cost more than the parse).
    this.chunks.push(encoder.encode(toCopyText(rows, this.copyOptions)));
    if (!this.deferred) this.sums.add(rows);
    this.rows += rows.length;
    if (this.rows >= batchRows) await this.flush();
    else if (this.applying && performance.now() - this.lastTurn >= ioTurnEveryMs) {
      await ioTurn();
      this.lastTurn = performance.now();
    }
  }

  /** Sends what is left, waits until every batch is applied, then sends the rollup sums; throws what a batch threw. */
  async finish(): Promise<void> {
    await this.flush();
    await this.inFlight;
    const sums = this.deferred ? null : this.sums.copyText();
    if (sums) {
      await this.copy(`copy pg_temp.${sums.table} (${sums.columns.join(', ')}) from stdin`, encoder.encode(sums.text));
      await this.copied();
    }
  }

  /** Applies every batch of a deferred writer at once (after finish). */
  async applyDeferred(): Promise<void> {
    if (!this.deferred) return;
    await this.applyKeyed(this.duplicates);
  }

  /** Waits for the batch in flight, whatever its outcome, so the connection is free to roll back. */
  async settle(): Promise<void> {
    await this.inFlight.catch(() => undefined);
  }

  private async flush(): Promise<void> {
    if (this.rows === 0) return;
    // Joined at once, so the pieces are free before the batch is sent, and both ways send the same bytes.
    const batch: Batch = { bytes: concat(this.chunks), duplicates: this.duplicates, commitSums: this.deferred ? () => undefined : this.sums.seal() };
    this.chunks = [];
    this.rows = 0;
    // A deferred writer's batches are applied as one: keys must grow across all of them.
    if (!this.deferred) {
      this.lastKey = null;
      this.duplicates = false;
    }
    await this.inFlight;
    // A query after each COPY: its answer tells how the COPY went (see copy), and postgres.js
    // cannot start a COPY right behind another one that is still finishing.
    this.inFlight = this.deferred ? this.copy(this.keyedSql, batch.bytes).then(() => this.copied()) : this.apply(batch);
    // Not awaited here: the batch is applied while the next one is parsed. A failure is
    // rethrown by the next flush or by finish, and must not count as unhandled until then.
    this.inFlight.catch(() => undefined);
  }

  private async apply(batch: Batch): Promise<void> {
    this.applying = true;
    try {
      await this.applyEither(batch);
    } finally {
      this.applying = false;
    }
  }

  private async applyEither(batch: Batch): Promise<void> {
    if (!batch.duplicates && !this.clashing) {
      if (await this.applyStraight(batch.bytes)) {
        batch.commitSums();
        return;
      }
      // cancel_load interrupts whatever statement runs; here that was the COPY just undone.
      if (await cancelRequested(this.conn, this.loadId)) throw new LoadCancelled(`Load ${this.loadId} was cancelled`);
    }
    await this.copy(this.keyedSql, batch.bytes);
    this.clashing = (await this.applyKeyed(batch.duplicates)) > 0;
  }

  /** COPYs the batch into the fact table; false (and nothing written) when the database refused it. */
  private async applyStraight(bytes: Uint8Array): Promise<boolean> {
    // Sent with the COPY, not awaited first: each answer waits for the parser to give the event loop a turn.
    const savepoint = this.conn`savepoint etl_straight`;
    savepoint.catch(() => undefined);
    try {
      await this.copy(this.straightSql, bytes);
      await savepoint;
      await this.conn`release savepoint etl_straight`;
      return true;
    } catch {
      // Most often a key that is active already (unique_violation); postgres.js reports a COPY
      // refused after its last byte only as the next statement's 25P02, so the reason is not
      // known here. The keyed way either supersedes, or fails with the database's own message.
      await this.conn`rollback to savepoint etl_straight`;
      return false;
    }
  }

  private copy(sql: string, bytes: Uint8Array): Promise<void> {
    return copyBytes(this.conn, sql, bytes);
  }

  /** A query right after a COPY: its answer tells whether the database took it (see copy). */
  private async copied(): Promise<void> {
    await this.conn`select 1`;
  }

  /** Applies what pg_temp.etl_batch holds key by key; answers how many active rows of earlier loads it superseded. */
  private async applyKeyed(duplicates: boolean): Promise<number> {
    const [applied] = await this.conn<{ superseded: string }[]>`select private.etl_apply_batch(${this.loadId}, ${duplicates}) as superseded`;
    const superseded = Number(applied?.superseded ?? 0);
    this.superseded += superseded;
    return superseded;
  }
}
