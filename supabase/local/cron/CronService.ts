import type { Sql } from 'postgres';
import { quoteIdent } from '../sqlText.ts';
import { firesInMinute, parseSchedule, type Schedule } from './schedule.ts';

interface JobRow {
  jobid: string;
  jobname: string | null;
  schedule: string;
  command: string;
  username: string;
}

interface JobState {
  schedule: string;
  parsed: Schedule | undefined;
  lastStart?: number;
  lastMinute?: number;
  running?: Promise<void>;
}

/**
 * Runs the jobs of the pg_cron stand-in (bootstrap/20_cron.sql) as pg_cron would: each as its
 * job's user, never two runs of one job at once, each run recorded in cron.job_run_details.
 * Idle where the database has the real pg_cron, which runs its jobs itself.
 */
export class CronService {
  private timer: NodeJS.Timeout | undefined;
  private readonly jobs = new Map<string, JobState>();
  private ticking = false;

  constructor(
    private readonly sql: Sql,
    private readonly log: (line: string) => void = (line) => console.error(line),
    private readonly tickMs = 1_000,
  ) {}

  async start(): Promise<void> {
    const [found] = await this.sql<{ standIn: boolean }[]>`
      select to_regclass('cron.job') is not null and not exists (select from pg_extension where extname = 'pg_cron') as "standIn"`;
    if (!found?.standIn) return;
    this.timer = setInterval(() => void this.tick(), this.tickMs);
    await this.tick();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await Promise.all([...this.jobs.values()].map((job) => job.running));
  }

  private async tick(): Promise<void> {
    if (this.ticking) return;
    this.ticking = true;
    try {
      const rows = await this.sql<JobRow[]>`select jobid::text, jobname, schedule, command, username from cron.job where active`;
      const now = Date.now();
      for (const id of this.jobs.keys()) if (!rows.some((row) => row.jobid === id)) this.jobs.delete(id);
      for (const row of rows) {
        const state = this.state(row);
        if (state.running || !this.due(state, now)) continue;
        state.lastStart = now;
        state.running = this.run(row).finally(() => (state.running = undefined));
      }
    } catch (error) {
      if (this.timer) this.log(`[cron] could not read cron.job: ${error instanceof Error ? error.message : String(error)}`);
    } finally {
      this.ticking = false;
    }
  }

  private state(row: JobRow): JobState {
    const known = this.jobs.get(row.jobid);
    if (known && known.schedule === row.schedule) return known;
    let parsed: Schedule | undefined;
    try {
      parsed = parseSchedule(row.schedule);
    } catch (error) {
      this.log(`[cron] job ${row.jobname ?? row.jobid} is never run: ${error instanceof Error ? error.message : String(error)}`);
    }
    const state: JobState = { schedule: row.schedule, parsed };
    this.jobs.set(row.jobid, state);
    return state;
  }

  /**
   * Interval jobs run when first seen (so a stack that starts runs them at once) and then every
   * N seconds; field jobs once in each minute they match.
   */
  private due(state: JobState, now: number): boolean {
    if (!state.parsed) return false;
    if (state.parsed.kind === 'seconds') return state.lastStart === undefined || now - state.lastStart >= state.parsed.seconds * 1000;
    const minute = Math.floor(now / 60_000);
    if (state.lastMinute === minute || !firesInMinute(state.parsed, new Date(now))) return false;
    state.lastMinute = minute;
    return true;
  }

  private async run(job: JobRow): Promise<void> {
    const conn = await this.sql.reserve();
    let runId: string | undefined;
    try {
      const [details] = await conn<{ runid: string }[]>`
        insert into cron.job_run_details (jobid, job_pid, database, username, command, status, start_time)
        values (${job.jobid}, pg_backend_pid(), current_database(), ${job.username}, ${job.command}, 'running', now())
        returning runid::text`;
      runId = details?.runid;
      let outcome: { status: string; message: string };
      try {
        // One transaction as the job's user, as pg_cron runs a command.
        await conn.unsafe('begin');
        await conn.unsafe(`set local role ${quoteIdent(job.username)}`);
        const result = await conn.unsafe(job.command);
        await conn.unsafe('commit');
        outcome = { status: 'succeeded', message: `${result.command ?? ''} ${result.count ?? ''}`.trim() };
      } catch (error) {
        await conn.unsafe('rollback').catch(() => undefined);
        outcome = { status: 'failed', message: error instanceof Error ? error.message : String(error) };
        this.log(`[cron] job ${job.jobname ?? job.jobid} failed: ${outcome.message}`);
      }
      await conn`update cron.job_run_details set status = ${outcome.status}, return_message = ${outcome.message}, end_time = now() where runid = ${runId ?? null}`;
    } catch (error) {
      if (this.timer) this.log(`[cron] job ${job.jobname ?? job.jobid} could not run: ${error instanceof Error ? error.message : String(error)}`);
    } finally {
      conn.release();
    }
  }
}
