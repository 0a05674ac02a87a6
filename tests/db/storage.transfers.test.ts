import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { db, serviceClient } from '../support/clients.ts';
import { createBucket, removeBuckets } from './storage.helpers.ts';

/** move, copy and remove through supabase-js, within a bucket and across buckets. */
const sql = db();
const service = serviceClient();
let bucket: string;
let other: string;

beforeAll(async () => {
  bucket = await createBucket('transfers');
  other = await createBucket('transfers-other');
});

afterAll(async () => {
  await removeBuckets(bucket, other);
  await sql.end();
});

async function text(bucketId: string, name: string): Promise<string | undefined> {
  const { data } = await service.storage.from(bucketId).download(name);
  return data ? await data.text() : undefined;
}

describe('move', () => {
  it('renames an object, keeping its id and bytes; the old name is gone', async () => {
    const files = service.storage.from(bucket);
    const uploaded = await files.upload('move/from.txt', 'moving', { metadata: { tag: 'kept' } });
    const moved = await files.move('move/from.txt', 'move/to.txt');
    expect(moved).toEqual({ data: { message: 'Successfully moved', Id: uploaded.data?.id, Key: 'move/to.txt' }, error: null });
    expect(await text(bucket, 'move/to.txt')).toBe('moving');
    expect((await files.exists('move/from.txt')).data).toBe(false);
    expect((await files.info('move/to.txt')).data).toMatchObject({ id: uploaded.data?.id, metadata: { tag: 'kept' } });
  });

  it('moves to another bucket, and refuses a missing source (404) or a taken name (409)', async () => {
    const files = service.storage.from(bucket);
    await files.upload('move/across.txt', 'across');
    expect((await files.move('move/across.txt', 'arrived.txt', { destinationBucket: other })).error).toBeNull();
    expect(await text(other, 'arrived.txt')).toBe('across');
    expect((await files.move('move/none.txt', 'x.txt')).error).toMatchObject({ statusCode: '404', message: 'Object not found' });
    await files.upload('move/a.txt', 'a');
    await files.upload('move/b.txt', 'b');
    expect((await files.move('move/a.txt', 'move/b.txt')).error).toMatchObject({ statusCode: '409', message: 'The resource already exists' });
    expect(await text(bucket, 'move/b.txt')).toBe('b');
  });
});

describe('copy', () => {
  it('copies bytes and metadata to a new object with its own id; the source stays', async () => {
    const files = service.storage.from(bucket);
    const source = await files.upload('copy/src.txt', 'original', { cacheControl: '30', metadata: { tag: 'src' } });
    const copied = await files.copy('copy/src.txt', 'copy/dst.txt');
    expect(copied).toEqual({ data: { path: `${bucket}/copy/dst.txt` }, error: null });
    expect(await text(bucket, 'copy/dst.txt')).toBe('original');
    expect(await text(bucket, 'copy/src.txt')).toBe('original');
    const info = (await files.info('copy/dst.txt')).data;
    expect(info).toMatchObject({ cacheControl: 'max-age=30', metadata: { tag: 'src' }, size: 8 });
    expect(info?.id).not.toBe(source.data?.id);
    // Replacing the copy leaves the source alone: the bytes are the copy's own.
    await files.upload('copy/dst.txt', 'changed', { upsert: true });
    expect(await text(bucket, 'copy/src.txt')).toBe('original');
  });

  it('copies across buckets, refuses a taken name without upsert (409) and a missing source (404)', async () => {
    const files = service.storage.from(bucket);
    await files.upload('copy/across.txt', 'across');
    expect((await files.copy('copy/across.txt', 'copied.txt', { destinationBucket: other })).error).toBeNull();
    expect(await text(other, 'copied.txt')).toBe('across');
    await files.upload('copy/taken.txt', 'taken');
    expect((await files.copy('copy/across.txt', 'copy/taken.txt')).error).toMatchObject({ statusCode: '409' });
    expect(await text(bucket, 'copy/taken.txt')).toBe('taken');
    expect((await files.copy('copy/none.txt', 'copy/x.txt')).error).toMatchObject({ statusCode: '404' });
  });
});

describe('remove', () => {
  it('removes many objects at once and answers the removed ones; unknown names are skipped', async () => {
    const files = service.storage.from(bucket);
    for (const name of ['rm/1.txt', 'rm/2.txt', 'rm/3.txt']) await files.upload(name, name);
    const { data, error } = await files.remove(['rm/1.txt', 'rm/3.txt', 'rm/none.txt']);
    expect(error).toBeNull();
    expect(data?.map((o) => o.name).sort()).toEqual(['rm/1.txt', 'rm/3.txt']);
    expect(data?.[0]).toMatchObject({ bucket_id: bucket, id: expect.any(String) });
    expect((await files.list('rm')).data?.map((o) => o.name)).toEqual(['2.txt']);
    expect((await files.download('rm/1.txt')).error).toMatchObject({ statusCode: '404' });
  });

  it('refuses deleting a storage row in plain SQL, as Supabase does: its bytes would be orphaned', async () => {
    await service.storage.from(bucket).upload('rm/kept.txt', 'kept');
    await expect(sql`delete from storage.objects where bucket_id = ${bucket} and name = 'rm/kept.txt'`).rejects.toThrow(/Direct deletion from storage tables is not allowed/);
    expect(await text(bucket, 'rm/kept.txt')).toBe('kept');
  });
});
