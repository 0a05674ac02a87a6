import { randomBytes } from 'node:crypto';
import type { Duplex } from 'node:stream';
import postgres, { type Sql } from 'postgres';
import { quoteIdent } from '../sqlText.ts';
import { decodePgOutput, nowAsPgTime, pgTimeToIso, type RelationMessage, type TupleValue } from './pgoutput.ts';

/** Column values of one row version, by column name, in PostgreSQL text form. */
export type RowValues = Record<string, string | null>;

/** One committed row change, as logical replication reported it. */
export interface RowChange {
  kind: 'INSERT' | 'UPDATE' | 'DELETE';
  relid: number;
  schema: string;
  table: string;
  /** The new row (INSERT, UPDATE). Columns PostgreSQL did not send (unchanged TOAST, generated) are absent. */
  newRow?: RowValues;
  /** The old row (UPDATE with a changed key or REPLICA IDENTITY FULL, DELETE): identity columns, or every column. */
  oldRow?: RowValues;
  /** True when `oldRow` is the whole old row (REPLICA IDENTITY FULL). */
  oldFull: boolean;
  /** The replica identity columns PostgreSQL flagged (the primary key by default). */
  keyColumns: string[];
}

/** The changes of one committed transaction, in commit order. */
export interface Transaction {
  /** `commit_timestamp` as Supabase writes it: ISO 8601 UTC with milliseconds. */
  commitTimestamp: string;
  changes: RowChange[];
}

/** Where to stream from and whom to tell. */
export interface ReplicationOptions {
  /** A superuser (or REPLICATION role) connection string. */
  url: string;
  publications: string[];
  onTransaction(tx: Transaction): void;
  /** A table's definition was (re)sent: cached metadata about it may be stale. */
  onRelation?(relid: number): void;
  log?: (line: string) => void;
}

/** How often the stream confirms its position even when PostgreSQL does not ask. */
const statusIntervalMs = 10_000;
const maxBackoffMs = 10_000;

function toRow(relation: RelationMessage, tuple: TupleValue[], keyOnly: boolean): RowValues {
  const row: RowValues = Object.create(null) as RowValues;
  relation.columns.forEach((column, i) => {
    const value = tuple[i];
    // A 'K' tuple carries nulls for non-identity columns; they are unknown, not null.
    if (value === undefined || (keyOnly && !column.isKey)) return;
    row[column.name] = value;
  });
  return row;
}

/**
 * Streams committed changes of the given publications over logical replication (pgoutput,
 * a temporary slot, as postgres.js' `sql.subscribe` does), grouped per transaction.
 *
 * The slot is temporary: changes committed while the stream is down are not replayed, which is
 * what Supabase Realtime does too. The stream reconnects with backoff on its own.
 */
export class ReplicationStream {
  private sql: Sql | undefined;
  private stream: Duplex | undefined;
  private relations = new Map<number, RelationMessage>();
  private current: Transaction | undefined;
  private lastLsn = 0n;
  private statusTimer: NodeJS.Timeout | undefined;
  private retryTimer: NodeJS.Timeout | undefined;
  private backoffMs = 500;
  private stopped = false;
  private generation = 0;
  private paused = false;
  private failures = 0;
  /** True while changes are being streamed. */
  ready = false;

  constructor(private readonly options: ReplicationOptions) {}

