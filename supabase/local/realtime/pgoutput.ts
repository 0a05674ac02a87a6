/**
 * Decoder for PostgreSQL's logical replication protocol, `pgoutput` protocol version 1
 * (https://www.postgresql.org/docs/current/protocol-logicalrep-message-formats.html).
 * Values stay in PostgreSQL's text output form: the consumer hands them back to PostgreSQL,
 * which parses them with each column's own input function.
 */

/** One column of a Relation message. */
export interface RelationColumn {
  name: string;
  typeOid: number;
  /** Part of the replica identity (the primary key by default, every column with FULL). */
  isKey: boolean;
}

/** A table's definition, sent before its first change and after it is altered. */
export interface RelationMessage {
  tag: 'relation';
  relid: number;
  schema: string;
  table: string;
  /** d = default (primary key), n = nothing, f = full, i = index. */
  replicaIdentity: string;
  columns: RelationColumn[];
}

/** A column value: text, SQL null, or `undefined` for an unchanged TOASTed value not sent. */
export type TupleValue = string | null | undefined;

/** Start of a committed transaction. */
export interface BeginMessage {
  tag: 'begin';
  finalLsn: bigint;
  /** Microseconds since 2000-01-01 UTC. */
  commitTime: bigint;
  xid: number;
}

/** End of a committed transaction. */
export interface CommitMessage {
  tag: 'commit';
  commitLsn: bigint;
  endLsn: bigint;
  commitTime: bigint;
}

/** An inserted row. */
export interface InsertMessage {
  tag: 'insert';
  relid: number;
  newTuple: TupleValue[];
}

/** An updated row. */
export interface UpdateMessage {
  tag: 'update';
  relid: number;
  /** K: only replica identity columns are meaningful; O: the whole old row (REPLICA IDENTITY FULL). */
  oldKind?: 'K' | 'O';
  oldTuple?: TupleValue[];
  newTuple: TupleValue[];
}

/** A deleted row: its replica identity, or the whole row with REPLICA IDENTITY FULL. */
export interface DeleteMessage {
  tag: 'delete';
  relid: number;
  oldKind: 'K' | 'O';
  oldTuple: TupleValue[];
}

/** A message the realtime service has no use for (Type, Origin, Truncate, Message). */
export interface OtherMessage {
  tag: 'other';
  type: string;
}

/** Any decoded pgoutput message. */
export type PgOutputMessage = RelationMessage | BeginMessage | CommitMessage | InsertMessage | UpdateMessage | DeleteMessage | OtherMessage;

/** A message this decoder cannot read: the stream is corrupt or of another protocol version. */
export class PgOutputError extends Error {}

class Reader {
  offset = 0;
  constructor(private readonly buf: Buffer) {}

  private need(bytes: number): void {
    if (this.offset + bytes > this.buf.length) throw new PgOutputError('truncated pgoutput message');
  }

  u8(): number {
    this.need(1);
    return this.buf.readUInt8(this.offset++);
  }

  i16(): number {
    this.need(2);
    const v = this.buf.readInt16BE(this.offset);
    this.offset += 2;
    return v;
  }

  i32(): number {
    this.need(4);
    const v = this.buf.readInt32BE(this.offset);
    this.offset += 4;
    return v;
  }

  u32(): number {
    this.need(4);
    const v = this.buf.readUInt32BE(this.offset);
    this.offset += 4;
    return v;
  }

  u64(): bigint {
    this.need(8);
    const v = this.buf.readBigUInt64BE(this.offset);
    this.offset += 8;
    return v;
  }

  i64(): bigint {
    this.need(8);
    const v = this.buf.readBigInt64BE(this.offset);
    this.offset += 8;
    return v;
  }

  cstring(): string {
    const end = this.buf.indexOf(0, this.offset);
    if (end < 0) throw new PgOutputError('unterminated string in pgoutput message');
    const s = this.buf.toString('utf8', this.offset, end);
    this.offset = end + 1;
    return s;
  }

