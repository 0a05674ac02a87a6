import type { WorkerLimits } from './limits.ts';
import { processUsage, type ProcessUsage } from './processUsage.ts';

/** What the governor asks of the worker it watches. */
export interface GovernorActions {
  /** Take no new requests: a fresh worker does. What runs finishes. */
  retire(reason: string): void;
  /** End the process now; its requests answer 546 WORKER_LIMIT. */
  kill(reason: string): void;
}

const sampleMs = 50;

/**
 * Holds one worker process to the hosted limits (limits.ts), as Supabase's edge runtime holds
 * an isolate: it samples the process's CPU time and memory from outside every 50 ms, so a
 * worker stuck in a synchronous loop is caught too. What the runtime itself used to boot
 * does not count. Without /proc (macOS) only the wall clock is enforced.
 */
export class WorkerGovernor {
  private readonly timer: NodeJS.Timeout;
  private readonly startedAt = Date.now();
  private readonly boot: ProcessUsage | undefined;
  private requests = 0;
  private backgroundTasks = 0;
  /** CPU time when the worker last went from idle to busy: the hard limit counts from there. */
  private busyFromCpuMs = 0;
  private retired = false;
  private ended = false;

  constructor(
    private readonly pid: number,
    private readonly limits: WorkerLimits,
    private readonly actions: GovernorActions,
  ) {
    this.boot = processUsage(pid);
    this.timer = setInterval(() => this.check(), sampleMs);
    this.timer.unref();
  }

  get idle(): boolean {
    return this.requests === 0 && this.backgroundTasks === 0;
  }

  /** A request starts; the returned function ends it. */
  begin(): () => void {
    this.markBusy();
    this.requests += 1;
    let done = false;
    return () => {
      if (done) return;
      done = true;
      this.requests -= 1;
    };
  }

  /** The number of EdgeRuntime.waitUntil() promises the worker still runs. */
  set background(count: number) {
    if (count > 0) this.markBusy();
    this.backgroundTasks = count;
  }

  stop(): void {
    this.ended = true;
    clearInterval(this.timer);
  }

  private markBusy(): void {
    if (this.idle) this.busyFromCpuMs = processUsage(this.pid)?.cpuMs ?? 0;
  }

  private retire(reason: string): void {
    if (this.retired) return;
    this.retired = true;
    this.actions.retire(reason);
  }

  private kill(reason: string): void {
    this.stop();
    this.actions.kill(reason);
  }

  private check(): void {
    if (this.ended) return;
    const { cpuSoftMs, cpuHardMs, memoryMb, wallClockMs } = this.limits;
    const age = Date.now() - this.startedAt;
    if (wallClockMs > 0 && age >= wallClockMs) return this.kill(`wall clock limit of ${wallClockMs} ms reached`);
    // A request taken late in a worker's life would be cut by its wall clock: half-way, new
    // requests go to a fresh worker.
    if (wallClockMs > 0 && age >= wallClockMs / 2) this.retire('half of its wall clock gone');
    const usage = processUsage(this.pid);
    if (!usage || !this.boot) return;
    if (!this.idle && cpuHardMs > 0 && usage.cpuMs - this.busyFromCpuMs >= cpuHardMs) {
      return this.kill(`CPU time limit of ${cpuHardMs} ms reached`);
    }
    const grownMb = (usage.rssBytes - this.boot.rssBytes) / 2 ** 20;
    if (memoryMb > 0 && grownMb > memoryMb) return this.kill(`memory limit of ${memoryMb} MB exceeded (${Math.round(grownMb)} MB)`);
    if (cpuSoftMs > 0 && usage.cpuMs - this.boot.cpuMs >= cpuSoftMs) this.retire(`CPU soft limit of ${cpuSoftMs} ms reached`);
  }
}
