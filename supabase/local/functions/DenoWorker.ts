import { spawn, type ChildProcess } from 'node:child_process';
import { Agent } from 'node:http';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { WorkerLimits } from './limits.ts';
import { WorkerGovernor } from './WorkerGovernor.ts';

const bootstrapPath = fileURLToPath(new URL('./bootstrap.ts', import.meta.url));

/** Must match bootstrap.ts. */
const listeningLine = 'arbidesk-worker-listening ';
const backgroundLine = 'arbidesk-worker-background ';

/**
 * The Deno binary that the `deno` npm package ships, found by the package's own resolver so it
 * works whether or not its postinstall step copied the binary into place.
 */
export function denoExecutable(): string {
  const require = createRequire(import.meta.url);
  return (require('deno/install_api.cjs') as { runInstall(): string }).runInstall();
}

/** The function never came up: its module failed to load or never called Deno.serve. */
export class BootError extends Error {}

/** One request's hold on a worker, from its start to its end. */
export interface Lease {
  end(): void;
  /** Why the worker was killed under the request, when a limit did it. */
  readonly limitReached: string | undefined;
}

/** Where a running worker listens; the agent keeps connections to it warm. */
export interface WorkerTarget {
  port: number;
  agent: Agent;
  /** A request starts on this worker (its CPU time counts from here). */
  begin(): Lease;
}

export interface DenoWorkerOptions {
  /** The function's name, the prefix of its log lines. */
  name: string;
  /** Absolute path of the function's index.ts. */
  entrypoint: string;
  /** The deno.json with the import map; Deno discovers one itself when absent. */
  denoConfig?: string;
  /** The process environment, built at each start so a changed env file applies on restart. */
  env: () => Record<string, string>;
  bootTimeoutMs: number;
  /** Hosted Supabase's limits, or the ones the environment sets (limits.ts). */
  limits: WorkerLimits;
  log: (line: string) => void;
}

interface Running {
  child: ChildProcess;
  ready: Promise<WorkerTarget>;
  exited: Promise<void>;
  agent: Agent;
  governor?: WorkerGovernor;
  /** Set when the governor killed it: its requests answer 546 with this. */
  limitReached?: string;
}

/**
 * One long-lived Deno process serving one function: started by the first request (the cold
 * start), kept warm for the next ones, replaced after a crash, a time limit or a file change.
 *
 * One process per function, not one Deno host with a Web Worker per function: a function
 * stuck in a synchronous loop can only be stopped from outside its thread, a crash (or
 * `Deno.exit`) takes down only its own process, and each function gets its own environment
 * and its own `Deno.serve`, which is how Supabase isolates functions too. The cost, some
 * tens of MB per function that has been called, suits a development stack.
 */
export class DenoWorker {
  private running: Running | undefined;
  /** Workers past a soft limit, finishing their requests and background tasks. */
  private readonly retiring = new Set<Running>();

  constructor(private readonly options: DenoWorkerOptions) {}

  /** The worker's address, starting the process when none runs; rejects with BootError. */
  target(): Promise<WorkerTarget> {
    this.running ??= this.spawn();
    return this.running.ready;
  }

  /**
   * Waits up to `ms` for a worker whose connection just failed to report its exit, so the
   * next request starts a new process instead of meeting the dead one's port.
   */
  async settle(ms: number): Promise<void> {
    const running = this.running;
    if (!running) return;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([running.exited, new Promise<void>((resolve) => (timer = setTimeout(resolve, ms)))]);
    clearTimeout(timer);
  }

  /** Ends the process, and any retiring ones; the next request starts a fresh one. */
  async stop(): Promise<void> {
    const running = this.running;
    this.running = undefined;
    await Promise.all([...this.retiring, ...(running ? [running] : [])].map((r) => this.end(r)));
  }

  private async end(running: Running): Promise<void> {
    this.retiring.delete(running);
    running.governor?.stop();
    running.agent.destroy();
    const { child } = running;
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    const forced = setTimeout(() => child.kill('SIGKILL'), 2_000);
    await running.exited;
    clearTimeout(forced);
  }

