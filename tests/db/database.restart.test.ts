import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import postgres from 'postgres';
import { afterEach, describe, expect, it } from 'vitest';
import { projectRoot } from '../../supabase/local/config.ts';
import { isRunning, postmasterPid } from '../../supabase/local/postgres/clusterHolders.ts';
import { startStack, type Stack } from '../../supabase/local/stack.ts';
import { freePort } from '../support/globalSetup.ts';

/** Starting again on a data folder whose last stack was killed, or still runs. */
interface Running {
  child: ChildProcess;
  dbUrl: string;
}

const cleanups: (() => Promise<void> | void)[] = [];

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function newDataDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'arbidesk-killed-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** The stack in a process group of its own, as `npm start` runs in a terminal. */
function startInChild(dataDir: string, dbPort: number): Promise<Running> {
  const child = spawn(process.execPath, ['--import', 'tsx', resolve(projectRoot, 'tests/support/stackProcess.ts')], {
    cwd: projectRoot,
    env: { ...process.env, ARBIDESK_DATA_DIR: dataDir, DB_PORT: String(dbPort) },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  cleanups.push(() => {
    try {
      process.kill(-child.pid!, 'SIGKILL');
    } catch {
      // Already gone.
    }
  });
  return new Promise((done, reject) => {
    let output = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString('utf8');
      const line = output.split('\n').find((l) => l.startsWith('{'));
      if (line) done({ child, dbUrl: (JSON.parse(line) as { dbUrl: string }).dbUrl });
    });
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    child.once('exit', (code) => reject(new Error(`the stack process exited (${code}) before it was ready:\n${output}`)));
  });
}

async function startHere(dataDir: string, dbPort: number): Promise<Stack> {
  const stack = await startStack({ dataDir, apiPort: 0, dbPort, seed: false });
  cleanups.push(() => stack.stop());
  return stack;
}

/** A session kept busy, so the killed server leaves a backend behind for a moment. */
async function busySession(dbUrl: string): Promise<void> {
  const sql = postgres(dbUrl, { max: 1, onnotice: () => {} });
  await sql`create table public.made_before_the_kill (id int)`;
  void sql`select pg_sleep(30)`.catch(() => undefined);
  cleanups.push(() => sql.end({ timeout: 1 }).catch(() => undefined));
}

describe('a start on a data folder whose stack was killed', () => {
  it('waits for a server killed with its process group (kill -9) to go, then starts on the same data', async () => {
    const dataDir = newDataDir();
    const dbPort = await freePort();
    const killed = await startInChild(dataDir, dbPort);
    await busySession(killed.dbUrl);
    const postmaster = postmasterPid(join(dataDir, 'db'));
    process.kill(-killed.child.pid!, 'SIGKILL');
    const stack = await startHere(dataDir, dbPort);
    expect(postmaster !== undefined && isRunning(postmaster)).toBe(false);
    expect(await stack.sql`select to_regclass('public.made_before_the_kill')::text as found`).toEqual([{ found: 'made_before_the_kill' }]);
  }, 120_000);

  it('stops a server left running when only the stack process was killed, then starts', async () => {
    const dataDir = newDataDir();
    const dbPort = await freePort();
    const killed = await startInChild(dataDir, dbPort);
    const postmaster = postmasterPid(join(dataDir, 'db'));
    expect(postmaster).toBeDefined();
    process.kill(killed.child.pid!, 'SIGKILL');
    await new Promise((r) => killed.child.once('exit', r));
    expect(isRunning(postmaster!)).toBe(true);
    const stack = await startHere(dataDir, dbPort);
    expect(isRunning(postmaster!)).toBe(false);
    expect(postmasterPid(join(dataDir, 'db'))).not.toBe(postmaster);
    expect(await stack.sql`select 1 as ok`).toEqual([{ ok: 1 }]);
  }, 120_000);

  it('refuses while another stack runs on the folder, and says which process holds it', async () => {
    const dataDir = newDataDir();
    const running = await startInChild(dataDir, await freePort());
    const postmaster = postmasterPid(join(dataDir, 'db'));
    const refused = await startHere(dataDir, await freePort()).then(() => 'started', (error: unknown) => String(error));
    expect(refused).toContain(`pid ${postmaster}`);
    expect(refused).toContain(`started by the stack process ${running.child.pid}`);
    expect(refused).toMatch(/Stop that stack first/);
    // The running stack was not disturbed.
    expect(isRunning(postmaster!)).toBe(true);
    expect(readFileSync(join(dataDir, 'db', 'postmaster.pid'), 'utf8').split('\n')[0]).toBe(String(postmaster));
  }, 120_000);
});
