import type { ReservedSql } from 'postgres';

/**
 * One COPY … FROM STDIN on `conn`, fed piece by piece as the rows are produced. A slice's rows
 * go in one COPY rather than one per batch: each COPY's last small message waited ~40 ms for
 * the socket (Nagle's algorithm against delayed ACKs), which made 7 COPYs of 1 MiB take 364 ms
 * where one streamed COPY of the same 7 MiB took 107 ms (measured in Deno against the embedded
 * PostgreSQL).
 */
export interface CopyStream {
  /** Resolves once the piece is handed to the connection (waiting while its buffer is full). */
  write(bytes: Uint8Array): Promise<void>;
  /** Ends the data; resolves once the database has taken all of it, rejects with its refusal. */
  end(): Promise<void>;
  /** Abandons the COPY (the database discards it) and leaves the connection usable. */
  abort(reason: Error): Promise<void>;
}


export async function openCopy(conn: ReservedSql, statement: string): Promise<CopyStream> {
  const stream = await conn.unsafe(statement).writable();
  let failure: Error | undefined;
  let ended = false;
  stream.on('error', (error) => {
    failure ??= error;
  });
  stream.on('close', () => {
    if (!ended) failure ??= new Error('the connection closed while rows were sent');
  });
  const settled = (): Promise<void> =>
    new Promise((resolve, reject) => {
      const done = (error?: Error) => {
        stream.off('drain', onDrain);
        stream.off('error', done);
        stream.off('close', onClose);
        if (error || failure) reject(error ?? failure);
        else resolve();
      };
      const onDrain = () => done();
      const onClose = () => done(failure ?? new Error('the connection closed while rows were sent'));
      stream.once('drain', onDrain);
      stream.once('error', done);
      stream.once('close', onClose);
    });
  return {
    async write(bytes) {
      if (failure) throw failure;
      if (!stream.write(bytes)) await settled();
    },
    async end() {
      if (failure) throw failure;
      ended = true;
      await new Promise<void>((resolve, reject) => {
        // postgres.js settles a COPY only through its stream, and never when the database
        // refuses it after the last data went out. But once the stream's final() has sent
        // CopyDone, the connection takes the next query, and that query's answer tells how the
        // COPY went. So wait for final(), not 'finish'.
        const final = stream._final.bind(stream);
        stream._final = (callback) => {
          final(callback);
          resolve();
        };
        stream.once('error', reject);
        stream.end();
      });
      await conn`select 1`;
    },
    async abort(reason) {
      ended = true;
      // postgres.js answers a destroyed COPY stream with CopyFail; the database then ends the
      // COPY with an error, and the connection takes queries again.
      stream.destroy(reason);
      await conn`select 1`.catch(() => undefined);
    },
  };
}
