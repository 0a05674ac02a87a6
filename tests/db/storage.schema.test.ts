import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bootstrap } from '../../supabase/local/migrate.ts';
import { db, serviceClient } from '../support/clients.ts';
import { createUser, signIn, type TestUser } from '../support/users.ts';
import { createBucket, dropPolicies, removeBuckets, uniqueName } from './storage.helpers.ts';

/**
 * The storage schema as a hosted project has it: the path helpers policies use, row-level
 * security on with the API roles granted, and a bootstrap that leaves an existing schema be.
 */
const sql = db();
const ip = '198.51.100.75';
let person: TestUser;

beforeAll(async () => {
  person = await createUser(sql, 'storage-schema');
});

afterAll(async () => {
  await sql`delete from auth.users where id = ${person.id}`;
  await sql.end();
});

describe('path helpers', () => {
  it('split names as Supabase does', async () => {
    const names = ['avatars/2024/me.png', 'me.png', 'archive.tar.gz', 'README', 'folder/', '.env'];
    const rows = await sql<{ name: string; folders: string[]; file: string | null; ext: string | null }[]>`
      select name, storage.foldername(name) as folders, storage.filename(name) as file, storage.extension(name) as ext
      from unnest(${names}::text[]) with ordinality as n(name, i) order by i`;
    expect(rows).toEqual([
      { name: 'avatars/2024/me.png', folders: ['avatars', '2024'], file: 'me.png', ext: 'png' },
      { name: 'me.png', folders: [], file: 'me.png', ext: 'png' },
      { name: 'archive.tar.gz', folders: [], file: 'archive.tar.gz', ext: 'gz' },
      // No dot: the whole name, as Supabase's extension() answers.
      { name: 'README', folders: [], file: 'README', ext: 'README' },
      { name: 'folder/', folders: ['folder'], file: '', ext: '' },
      { name: '.env', folders: [], file: '.env', ext: 'env' },
    ]);
  });
});

describe('tables', () => {
  it('have row-level security on, the API roles granted, and path_tokens generated', async () => {
    const tables = await sql<{ name: string; rls: boolean }[]>`
      select c.relname as name, c.relrowsecurity as rls from pg_class c join pg_namespace n on n.oid = c.relnamespace
      where n.nspname = 'storage' and c.relname in ('buckets', 'objects') order by 1`;
    expect(tables).toEqual([{ name: 'buckets', rls: true }, { name: 'objects', rls: true }]);
    const grants = await sql<{ role: string; all: boolean }[]>`
      select r as role, bool_and(has_table_privilege(r, t, p)) as all
      from unnest(array['anon', 'authenticated', 'service_role']) r, unnest(array['storage.buckets', 'storage.objects']) t,
        unnest(array['select', 'insert', 'update', 'delete']) p
      group by r order by r`;
    expect(grants).toEqual([{ role: 'anon', all: true }, { role: 'authenticated', all: true }, { role: 'service_role', all: true }]);
    const bucket = await createBucket('schema');
    try {
      await serviceClient().storage.from(bucket).upload('a/b/c.txt', 'c');
      const [row] = await sql<{ path_tokens: string[] }[]>`select path_tokens from storage.objects where bucket_id = ${bucket}`;
      expect(row?.path_tokens).toEqual(['a', 'b', 'c.txt']);
    } finally {
      await removeBuckets(bucket);
    }
  });

  it('are left as they are when the bootstrap runs again, as on a project that has them', async () => {
    const bucket = await createBucket('bootstrap');
    try {
      await bootstrap(sql);
      expect((await serviceClient().storage.getBucket(bucket)).data?.id).toBe(bucket);
    } finally {
      await removeBuckets(bucket);
    }
  });
});

describe('storage.operation()', () => {
  it('names the API operation, for policies that allow one and not another', async () => {
    const bucket = await createBucket('operations');
    const policy = uniqueName('plain uploads only');
    await sql.unsafe(`create policy "${policy}" on storage.objects for insert to authenticated
      with check (bucket_id = '${bucket}' and storage.operation() = 'storage.object.upload')`);
    try {
      const api = await signIn(person, ip);
      expect((await api.storage.from(bucket).upload('plain.txt', 'x')).error).toBeNull();
      const signed = await api.storage.from(bucket).createSignedUploadUrl('signed.txt');
      expect(signed.error).toMatchObject({ statusCode: '403' });
    } finally {
      await dropPolicies(sql, 'objects', [policy]);
      await removeBuckets(bucket);
    }
  });
});
