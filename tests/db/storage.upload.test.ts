import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { db, serviceClient, stack } from '../support/clients.ts';
import { createUser, signIn, type TestUser } from '../support/users.ts';
import { createBucket, ownFolderPolicies, removeBuckets } from './storage.helpers.ts';

/**
 * Uploads through supabase-js: a Blob goes as multipart/form-data, a Buffer or string as the
 * raw body. x-upsert, the bucket's size limit and media types, and what is stored.
 */
const sql = db();
const service = serviceClient();
const ip = '198.51.100.72';
let person: TestUser;
let bucket: string;
let limited: string;
let images: string;
let removePolicies: () => Promise<void>;

beforeAll(async () => {
  person = await createUser(sql, 'storage-upload');
  bucket = await createBucket('uploads');
  limited = await createBucket('limited', { fileSizeLimit: 1024 });
  images = await createBucket('images', { allowedMimeTypes: ['image/*', 'application/pdf'] });
  removePolicies = await ownFolderPolicies(sql, bucket);
});

afterAll(async () => {
  await removePolicies();
  await removeBuckets(bucket, limited, images);
  await sql`delete from auth.users where id = ${person.id}`;
  await sql.end();
});

async function text(blob: Blob | null): Promise<string | undefined> {
  return blob ? Buffer.from(await blob.arrayBuffer()).toString('utf8') : undefined;
}

