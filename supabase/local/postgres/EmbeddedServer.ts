import { spawn, type ChildProcess } from 'node:child_process';
import { chownSync, existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { claimCluster, holders, isRunning, liveOwner, postmasterPid, releaseCluster, type Holder } from './clusterHolders.ts';
import type { Placement } from './placement.ts';
import type { ServerUser } from './serverUser.ts';

export interface EmbeddedServerOptions {
  port: number;
  superuser: { user: string; password: string };
  /** Extra `initdb` arguments (encoding, locale). */
  initdbFlags: string[];
  /** Extra `postgres` arguments (`-c name=value`). */
  postgresFlags: string[];
  log?: (line: string) => void;
}

const readyLine = 'database system is ready to accept connections';

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function exited(child: ChildProcess, ms: number): Promise<boolean> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), ms);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}

async function holdersGone(clusterDir: string, ms: number): Promise<Holder[]> {
  const deadline = Date.now() + ms;
  for (;;) {
    const left = holders(clusterDir);
    if (left.length === 0 || Date.now() >= deadline) return left;
    await sleep(100);
  }
}

function describe(left: Holder[]): string {
  return left.map((h) => `pid ${h.pid} (${h.command})`).join(', ');
}

/**
 * One PostgreSQL server run from the embedded binaries: initdb once, then the postmaster as a
 * child of this process (as the `postgres` user when this process is root). The server goes
 * down with this process: on stop(), and on exit by a signal to its postmaster.
 */
export class EmbeddedServer {
  private child: ChildProcess | undefined;
  private readonly recent: string[] = [];
  private readonly onExit = () => this.child?.kill('SIGINT');

  constructor(
    private readonly placement: Placement,
    private readonly user: ServerUser | undefined,
    private readonly options: EmbeddedServerOptions,
  ) {}

  private get clusterDir(): string {
    return this.placement.clusterDir;
  }

  /** The child's environment: messages in English, since start() waits for one of them. */
  private spawnOptions() {
    return {
      cwd: dirname(this.clusterDir),
      env: { ...process.env, LC_MESSAGES: 'C', LANG: 'C.UTF-8' },
      stdio: ['ignore', 'pipe', 'pipe'] as ['ignore', 'pipe', 'pipe'],
      ...(this.user ? { uid: this.user.uid, gid: this.user.gid } : {}),
    };
  }

  private remember(chunk: Buffer): void {
    const text = chunk.toString('utf8');
    this.recent.push(text);
    if (this.recent.length > 50) this.recent.shift();
    this.options.log?.(text);
  }

  get initialised(): boolean {
    return existsSync(join(this.clusterDir, 'PG_VERSION'));
  }

  /** Creates the cluster (initdb) with the superuser and its password. */
  async initialise(): Promise<void> {
    if (this.user) {
      mkdirSync(this.clusterDir, { recursive: true, mode: 0o700 });
      chownSync(this.clusterDir, this.user.uid, this.user.gid);
    }
    const passwordFile = join(dirname(this.clusterDir), `.initdb-password-${process.pid}`);
    writeFileSync(passwordFile, `${this.options.superuser.password}\n`, { mode: 0o600 });
    if (this.user) chownSync(passwordFile, this.user.uid, this.user.gid);
    try {
      const child = spawn(this.placement.binaries.initdb, [
        `--pgdata=${this.clusterDir}`,
        '--auth=scram-sha-256',
        `--username=${this.options.superuser.user}`,
        `--pwfile=${passwordFile}`,
        ...this.options.initdbFlags,
      ], this.spawnOptions());
      const output: string[] = [];
      child.stdout.on('data', (chunk: Buffer) => this.options.log?.(chunk.toString('utf8')));
      child.stderr.on('data', (chunk: Buffer) => output.push(chunk.toString('utf8')));
      const code = await new Promise<number | null>((resolve, reject) => {
        child.once('error', reject);
        child.once('close', resolve);
      });
      if (code !== 0) throw new Error(`initdb failed (exit ${code}) in ${this.clusterDir}:\n${output.join('').trim()}`);
    } finally {
      rmSync(passwordFile, { force: true });
    }
  }

  /**
   * Makes sure no earlier server still holds the cluster. A server whose stack was killed
   * (kill -9 of its process group) is still dying for a moment, and its backends outlive it by
   * a second or so: wait for them. One left running by a stack process that is gone is stopped.
   * One whose stack still runs is another stack: refuse, naming it.
   */
  private async claim(): Promise<void> {
    let left = await holdersGone(this.clusterDir, 3_000);
    if (left.length && liveOwner(this.clusterDir) === undefined) {
      const pid = postmasterPid(this.clusterDir);
      if (pid !== undefined && isRunning(pid)) process.kill(pid, 'SIGINT');
      left = await holdersGone(this.clusterDir, 10_000);
      for (const holder of left) process.kill(holder.pid, 'SIGKILL');
      left = await holdersGone(this.clusterDir, 5_000);
    }
    if (left.length) {
      const owner = liveOwner(this.clusterDir);
      throw new Error(
        `PostgreSQL still runs on ${this.clusterDir}: ${describe(left)}${owner ? `, started by the stack process ${owner}` : ''}. ` +
          'Stop that stack first (Ctrl+C in its terminal), or set ARBIDESK_DATA_DIR to another folder.',
      );
    }
    // The lock file of a server that is gone; a zombie postmaster's would block the start.
    rmSync(join(this.clusterDir, 'postmaster.pid'), { force: true });
    claimCluster(this.clusterDir);
  }

  async start(): Promise<void> {
    await this.claim();
    const child = spawn(this.placement.binaries.postgres, [
      '-D', this.clusterDir,
      '-p', String(this.options.port),
      ...this.options.postgresFlags,
    ], this.spawnOptions());
    this.child = child;
    process.on('exit', this.onExit);
    child.stdout.on('data', (chunk: Buffer) => this.remember(chunk));
    await new Promise<void>((resolve, reject) => {
      const onData = (chunk: Buffer) => {
        this.remember(chunk);
        if (chunk.toString('utf8').includes(readyLine)) resolve();
      };
      child.stderr.on('data', onData);
      child.once('error', reject);
      child.once('exit', (code, signal) => {
        process.off('exit', this.onExit);
        reject(new Error(`PostgreSQL exited (${signal ?? `code ${code}`}) before it was ready on port ${this.options.port}:\n${this.recent.join('').trim()}`));
      });
    });
  }

  /** Fast shutdown (SIGINT); an immediate one (SIGQUIT) if it hangs; SIGKILL as the last resort. */
  async stop(): Promise<void> {
    const child = this.child;
    if (!child) return;
    this.child = undefined;
    for (const [signal, wait] of [['SIGINT', 10_000], ['SIGQUIT', 5_000], ['SIGKILL', 5_000]] as const) {
      if (await exited(child, 0)) break;
      child.kill(signal);
      if (await exited(child, wait)) break;
    }
    process.off('exit', this.onExit);
    releaseCluster(this.clusterDir);
  }
}
