import type { ReservedSql } from 'postgres';

/**
 * Sends `bytes` as the data of a COPY … FROM STDIN statement on `conn`. Resolves once the
 * data has gone out; whether the database took it is told by the next statement's answer
 * (a refused COPY aborts the transaction), so follow it with a query.
 */
export async function copyBytes(conn: ReservedSql, statement: string, bytes: Uint8Array): Promise<void> {
  const copy = await conn.unsafe(statement).writable();
  await new Promise<void>((resolve, reject) => {
    // postgres.js settles a COPY only through its stream, and never when the database
    // refuses it after the last data went out. But once the stream's final() has sent
    // CopyDone, the connection takes the next query, and that query's answer tells how the
    // COPY went. So wait for final(), not 'finish'.
    const final = copy._final.bind(copy);
    copy._final = (callback) => {
      final(callback);
      resolve();
    };
    copy.once('error', reject);
    copy.once('close', () => reject(new Error('the connection closed while a batch was sent')));
    copy.write(bytes);
    copy.end();
  });
}
