import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrationFiles } from '../../supabase/local/migrate.ts';
import { startStack, type Stack } from '../../supabase/local/stack.ts';
import { client } from '../support/clients.ts';
import { freePort } from '../support/globalSetup.ts';
import { waitFor } from '../support/waitFor.ts';

/**
 * The stack on a PostgreSQL it did not start: Debian's PostgreSQL 15 (the oldest we
 * support), given by DATABASE_URL. `.ci/run` installs it; PG15_BIN points elsewhere.
 */
const bin = process.env.PG15_BIN ?? '/usr/lib/postgresql/15/bin';
const asRoot = process.getuid?.() === 0;

function run(command: string, args: string[]): void {
  execFileSync(asRoot ? 'runuser' : command, asRoot ? ['-u', 'postgres', '--', command, ...args] : args, { stdio: 'pipe' });
}

let dir: string;
let data: string;
let stack: Stack;

beforeAll(async () => {
  if (!existsSync(join(bin, 'postgres'))) throw new Error(`PostgreSQL 15 is not installed at ${bin} (apt-get install postgresql-15, or set PG15_BIN)`);
  dir = mkdtempSync(join(tmpdir(), 'arbidesk-pg15-'));
  chmodSync(dir, 0o777);
  data = join(dir, 'data');
  run(join(bin, 'initdb'), ['-D', data, '-U', 'postgres', '--auth=trust', '--encoding=UTF8', '--locale=C.UTF-8']);
  const port = await freePort();
  run(join(bin, 'pg_ctl'), ['-D', data, '-l', join(dir, 'server.log'), '-w', '-o', `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c wal_level=logical`, 'start']);
  const url = `postgresql://postgres@127.0.0.1:${port}/postgres`;
  const probe = postgres(url, { max: 1, onnotice: () => {} });
  await waitFor('PostgreSQL 15', () => probe`select 1 as ok`.then(() => true, () => false));
  await probe.end();
  stack = await startStack({ dataDir: join(dir, 'stack'), apiPort: 0, databaseUrl: url });
});

afterAll(async () => {
  await stack?.stop();
  if (data) run(join(bin, 'pg_ctl'), ['-D', data, '-m', 'fast', '-w', 'stop']);
  rmSync(dir, { recursive: true, force: true });
});

describe('DATABASE_URL on PostgreSQL 15', () => {
  it('applies every migration in order and records it where the Supabase CLI looks', async () => {
    const [server] = await stack.sql`select current_setting('server_version_num')::int / 10000 as version`;
    expect(server?.version).toBe(15);
    const recorded = await stack.sql`select version, name from supabase_migrations.schema_migrations order by version`;
    expect(recorded.map((r) => `${r.version}_${r.name}`)).toEqual(migrationFiles().map((f) => `${f.version}_${f.name}`));
  });

  it('serves REST and keeps a second start idempotent', async () => {
    await stack.sql.unsafe('create table if not exists pg15_probe (id int primary key); insert into pg15_probe values (1) on conflict do nothing');
    const api = client(stack.keys.serviceRoleKey, { apiUrl: stack.apiUrl });
    await expect.poll(async () => (await api.from('pg15_probe').select('id')).data, { timeout: 5_000 }).toEqual([{ id: 1 }]);
    const again = await startStack({ dataDir: join(dir, 'stack2'), apiPort: 0, databaseUrl: stack.dbUrl });
    expect(again.applied).toEqual([]);
    await again.stop();
  });
});