  /** A retired worker goes once it has nothing left to do. */
  private endIfDone(running: Running): void {
    if (this.retiring.has(running) && running.governor?.idle !== false) void this.end(running);
  }

  private govern(running: Running): WorkerGovernor {
    const { name, log } = this.options;
    return new WorkerGovernor(running.child.pid ?? 0, this.options.limits, {
      retire: (reason) => {
        log(`[fn:${name}] worker retired: ${reason}; new requests go to a fresh worker`);
        if (this.running === running) this.running = undefined;
        this.retiring.add(running);
        this.endIfDone(running);
      },
      kill: (reason) => {
        running.limitReached = reason;
        if (this.running === running) this.running = undefined;
        running.child.kill('SIGKILL');
      },
    });
  }

  private lease(running: Running): Lease {
    const finish = running.governor?.begin();
    return {
      end: () => {
        finish?.();
        this.endIfDone(running);
      },
      get limitReached() {
        return running.limitReached;
      },
    };
  }

  private spawn(): Running {
    const { name, entrypoint, denoConfig, log, limits } = this.options;
    const args = [
      'run',
      '--no-prompt',
      // Supabase's edge runtime gives each isolate a heap of the memory limit, so V8 collects
      // garbage as the heap nears it, rather than growing until the governor sees the process
      // past the limit; a heap that cannot stay under it ends the worker, as on hosted.
      ...(limits.memoryMb > 0 ? [`--v8-flags=--max-old-space-size=${limits.memoryMb}`] : []),
      // Packages come from the project's node_modules (installed and pinned by package-lock),
      // so functions run offline and with the same versions as the Node side.
      '--node-modules-dir=manual',
      '--no-lock',
      ...(denoConfig ? ['--config', denoConfig] : []),
      // Supabase's edge runtime allows network, environment and reads; writes only to /tmp.
      '--allow-net',
      '--allow-env',
      '--allow-read',
      '--allow-sys',
      `--allow-write=${tmpdir()}`,
      bootstrapPath,
      pathToFileURL(entrypoint).href,
    ];
    const child = spawn(denoExecutable(), args, {
      cwd: dirname(entrypoint),
      env: this.options.env(),
      // stdin stays open as a lifeline: bootstrap.ts exits when it closes (see there).
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const agent = new Agent({ keepAlive: true });
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    const running: Running = { child, agent, exited, ready: Promise.resolve({ port: 0, agent, begin: () => this.lease(running) }) };
    running.ready = new Promise<WorkerTarget>((resolve, reject) => {
      const timer = setTimeout(() => {
        reject(new BootError(`${name} did not call Deno.serve within ${this.options.bootTimeoutMs} ms`));
        child.kill('SIGKILL');
      }, this.options.bootTimeoutMs);
      createInterface({ input: child.stdout! }).on('line', (line) => {
        if (line.startsWith(listeningLine)) {
          clearTimeout(timer);
          running.governor = this.govern(running);
          resolve({ port: Number(line.slice(listeningLine.length)), agent, begin: () => this.lease(running) });
        } else if (line.startsWith(backgroundLine)) {
          if (running.governor) running.governor.background = Number(line.slice(backgroundLine.length));
          this.endIfDone(running);
        } else {
          log(`[fn:${name}] ${line}`);
        }
      });
      createInterface({ input: child.stderr! }).on('line', (line) => log(`[fn:${name}] ${line}`));
      child.once('error', (error) => {
        clearTimeout(timer);
        if (this.running?.child === child) this.running = undefined;
        reject(new BootError(`${name}: cannot start Deno: ${error.message}`));
      });
      child.once('exit', (code, signal) => {
        clearTimeout(timer);
        running.governor?.stop();
        this.retiring.delete(running);
        reject(new BootError(`${name} exited (${signal ?? `code ${code}`}) before serving`));
        agent.destroy();
        if (running.limitReached) log(`[fn:${name}] worker stopped: ${running.limitReached}`);
        if (this.running === running) {
          this.running = undefined;
          log(`[fn:${name}] worker exited (${signal ?? `code ${code}`}); the next request starts a new one`);
        }
      });
    });
    // A boot failure is reported to the request that waits for it; nothing else awaits it.
    running.ready.catch(() => undefined);
    return running;
  }
}
