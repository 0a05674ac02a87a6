import type { SupabaseClient } from '@supabase/supabase-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { client, db, serviceClient } from '../support/clients.ts';
import { createUser, signIn, type TestUser } from '../support/users.ts';
import { createBucket, ownFolderPolicies, removeBuckets } from './storage.helpers.ts';

/**
 * Row-level security decides every storage operation. With the docs' per-user folder
 * policies (`(storage.foldername(name))[1] = auth.uid()::text`), each user reaches only their
 * own folder: another user's files can be neither read, listed, written, replaced, moved nor
 * deleted, and the anonymous key reaches nothing.
 */
const sql = db();
const service = serviceClient();
const ip = '198.51.100.74';
let bucket: string;
let alice: TestUser;
let bob: TestUser;
let aliceApi: SupabaseClient;
let bobApi: SupabaseClient;
let removePolicies: () => Promise<void>;

beforeAll(async () => {
  bucket = await createBucket('per-user');
  removePolicies = await ownFolderPolicies(sql, bucket);
  [alice, bob] = await Promise.all([createUser(sql, 'storage-alice'), createUser(sql, 'storage-bob')]);
  [aliceApi, bobApi] = await Promise.all([signIn(alice, ip), signIn(bob, ip)]);
});

afterAll(async () => {
  await removePolicies();
  await removeBuckets(bucket);
  await sql`delete from auth.users where id in ${sql([alice.id, bob.id])}`;
  await sql.end();
});

/** A file of Alice's, uploaded by Alice, for one test. */
async function alicesFile(name: string, content = 'alice'): Promise<string> {
  const path = `${alice.id}/${name}`;
  const { error } = await aliceApi.storage.from(bucket).upload(path, content, { upsert: true });
  if (error) throw error;
  return path;
}

async function content(path: string): Promise<string | undefined> {
  const { data } = await service.storage.from(bucket).download(path);
  return data ? await data.text() : undefined;
}

describe('a user in their own folder', () => {
  it('uploads, reads, lists, replaces, moves and deletes their own files', async () => {
    const files = aliceApi.storage.from(bucket);
    const path = await alicesFile('own.txt', 'v1');
    expect(await (await files.download(path)).data?.text()).toBe('v1');
    expect((await files.list(alice.id)).data?.map((f) => f.name)).toContain('own.txt');
    expect((await files.upload(path, 'v2', { upsert: true })).error).toBeNull();
    expect((await files.update(path, 'v3')).error).toBeNull();
    expect((await files.move(path, `${alice.id}/moved.txt`)).error).toBeNull();
    expect((await files.copy(`${alice.id}/moved.txt`, `${alice.id}/copied.txt`)).error).toBeNull();
    const removed = await files.remove([`${alice.id}/moved.txt`, `${alice.id}/copied.txt`]);
    expect(removed.data?.map((f) => f.name).sort()).toEqual([`${alice.id}/copied.txt`, `${alice.id}/moved.txt`]);
  });
});

describe("another user's files", () => {
  it('cannot be read: download, info, exists and signing all answer not found', async () => {
    const path = await alicesFile('secret.txt');
    const files = bobApi.storage.from(bucket);
    expect((await files.download(path)).error).toMatchObject({ statusCode: '404', message: 'Object not found' });
    expect((await files.info(path)).error).toMatchObject({ statusCode: '404' });
    expect((await files.exists(path)).data).toBe(false);
    expect((await files.createSignedUrl(path, 60)).error).toMatchObject({ statusCode: '404' });
  });

  it('cannot be listed: their folder looks empty and the top level shows only the own folder', async () => {
    await alicesFile('listed.txt');
    await bobApi.storage.from(bucket).upload(`${bob.id}/bobs.txt`, 'bob', { upsert: true });
    expect((await bobApi.storage.from(bucket).list(alice.id)).data).toEqual([]);
    expect((await bobApi.storage.from(bucket).list()).data?.map((f) => f.name)).toEqual([bob.id]);
  });

  it('cannot be written: an upload into their folder is refused with 403', async () => {
    const refused = await bobApi.storage.from(bucket).upload(`${alice.id}/planted.txt`, 'bob was here');
    expect(refused.error).toMatchObject({ statusCode: '403', message: 'new row violates row-level security policy' });
    expect((await service.storage.from(bucket).exists(`${alice.id}/planted.txt`)).data).toBe(false);
  });

  it('cannot be replaced: upsert and update over their file are refused and the bytes stay', async () => {
    const path = await alicesFile('replace-me.txt', 'original');
    expect((await bobApi.storage.from(bucket).upload(path, 'bob', { upsert: true })).error).toMatchObject({ statusCode: '403' });
    expect((await bobApi.storage.from(bucket).update(path, 'bob')).error).toMatchObject({ statusCode: '403' });
    // The insert policy is asked before the unique index: a name outside the own folder is 403, taken or not.
    expect((await bobApi.storage.from(bucket).upload(path, 'bob')).error).toMatchObject({ statusCode: '403' });
    expect(await content(path)).toBe('original');
  });

  it('cannot be moved away, moved into, or copied out of', async () => {
    const path = await alicesFile('stay.txt', 'stays');
    expect((await bobApi.storage.from(bucket).move(path, `${bob.id}/taken.txt`)).error).toMatchObject({ statusCode: '404' });
    await bobApi.storage.from(bucket).upload(`${bob.id}/gift.txt`, 'gift', { upsert: true });
    expect((await bobApi.storage.from(bucket).move(`${bob.id}/gift.txt`, `${alice.id}/gift.txt`)).error).toMatchObject({ statusCode: '403' });
    expect((await bobApi.storage.from(bucket).copy(path, `${bob.id}/copy.txt`)).error).toMatchObject({ statusCode: '404' });
    expect(await content(path)).toBe('stays');
    expect(await content(`${bob.id}/copy.txt`)).toBeUndefined();
  });

  it('cannot be deleted: remove() deletes nothing and the file stays', async () => {
    const path = await alicesFile('keep.txt', 'kept');
    const removed = await bobApi.storage.from(bucket).remove([path]);
    expect(removed).toEqual({ data: [], error: null });
    expect(await content(path)).toBe('kept');
  });
});

describe('the anonymous key on a private bucket', () => {
  it('reads, lists and writes nothing', async () => {
    const path = await alicesFile('anon.txt');
    const anon = client().storage.from(bucket);
    expect((await anon.download(path)).error).toMatchObject({ statusCode: '404' });
    expect((await anon.list(alice.id)).data).toEqual([]);
    expect((await anon.upload('anon/dropped.txt', 'x')).error).toMatchObject({ statusCode: '403' });
    expect((await anon.remove([path])).data).toEqual([]);
    expect(await content(path)).toBe('alice');
  });
});
