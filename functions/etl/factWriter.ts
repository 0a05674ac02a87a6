import type { ReservedSql } from 'postgres';
import { copyColumns, naturalKeyOf, toCopyText, type CanonicalRow, type SourceName } from '../_shared/etl/index.ts';

/**
 * Rows applied at once. Each batch costs a COPY and a function call, so batches amortise
 * those round trips; two batches of COPY text (the one being applied, the one being built)
 * are all the memory a load holds, whatever the file's size.
 */
const batchRows = 25_000;

const encoder = new TextEncoder();

/**
 * Writes a load's valid rows into the facts on the load's connection, inside the transaction
 * private.etl_stream_begin opened: each batch is COPYed into pg_temp.etl_batch and applied
 * by private.etl_apply_batch (supersede, insert, rollup contribution). A batch is applied
 * while the next one is parsed; only one is ever in flight, so a slow database holds the
 * parser back instead of letting batches pile up.
 *
 * `deferred`: for a file that may repeat an earlier one, the batches are only COPYed, and
 * applied all at once by applyDeferred() once the file's hash says it is new: a repeated
 * file then costs a parse and a COPY into a session table, not an apply to undo.
 */
export class FactWriter {
  /** Active rows of earlier loads that the applied batches superseded. */
  superseded = 0;
  private chunks: Uint8Array[] = [];
  private rows = 0;
  private lastKey: string | null = null;
  private duplicates = false;
  private inFlight: Promise<void> = Promise.resolve();
  private readonly keyOf: (row: CanonicalRow) => string;
  private readonly copySql: string;

  constructor(
    private readonly conn: ReservedSql,
    private readonly loadId: string,
    source: SourceName,
    private readonly deferred = false,
  ) {
    this.keyOf = naturalKeyOf(source);
    this.copySql = `copy pg_temp.etl_batch (${copyColumns(source).map((c) => `"${c}"`).join(', ')}) from stdin`;
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
    this.chunks.push(encoder.encode(toCopyText(rows)));
    this.rows += rows.length;
    if (this.rows >= batchRows) await this.flush();
  }

  /** Sends what is left and waits until every batch is applied; throws what a batch threw. */
  async finish(): Promise<void> {
    await this.flush();
    await this.inFlight;
  }

  /** Applies every batch of a deferred writer at once (after finish). */
  async applyDeferred(): Promise<void> {
    if (!this.deferred) return;
    await this.applyBatch(this.duplicates);
  }

  /** Waits for the batch in flight, whatever its outcome, so the connection is free to roll back. */
  async settle(): Promise<void> {
    await this.inFlight.catch(() => undefined);
  }

  private async flush(): Promise<void> {
    if (this.rows === 0) return;
    const { chunks, duplicates } = this;
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
    this.inFlight = this.copy(chunks).then(() => (this.deferred ? this.copied() : this.applyBatch(duplicates)));
    // Not awaited here: the batch is applied while the next one is parsed. A failure is
    // rethrown by the next flush or by finish, and must not count as unhandled until then.
    this.inFlight.catch(() => undefined);
  }

  private async copy(chunks: Uint8Array[]): Promise<void> {
    const copy = await this.conn.unsafe(this.copySql).writable();
    await new Promise<void>((resolve, reject) => {
      // postgres.js settles a COPY only through its stream, and never when the database
      // refuses it after the last data went out. But once the stream's final() has sent
      // CopyDone, the connection takes the next query, and that query's answer tells how the
      // COPY went (a refused COPY aborts the transaction). So wait for final(), not 'finish'.
      const final = copy._final.bind(copy);
      copy._final = (callback) => {
        final(callback);
        resolve();
      };
      copy.once('error', reject);
      copy.once('close', () => reject(new Error('the connection closed while a batch was sent')));
      for (const chunk of chunks) copy.write(chunk);
      copy.end();
    });
  }

  private async copied(): Promise<void> {
    await this.conn`select 1`;
  }

  private async applyBatch(duplicates: boolean): Promise<void> {
    const [applied] = await this.conn<{ superseded: string }[]>`select private.etl_apply_batch(${this.loadId}, ${duplicates}) as superseded`;
    this.superseded += Number(applied?.superseded ?? 0);
  }
}
