import type { Sql } from 'postgres';
import type { RowError } from '../_shared/etl/index.ts';

/** A load as the function answers it (the etl_loads row). */
export interface LoadRow {
  id: string;
  workspace_id: string;
  status: string;
  column_mapping?: unknown;
  [column: string]: unknown;
}

const finished = new Set(['done', 'duplicate', 'failed', 'cancelled', 'rolled_back']);

/** Rejected rows the answer carries; all of them are in etl_load_errors. */
const answeredErrors = 20;

/**
 * Waits until a load ends, or `timeoutMs` passes. It only reads the load row now and then, so
 * a start request can wait out a small file's load for almost no CPU, and answer with how it went.
 */
export async function waitForLoad(sql: Sql, loadId: string, timeoutMs: number): Promise<{ finished: boolean; load: LoadRow; errors: RowError[] }> {
  const deadline = Date.now() + timeoutMs;
  for (let pause = 20; ; pause = Math.min(pause * 2, 500)) {
    const [load] = await sql<LoadRow[]>`select * from public.etl_loads where id = ${loadId}`;
    if (!load) throw new Error(`load ${loadId} vanished`);
    if (finished.has(load.status) || Date.now() >= deadline) {
      if (!finished.has(load.status)) return { finished: false, load, errors: [] };
      const rows = await sql<{ line: string | null; column_name: string | null; value: string | null; reason: string }[]>`
        select line, column_name, value, reason from public.etl_load_errors where load_id = ${loadId} order by line, id limit ${answeredErrors}`;
      // Stored as the sentence shown to a person (etl_load_errors.reason), which the answer gives as both.
      const errors: RowError[] = rows.map((e) => ({ line: Number(e.line), column: e.column_name, header: null, value: e.value, reason: e.reason, message: e.reason }));
      return { finished: true, load, errors };
    }
    await new Promise((resolve) => setTimeout(resolve, pause));
  }
}