  bytes(length: number): Buffer {
    this.need(length);
    const b = this.buf.subarray(this.offset, this.offset + length);
    this.offset += length;
    return b;
  }

  tuple(): TupleValue[] {
    const count = this.i16();
    const values: TupleValue[] = new Array(count);
    for (let i = 0; i < count; i++) {
      const kind = String.fromCharCode(this.u8());
      if (kind === 'n') values[i] = null;
      else if (kind === 'u') values[i] = undefined;
      else if (kind === 't') values[i] = this.bytes(this.i32()).toString('utf8');
      else throw new PgOutputError(`unsupported tuple value kind ${JSON.stringify(kind)} (binary mode is not requested)`);
    }
    return values;
  }
}

/** Decodes one pgoutput message (the payload of an XLogData frame). */
export function decodePgOutput(buf: Buffer): PgOutputMessage {
  const r = new Reader(buf);
  const type = String.fromCharCode(r.u8());
  switch (type) {
    case 'B':
      return { tag: 'begin', finalLsn: r.u64(), commitTime: r.i64(), xid: r.u32() };
    case 'C': {
      r.u8(); // flags, unused
      return { tag: 'commit', commitLsn: r.u64(), endLsn: r.u64(), commitTime: r.i64() };
    }
    case 'R': {
      const relid = r.u32();
      const schema = r.cstring() || 'pg_catalog';
      const table = r.cstring();
      const replicaIdentity = String.fromCharCode(r.u8());
      const count = r.i16();
      const columns: RelationColumn[] = [];
      for (let i = 0; i < count; i++) {
        const flags = r.u8();
        const name = r.cstring();
        const typeOid = r.u32();
        r.i32(); // atttypmod
        columns.push({ name, typeOid, isKey: (flags & 1) === 1 });
      }
      return { tag: 'relation', relid, schema, table, replicaIdentity, columns };
    }
    case 'I': {
      const relid = r.u32();
      if (String.fromCharCode(r.u8()) !== 'N') throw new PgOutputError('insert without a new tuple');
      return { tag: 'insert', relid, newTuple: r.tuple() };
    }
    case 'U': {
      const relid = r.u32();
      let marker = String.fromCharCode(r.u8());
      let oldKind: 'K' | 'O' | undefined;
      let oldTuple: TupleValue[] | undefined;
      if (marker === 'K' || marker === 'O') {
        oldKind = marker;
        oldTuple = r.tuple();
        marker = String.fromCharCode(r.u8());
      }
      if (marker !== 'N') throw new PgOutputError('update without a new tuple');
      return { tag: 'update', relid, oldKind, oldTuple, newTuple: r.tuple() };
    }
    case 'D': {
      const relid = r.u32();
      const marker = String.fromCharCode(r.u8());
      if (marker !== 'K' && marker !== 'O') throw new PgOutputError('delete without an old tuple');
      return { tag: 'delete', relid, oldKind: marker, oldTuple: r.tuple() };
    }
    default:
      // Type (Y), Origin (O), Truncate (T), Message (M): Supabase Realtime sends none of these.
      return { tag: 'other', type };
  }
}

/** The PostgreSQL epoch (2000-01-01) in Unix milliseconds. */
const pgEpochMs = Date.UTC(2000, 0, 1);

/** Commit time as Supabase formats `commit_timestamp`: ISO 8601, milliseconds, `Z`. */
export function pgTimeToIso(time: bigint): string {
  return new Date(pgEpochMs + Number(time / 1000n)).toISOString();
}

/** Microseconds since 2000-01-01 for a standby status update. */
export function nowAsPgTime(): bigint {
  return BigInt(Date.now() - pgEpochMs) * 1000n;
}

/** Formats an LSN the way PostgreSQL prints it (`16/B374D848`). */
export function formatLsn(lsn: bigint): string {
  return `${(lsn >> 32n).toString(16).toUpperCase()}/${(lsn & 0xffffffffn).toString(16).toUpperCase()}`;
}
