import type { Sql } from 'postgres';
import type { LoadProgress } from '../_shared/etl/index.ts';

/** How often progress reaches etl_loads (and the app), and the cancel flag is checked. */
const progressEveryMs = 250;

/** Whether the user has asked to cancel the load (cancel_load sets the flag, then interrupts the load's statement). */
export async function cancelRequested(sql: Sql, loadId: string): Promise<boolean> {
  const [row] = await sql<{ cancel_requested: boolean }[]>`select cancel_requested from public.etl_loads where id = ${loadId}`;
  return row?.cancel_requested === true;
}

/**
 * A running load's counters, written to etl_loads every quarter second without holding the
 * parser up: the update is sent, and its answer (has the user asked to cancel?) is read at a
 * later batch. Awaiting each one cost a big load about 40 ms a report: its answer waits for the
 * parser to give the event loop a turn. At most one report is in flight, so they stay in order.
 */
export class ProgressReports {
  private inFlight: Promise<void> | null = null;
  private lastSent = 0;
  private cancelRequested = false;
  private failure: unknown = null;

  constructor(
    private readonly sql: Sql,
    private readonly loadId: string,
  ) {}

  /** Sends `progress` if the last report is a while ago and answered; tells whether a cancel has been asked for. */
  report(progress: LoadProgress): boolean {
    if (this.failure !== null) throw this.failure;
    if (this.inFlight === null && Date.now() - this.lastSent > progressEveryMs) {
      this.lastSent = Date.now();
      this.inFlight = this.sql<{ cancel_requested: boolean }[]>`
        update public.etl_loads set rows_read = ${progress.rowsRead}, rows_accepted = ${progress.rowsAccepted},
          rows_rejected = ${progress.rowsRejected}
        where id = ${this.loadId} returning cancel_requested`.then(
        ([state]) => {
          if (state?.cancel_requested) this.cancelRequested = true;
        },
        (error: unknown) => {
          this.failure = error;
        },
      ).finally(() => {
        this.inFlight = null;
      });
    }
    return this.cancelRequested;
  }

  /** Waits for the report in flight, so that nothing written later is overwritten by it. */
  async settle(): Promise<void> {
    await this.inFlight;
    if (this.failure !== null) throw this.failure;
  }
}