describe('upload', () => {
  it('stores a Blob (multipart) and a Buffer (raw body) with their type, cache control, size and ETag', async () => {
    const files = service.storage.from(bucket);
    const blob = await files.upload('docs/note.txt', new Blob(['hello from a blob'], { type: 'text/plain' }), { cacheControl: '60', metadata: { kind: 'note' } });
    expect(blob.error).toBeNull();
    expect(blob.data).toEqual({ id: expect.any(String), path: 'docs/note.txt', fullPath: `${bucket}/docs/note.txt` });
    const raw = await files.upload('docs/data.bin', randomBytes(300), { contentType: 'application/octet-stream' });
    expect(raw.error).toBeNull();
    const info = await files.info('docs/note.txt');
    expect(info.data).toMatchObject({ id: blob.data?.id, name: 'docs/note.txt', bucketId: bucket, size: 17, contentType: 'text/plain', cacheControl: 'max-age=60', metadata: { kind: 'note' } });
    expect(info.data?.etag).toMatch(/^"[0-9a-f]{32}"$/);
    const [row] = await sql<{ metadata: Record<string, unknown> }[]>`select metadata from storage.objects where bucket_id = ${bucket} and name = 'docs/data.bin'`;
    expect(row?.metadata).toMatchObject({ size: 300, contentLength: 300, mimetype: 'application/octet-stream', cacheControl: 'max-age=3600', httpStatusCode: 200 });
    expect(await text((await files.download('docs/note.txt')).data)).toBe('hello from a blob');
  });

  it('refuses an existing name without upsert (409) and replaces it with upsert or update', async () => {
    const files = service.storage.from(bucket);
    expect((await files.upload('same.txt', 'first')).error).toBeNull();
    const again = await files.upload('same.txt', 'second');
    expect(again.error).toMatchObject({ statusCode: '409', message: 'The resource already exists' });
    expect(await text((await files.download('same.txt')).data)).toBe('first');
    const [before] = await sql<{ id: string; created_at: Date }[]>`select id, created_at from storage.objects where bucket_id = ${bucket} and name = 'same.txt'`;
    expect((await files.upload('same.txt', 'second', { upsert: true })).error).toBeNull();
    expect(await text((await files.download('same.txt')).data)).toBe('second');
    expect((await files.update('same.txt', 'third')).error).toBeNull();
    expect(await text((await files.download('same.txt')).data)).toBe('third');
    const [after] = await sql<{ id: string; created_at: Date; updated_at: Date }[]>`select id, created_at, updated_at from storage.objects where bucket_id = ${bucket} and name = 'same.txt'`;
    expect(after?.id).toBe(before?.id);
    expect(after?.created_at).toEqual(before?.created_at);
    expect(after?.updated_at.getTime()).toBeGreaterThan(before?.created_at.getTime() ?? 0);
  });

  it('update() of a name that does not exist creates it, as storage-api does', async () => {
    const files = service.storage.from(bucket);
    expect((await files.update('new-by-update.txt', 'made')).error).toBeNull();
    expect(await text((await files.download('new-by-update.txt')).data)).toBe('made');
  });

  it('removes the bytes an upsert replaced: only the current version has a file', async () => {
    const files = service.storage.from(bucket);
    const versions: string[] = [];
    for (let i = 0; i < 3; i++) {
      expect((await files.upload('replaced.txt', `v${i}`, { upsert: true })).error).toBeNull();
      const [row] = await sql<{ version: string }[]>`select version from storage.objects where bucket_id = ${bucket} and name = 'replaced.txt'`;
      versions.push(row?.version ?? '');
    }
    const onDisk = (version: string) => readdirSync(join(stack.dataDir, 'storage', 'objects', version.slice(0, 2))).includes(version);
    expect(new Set(versions).size).toBe(3);
    expect(versions.map(onDisk)).toEqual([false, false, true]);
  });

  it('enforces the bucket size limit (413) on raw bodies and on multipart Blobs', async () => {
    const files = service.storage.from(limited);
    expect((await files.upload('fits.bin', randomBytes(1024))).error).toBeNull();
    const raw = await files.upload('big.bin', randomBytes(1025));
    expect(raw.error).toMatchObject({ statusCode: '413', message: 'The object exceeded the maximum allowed size' });
    const multipart = await files.upload('big-blob.bin', new Blob([randomBytes(4096)]));
    expect(multipart.error).toMatchObject({ statusCode: '413' });
    expect((await files.exists('big.bin')).data).toBe(false);
    expect((await files.exists('big-blob.bin')).data).toBe(false);
  });

  it('enforces the allowed media types (415), with type/* wildcards', async () => {
    const files = service.storage.from(images);
    expect((await files.upload('a.png', randomBytes(10), { contentType: 'image/png' })).error).toBeNull();
    expect((await files.upload('b.webp', new Blob([randomBytes(10)], { type: 'image/webp' }))).error).toBeNull();
    expect((await files.upload('c.pdf', randomBytes(10), { contentType: 'application/pdf' })).error).toBeNull();
    const refused = await files.upload('d.txt', 'text', { contentType: 'text/plain' });
    expect(refused.error).toMatchObject({ statusCode: '415', message: 'mime type text/plain is not supported' });
    const blob = await files.upload('e.html', new Blob(['<p>'], { type: 'text/html' }));
    expect(blob.error).toMatchObject({ statusCode: '415' });
    expect((await files.list()).data?.map((f) => f.name)).toEqual(['a.png', 'b.webp', 'c.pdf']);
  });

  it('refuses a malformed multipart body with 400, and the answer reaches the client', async () => {
    const res = await fetch(`${stack.apiUrl}/storage/v1/object/${bucket}/broken.txt`, {
      method: 'POST',
      headers: { apikey: stack.anonKey, authorization: `Bearer ${stack.serviceRoleKey}`, 'content-type': 'multipart/form-data; boundary=xyz' },
      body: '--xyz\r\nContent-Disposition: form-data; name=""; filename="blob"\r\n\r\nno closing boundary',
    });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ statusCode: '400', message: 'Malformed multipart body: it ends before its closing boundary' });
    expect((await service.storage.from(bucket).exists('broken.txt')).data).toBe(false);
  });

  it('drops an upload whose client goes away half-way: no object, no leftover bytes, the service carries on', async () => {
    const tmp = join(stack.dataDir, 'storage', 'tmp');
    const abandon = (name: string, contentType: string, prefix: Buffer) =>
      new Promise<void>((resolve) => {
        const req = request(`${stack.apiUrl}/storage/v1/object/${bucket}/${name}`, {
          method: 'POST',
          headers: { apikey: stack.anonKey, authorization: `Bearer ${stack.serviceRoleKey}`, 'content-type': contentType, 'content-length': String(1024 * 1024) },
        });
        req.on('error', () => resolve());
        req.write(Buffer.concat([prefix, randomBytes(100_000)]), () => setTimeout(() => (req.destroy(), resolve()), 200));
      });
    // Only the temporary files that appeared while these two uploads ran: the stack is shared,
    // and another file's upload (a big one, on a busy machine) may be under way in the same folder.
    const tmpFiles = () => (existsSync(tmp) ? readdirSync(tmp) : []);
    const before = new Set(tmpFiles());
    await abandon('gone-raw.bin', 'application/octet-stream', Buffer.alloc(0));
    await abandon('gone-form.bin', 'multipart/form-data; boundary=xyz', Buffer.from('--xyz\r\nContent-Disposition: form-data; name=""; filename="blob"\r\n\r\n'));
    const leftover = tmpFiles().filter((file) => !before.has(file));
    await expect.poll(() => tmpFiles().filter((file) => leftover.includes(file)), { timeout: 20_000 }).toEqual([]);
    expect(await sql`select name from storage.objects where bucket_id = ${bucket} and name like 'gone-%'`).toEqual([]);
    expect((await service.storage.from(bucket).upload('after-abandon.txt', 'still serving')).error).toBeNull();
  });

  it('refuses object names storage-api refuses', async () => {
    const refused = await service.storage.from(bucket).upload('bad\u0001name.txt', 'x');
    expect(refused.error).toMatchObject({ statusCode: '400', message: 'Invalid key: bad\u0001name.txt' });
  });

  it('records the uploader as owner, and asks the insert policy (403 outside the own folder)', async () => {
    const api = await signIn(person, ip);
    const mine = await api.storage.from(bucket).upload(`${person.id}/avatar.txt`, 'me');
    expect(mine.error).toBeNull();
    const [row] = await sql<{ owner: string; owner_id: string }[]>`select owner, owner_id from storage.objects where bucket_id = ${bucket} and name = ${`${person.id}/avatar.txt`}`;
    expect(row).toEqual({ owner: person.id, owner_id: person.id });
    const elsewhere = await api.storage.from(bucket).upload('shared/avatar.txt', 'me');
    expect(elsewhere.error).toMatchObject({ statusCode: '403', message: 'new row violates row-level security policy' });
    const anonymous = await serviceClient().storage.from(bucket).exists('shared/avatar.txt');
    expect(anonymous.data).toBe(false);
    // A replacement by the service role (no sub) keeps the owner, as storage-api's upsert does.
    expect((await service.storage.from(bucket).upload(`${person.id}/avatar.txt`, 'replaced', { upsert: true })).error).toBeNull();
    const [replaced] = await sql<{ owner_id: string }[]>`select owner_id from storage.objects where bucket_id = ${bucket} and name = ${`${person.id}/avatar.txt`}`;
    expect(replaced?.owner_id).toBe(person.id);
  });
});