  /**
   * Connects and starts streaming. Rejects when the first attempt fails or takes longer than
   * `timeoutMs` (creating a slot waits for open transactions to end); the stream keeps trying
   * in the background either way.
   */
  async start(timeoutMs = 15_000): Promise<void> {
    const attempt = this.connect().catch(async (error: unknown) => {
      await this.teardown();
      this.scheduleRetry();
      throw error;
    });
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`replication did not start within ${timeoutMs} ms`)), timeoutMs);
    });
    try {
      await Promise.race([attempt, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Stops streaming and closes the connection, which drops the temporary slot. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.retryTimer);
    await this.teardown();
  }

  /** Stops reading from PostgreSQL until resume(), so a slow consumer bounds memory. */
  pause(): void {
    this.paused = true;
    this.stream?.pause();
  }

  resume(): void {
    this.paused = false;
    this.stream?.resume();
  }

  private async connect(): Promise<void> {
    const generation = ++this.generation;
    const sql = postgres(this.options.url, {
      max: 1,
      fetch_types: false,
      idle_timeout: 0,
      max_lifetime: null,
      onnotice: () => {},
      connection: { application_name: 'arbidesk-realtime-replication', replication: 'database' },
      onclose: () => {
        if (generation === this.generation) this.lost(new Error('replication connection closed'));
      },
    });
    this.sql = sql;
    const slot = `arbidesk_realtime_${randomBytes(6).toString('hex')}`;
    const [created] = await sql.unsafe<{ consistent_point: string }[]>(`CREATE_REPLICATION_SLOT ${slot} TEMPORARY LOGICAL pgoutput NOEXPORT_SNAPSHOT`);
    if (!created) throw new Error('CREATE_REPLICATION_SLOT returned nothing');
    // publication_names is a list of identifiers inside one string literal.
    const names = this.options.publications.map((p) => quoteIdent(p).replace(/'/g, "''")).join(',');
    const stream = (await sql
      .unsafe(`START_REPLICATION SLOT ${slot} LOGICAL ${created.consistent_point} (proto_version '1', publication_names '${names}')`)
      .writable()) as unknown as Duplex;
    if (generation !== this.generation || this.stopped) {
      stream.destroy();
      return;
    }
    this.stream = stream;
    this.relations.clear();
    this.current = undefined;
    stream.on('data', (chunk: Buffer) => this.onData(chunk));
    stream.on('error', (error: Error) => this.lost(error));
    stream.on('close', () => {
      if (generation === this.generation) this.lost(new Error('replication stream closed'));
    });
    if (this.paused) stream.pause();
    this.statusTimer = setInterval(() => this.sendStatus(false), statusIntervalMs);
    this.statusTimer.unref();
    this.ready = true;
    this.backoffMs = 500;
  }

  private lost(error: Error): void {
    if (this.stopped || !this.ready) return;
    this.ready = false;
    this.options.log?.(`[realtime] replication stream lost (${error.message}); reconnecting`);
    void this.teardown().then(() => this.scheduleRetry());
  }

  private scheduleRetry(): void {
    if (this.stopped) return;
    clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(() => {
      this.connect().then(
        () => {
          if (this.failures) this.options.log?.('[realtime] replication stream reconnected');
          this.failures = 0;
        },
        (error: unknown) => {
          // One line per outage, not one per attempt.
          if (this.failures++ === 0) this.options.log?.(`[realtime] replication connect failed: ${error instanceof Error ? error.message : String(error)}; retrying`);
          void this.teardown().then(() => this.scheduleRetry());
        },
      );
    }, this.backoffMs);
    this.retryTimer.unref();
    this.backoffMs = Math.min(maxBackoffMs, this.backoffMs * 2);
  }

  private async teardown(): Promise<void> {
    this.generation++;
    this.ready = false;
    clearInterval(this.statusTimer);
    const { stream, sql } = this;
    this.stream = undefined;
    this.sql = undefined;
    if (stream && !stream.destroyed) {
      await new Promise<void>((resolve) => {
        stream.once('close', () => resolve());
        stream.end();
        setTimeout(resolve, 1000).unref();
      });
    }
    await sql?.end({ timeout: 1 }).catch(() => undefined);
  }

  private onData(chunk: Buffer): void {
    const type = chunk[0];
    if (type === 0x77 /* w: XLogData */) {
      const walEnd = chunk.readBigUInt64BE(9);
      if (walEnd > this.lastLsn) this.lastLsn = walEnd;
      this.onMessage(chunk.subarray(25));
    } else if (type === 0x6b /* k: primary keepalive */) {
      const walEnd = chunk.readBigUInt64BE(1);
      // Nothing of ours is pending while idle: confirming walEnd lets PostgreSQL recycle WAL.
      if (!this.current && walEnd > this.lastLsn) this.lastLsn = walEnd;
      if (chunk[17]) this.sendStatus(false);
    }
  }

  private onMessage(data: Buffer): void {
    let message;
    try {
      message = decodePgOutput(data);
    } catch (error) {
      this.options.log?.(`[realtime] undecodable replication message: ${error instanceof Error ? error.message : String(error)}`);
      return;
    }
    switch (message.tag) {
      case 'relation':
        this.relations.set(message.relid, message);
        this.options.onRelation?.(message.relid);
        return;
      case 'begin':
        this.current = { commitTimestamp: pgTimeToIso(message.commitTime), changes: [] };
        return;
      case 'commit': {
        const tx = this.current;
        this.current = undefined;
        if (message.endLsn > this.lastLsn) this.lastLsn = message.endLsn;
        if (tx && tx.changes.length) this.options.onTransaction(tx);
        return;
      }
      case 'insert': {
        const relation = this.relations.get(message.relid);
        if (!relation || !this.current) return;
        this.current.changes.push({ kind: 'INSERT', ...this.identify(relation), newRow: toRow(relation, message.newTuple, false), oldFull: false });
        return;
      }
      case 'update': {
        const relation = this.relations.get(message.relid);
        if (!relation || !this.current) return;
        const oldRow = message.oldTuple ? toRow(relation, message.oldTuple, message.oldKind === 'K') : undefined;
        const newRow = toRow(relation, message.newTuple, false);
        // Unchanged TOASTed values are not resent; the old row (REPLICA IDENTITY FULL) has them.
        if (oldRow) for (const name of Object.keys(oldRow)) if (!(name in newRow)) newRow[name] = oldRow[name]!;
        this.current.changes.push({ kind: 'UPDATE', ...this.identify(relation), newRow, oldRow, oldFull: message.oldKind === 'O' });
        return;
      }
      case 'delete': {
        const relation = this.relations.get(message.relid);
        if (!relation || !this.current) return;
        this.current.changes.push({ kind: 'DELETE', ...this.identify(relation), oldRow: toRow(relation, message.oldTuple, message.oldKind === 'K'), oldFull: message.oldKind === 'O' });
        return;
      }
      default:
        return;
    }
  }

  private identify(relation: RelationMessage): Pick<RowChange, 'relid' | 'schema' | 'table' | 'keyColumns'> {
    return { relid: relation.relid, schema: relation.schema, table: relation.table, keyColumns: relation.columns.filter((c) => c.isKey).map((c) => c.name) };
  }

  /** Standby status update: written = flushed = applied = the last position handled. */
  private sendStatus(replyRequested: boolean): void {
    const stream = this.stream;
    if (!stream || stream.destroyed || !this.lastLsn) return;
    const status = Buffer.alloc(34);
    status[0] = 0x72; // r
    status.writeBigUInt64BE(this.lastLsn, 1);
    status.writeBigUInt64BE(this.lastLsn, 9);
    status.writeBigUInt64BE(this.lastLsn, 17);
    status.writeBigInt64BE(nowAsPgTime(), 25);
    status[33] = replyRequested ? 1 : 0;
    stream.write(status);
  }
}
