import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { db, serviceClient } from '../support/clients.ts';
import { createUser, signIn, type TestUser } from '../support/users.ts';
import { createBucket, dropPolicies, removeBuckets, uniqueName } from './storage.helpers.ts';

/**
 * Buckets through supabase-js's storage client: created, read, changed, emptied and deleted
 * as storage-api answers, and, with no policy on storage.buckets, out of a user's reach.
 */
const sql = db();
const service = serviceClient();
const ip = '198.51.100.71';
let person: TestUser;
const made: string[] = [];

beforeAll(async () => {
  person = await createUser(sql, 'storage-buckets');
});

afterAll(async () => {
  await removeBuckets(...made);
  await sql`delete from auth.users where id = ${person.id}`;
  await sql.end();
});

async function bucket(label: string, options: Parameters<typeof createBucket>[1] = {}): Promise<string> {
  const id = await createBucket(label, options);
  made.push(id);
  return id;
}

describe('buckets', () => {
  it('creates a bucket with its limits and reads it back', async () => {
    const id = uniqueName('avatars');
    const created = await service.storage.createBucket(id, { public: true, fileSizeLimit: '1MB', allowedMimeTypes: ['image/*', 'application/pdf'] });
    made.push(id);
    expect(created).toEqual({ data: { name: id }, error: null });
    const { data, error } = await service.storage.getBucket(id);
    expect(error).toBeNull();
    expect(data).toMatchObject({ id, name: id, public: true, file_size_limit: 1_000_000, allowed_mime_types: ['image/*', 'application/pdf'], owner: null });
    expect(new Date(data?.created_at ?? '').getTime()).toBeGreaterThan(Date.now() - 60_000);
  });

  it('refuses a second bucket of the same name with 409, and a missing one with 404', async () => {
    const id = await bucket('twice');
    const again = await service.storage.createBucket(id);
    expect(again.error).toMatchObject({ message: 'The resource already exists', statusCode: '409', status: 400 });
    const missing = await service.storage.getBucket(uniqueName('missing'));
    expect(missing.error).toMatchObject({ message: 'Bucket not found', statusCode: '404' });
  });

  it('refuses bad names, bad sizes, bad media types and sizes over the project limit', async () => {
    expect((await service.storage.createBucket('has/slash')).error).toMatchObject({ message: 'Bucket name invalid', statusCode: '400' });
    expect((await service.storage.createBucket(' padded ')).error).toMatchObject({ message: 'Bucket name invalid' });
    expect((await service.storage.createBucket(uniqueName('size'), { public: false, fileSizeLimit: 'lots' })).error).toMatchObject({ statusCode: '400', message: expect.stringMatching(/Invalid file size format/) });
    expect((await service.storage.createBucket(uniqueName('mime'), { public: false, allowedMimeTypes: ['not a type'] })).error).toMatchObject({ statusCode: '415', message: 'mime type not a type is not supported' });
    expect((await service.storage.createBucket(uniqueName('huge'), { public: false, fileSizeLimit: '10GB' })).error).toMatchObject({ statusCode: '413' });
  });

  it('lists buckets with search, order and paging', async () => {
    const tag = uniqueName('listed');
    const ids = [`${tag}-b`, `${tag}-a`, `${tag}-c`];
    for (const id of ids) {
      expect((await service.storage.createBucket(id)).error).toBeNull();
      made.push(id);
    }
    const all = await service.storage.listBuckets({ search: tag, sortColumn: 'name', sortOrder: 'desc' });
    expect(all.data?.map((b) => b.name)).toEqual([`${tag}-c`, `${tag}-b`, `${tag}-a`]);
    const page = await service.storage.listBuckets({ search: tag, sortColumn: 'name', sortOrder: 'asc', limit: 1, offset: 1 });
    expect(page.data?.map((b) => b.name)).toEqual([`${tag}-b`]);
  });

  it('updates public, the size limit and the media types; an update of nothing is refused', async () => {
    const id = await bucket('changing');
    const updated = await service.storage.updateBucket(id, { public: true, fileSizeLimit: 2048, allowedMimeTypes: ['text/plain'] });
    expect(updated).toEqual({ data: { message: 'Successfully updated' }, error: null });
    expect((await service.storage.getBucket(id)).data).toMatchObject({ public: true, file_size_limit: 2048, allowed_mime_types: ['text/plain'] });
    await service.storage.updateBucket(id, { public: false, fileSizeLimit: null, allowedMimeTypes: null });
    expect((await service.storage.getBucket(id)).data).toMatchObject({ public: false, file_size_limit: null, allowed_mime_types: null });
    const missing = await service.storage.updateBucket(uniqueName('nobody'), { public: true });
    expect(missing.error).toMatchObject({ statusCode: '404', message: 'Bucket not found' });
  });

  it('refuses to delete a bucket that holds objects (409) until it is emptied', async () => {
    const id = await bucket('full');
    await service.storage.from(id).upload('a.txt', 'a');
    await service.storage.from(id).upload('deep/b.txt', 'b');
    const refused = await service.storage.deleteBucket(id);
    expect(refused.error).toMatchObject({ statusCode: '409', message: 'The bucket you tried to delete is not empty' });
    expect((await service.storage.emptyBucket(id)).error).toBeNull();
    expect((await service.storage.from(id).list()).data).toEqual([]);
    expect(await service.storage.deleteBucket(id)).toEqual({ data: { message: 'Successfully deleted' }, error: null });
    expect((await service.storage.getBucket(id)).error).toMatchObject({ statusCode: '404' });
  });
});

describe('buckets under row-level security', () => {
  it('with no policy, a signed-in user neither sees, creates, changes nor deletes buckets', async () => {
    const id = await bucket('private-to-service');
    const api = await signIn(person, ip);
    expect((await api.storage.listBuckets()).data?.some((b) => b.id === id)).toBe(false);
    expect((await api.storage.getBucket(id)).error).toMatchObject({ statusCode: '404' });
    const created = await api.storage.createBucket(uniqueName('mine'));
    expect(created.error).toMatchObject({ statusCode: '403', message: 'new row violates row-level security policy' });
    expect((await api.storage.updateBucket(id, { public: true })).error).toMatchObject({ statusCode: '404' });
    expect((await api.storage.deleteBucket(id)).error).toMatchObject({ statusCode: '404' });
    expect((await service.storage.getBucket(id)).data?.public).toBe(false);
  });

  it('a policy lets a user create buckets of their own, recorded with their id as owner', async () => {
    const prefix = uniqueName('own');
    const policies = [`${prefix} create`, `${prefix} read`];
    await sql.unsafe(`
      create policy "${policies[0]}" on storage.buckets for insert to authenticated with check (name like '${prefix}%');
      create policy "${policies[1]}" on storage.buckets for select to authenticated using (owner_id = (select auth.uid()::text))`);
    try {
      const api = await signIn(person, ip);
      const id = `${prefix}-bucket`;
      expect((await api.storage.createBucket(id)).error).toBeNull();
      made.push(id);
      expect((await api.storage.getBucket(id)).data).toMatchObject({ id, owner: person.id });
      expect((await api.storage.createBucket(uniqueName('elsewhere'))).error).toMatchObject({ statusCode: '403' });
    } finally {
      await dropPolicies(sql, 'buckets', policies);
    }
  });
});
