import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bootstrap, dropProjectData, migrate } from '../../supabase/local/migrate.ts';
import { startStack, type Stack } from '../../supabase/local/stack.ts';
import { client } from '../support/clients.ts';
import { freePort } from '../support/globalSetup.ts';

/**
 * `npm run db:reset` on a project with storage: a stack of its own, since a reset empties the
 * database. Buckets, objects and the project's policies on them go; the schema stays, and the
 * migrations (which write those policies again) run on it.
 */
let dataDir: string;
let stack: Stack;

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'arbidesk-storage-reset-'));
  stack = await startStack({ dataDir, apiPort: 0, dbPort: await freePort(), seed: false });
}, 120_000);

afterAll(async () => {
  await stack?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('a database reset', () => {
  it('drops buckets, objects and storage policies, so the migrations can write the policies again', async () => {
    const service = client(stack.keys.serviceRoleKey, { apiUrl: stack.apiUrl });
    expect((await service.storage.createBucket('avatars')).error).toBeNull();
    expect((await service.storage.from('avatars').upload('a.txt', 'a')).error).toBeNull();
    const policy = `create policy "avatars read" on storage.objects for select to authenticated using (bucket_id = 'avatars')`;
    await stack.sql.unsafe(policy);

    await dropProjectData(stack.sql);
    await bootstrap(stack.sql);
    await migrate(stack.sql);

    // Only what the migrations write is there again: the imports bucket and its two policies.
    expect(await stack.sql`select id from storage.buckets order by id`).toEqual([{ id: 'imports' }]);
    expect((await stack.sql`select policyname from pg_policies where schemaname = 'storage' order by policyname`).map((p) => p.policyname)).toEqual([
      'media buyers and admins upload the file of their pending load',
      "members read the original files of their workspace's loads",
    ]);
    await stack.sql.unsafe(policy);
    expect((await service.storage.createBucket('avatars')).error).toBeNull();
  }, 60_000);
});
