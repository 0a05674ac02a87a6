import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { client, db, serviceClient, stack } from '../support/clients.ts';
import { createBucket, removeBuckets } from './storage.helpers.ts';

/**
 * Downloads: authenticated, public, HEAD (exists), info, byte ranges, and who may read what
 * without policies: anyone a public bucket's objects, nobody but the service role a private
 * bucket's.
 */
const sql = db();
const service = serviceClient();
const bytes = randomBytes(10_000);
let privateBucket: string;
let publicBucket: string;

beforeAll(async () => {
  privateBucket = await createBucket('private');
  publicBucket = await createBucket('public', { public: true });
  for (const bucket of [privateBucket, publicBucket]) {
    const { error } = await service.storage.from(bucket).upload('folder/file.bin', bytes, { contentType: 'application/octet-stream', cacheControl: '120' });
    if (error) throw error;
  }
});

afterAll(async () => {
  await removeBuckets(privateBucket, publicBucket);
  await sql.end();
});

function get(path: string, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${stack.apiUrl}/storage/v1${path}`, { headers: { apikey: stack.anonKey, authorization: `Bearer ${stack.serviceRoleKey}`, ...headers } });
}

describe('download', () => {
  it('returns the bytes with their headers', async () => {
    const { data, error } = await service.storage.from(privateBucket).download('folder/file.bin');
    expect(error).toBeNull();
    expect(Buffer.from(await (data as Blob).arrayBuffer()).equals(bytes)).toBe(true);
    const res = await get(`/object/${privateBucket}/folder/file.bin`);
    expect(res.status).toBe(200);
    expect(Object.fromEntries(['content-type', 'content-length', 'cache-control', 'accept-ranges'].map((h) => [h, res.headers.get(h)]))).toEqual({
      'content-type': 'application/octet-stream',
      'content-length': '10000',
      'cache-control': 'max-age=120',
      'accept-ranges': 'bytes',
    });
    expect(res.headers.get('etag')).toMatch(/^"[0-9a-f]{32}"$/);
    expect(new Date(res.headers.get('last-modified') ?? '').getTime()).toBeGreaterThan(Date.now() - 120_000);
    await res.body?.cancel();
  });

  it('serves a byte range as 206 with Content-Range, and refuses one past the end with 416', async () => {
    const res = await get(`/object/authenticated/${privateBucket}/folder/file.bin`, { range: 'bytes=100-199' });
    expect(res.status).toBe(206);
    expect(res.headers.get('content-range')).toBe('bytes 100-199/10000');
    expect(res.headers.get('content-length')).toBe('100');
    expect(Buffer.from(await res.arrayBuffer()).equals(bytes.subarray(100, 200))).toBe(true);
    const open = await get(`/object/${privateBucket}/folder/file.bin`, { range: 'bytes=9990-' });
    expect(Buffer.from(await open.arrayBuffer()).equals(bytes.subarray(9990))).toBe(true);
    const suffix = await get(`/object/${privateBucket}/folder/file.bin`, { range: 'bytes=-5' });
    expect(suffix.headers.get('content-range')).toBe('bytes 9995-9999/10000');
    await suffix.body?.cancel();
    const clamped = await get(`/object/${privateBucket}/folder/file.bin`, { range: 'bytes=9000-20000' });
    expect(clamped.headers.get('content-range')).toBe('bytes 9000-9999/10000');
    await clamped.body?.cancel();
    const past = await get(`/object/${privateBucket}/folder/file.bin`, { range: 'bytes=10000-10010' });
    expect(past.status).toBe(416);
    expect(await past.json()).toEqual({ statusCode: '416', code: 'InvalidRange', error: 'invalid_range', message: 'invalid range provided' });
  });

  it('answers a matching If-None-Match with 304', async () => {
    const first = await get(`/object/${privateBucket}/folder/file.bin`);
    await first.body?.cancel();
    const again = await get(`/object/${privateBucket}/folder/file.bin`, { 'if-none-match': first.headers.get('etag') ?? '' });
    expect(again.status).toBe(304);
  });

  it('names an attachment when asked to (download option)', async () => {
    const { data } = service.storage.from(publicBucket).getPublicUrl('folder/file.bin', { download: 'report 1.bin' });
    const res = await fetch(data.publicUrl);
    expect(res.headers.get('content-disposition')).toBe("attachment; filename=report%201.bin; filename*=UTF-8''report%201.bin");
    await res.body?.cancel();
  });

  it('serves HTML as text/plain, so no bucket hosts pages on the API origin', async () => {
    await service.storage.from(privateBucket).upload('page.html', '<script>alert(1)</script>', { contentType: 'text/html' });
    const res = await get(`/object/${privateBucket}/page.html`);
    expect(res.headers.get('content-type')).toBe('text/plain');
    await res.body?.cancel();
  });

  it('answers exists() with HEAD and info() with the object', async () => {
    const files = service.storage.from(privateBucket);
    expect(await files.exists('folder/file.bin')).toEqual({ data: true, error: null });
    const missing = await files.exists('folder/none.bin');
    expect(missing.data).toBe(false);
    expect(missing.error).toMatchObject({ status: 400 });
    const head = await fetch(`${stack.apiUrl}/storage/v1/object/${privateBucket}/folder/file.bin`, { method: 'HEAD', headers: { apikey: stack.anonKey, authorization: `Bearer ${stack.serviceRoleKey}` } });
    expect(head.status).toBe(200);
    expect(head.headers.get('content-length')).toBe('10000');
    const { data } = await files.info('folder/file.bin');
    expect(data).toMatchObject({ name: 'folder/file.bin', bucketId: privateBucket, size: 10_000, contentType: 'application/octet-stream', cacheControl: 'max-age=120', version: expect.any(String) });
  });

  it('answers a missing object and a missing bucket as storage-api does: 400 with statusCode 404', async () => {
    const missingObject = await service.storage.from(privateBucket).download('nothing.bin');
    expect(missingObject.error).toMatchObject({ status: 400, statusCode: '404', message: 'Object not found' });
    const missingBucket = await service.storage.from('no-such-bucket-anywhere').download('x');
    expect(missingBucket.error).toMatchObject({ status: 400, statusCode: '404', message: 'Bucket not found' });
  });
});

describe('public and private buckets', () => {
  it('serves a public bucket by its public URL to anyone, without an API key', async () => {
    const { data } = client().storage.from(publicBucket).getPublicUrl('folder/file.bin');
    expect(data.publicUrl).toBe(`${stack.apiUrl}/storage/v1/object/public/${publicBucket}/folder/file.bin`);
    const res = await fetch(data.publicUrl);
    expect(res.status).toBe(200);
    expect(Buffer.from(await res.arrayBuffer()).equals(bytes)).toBe(true);
    const anon = await client().storage.from(publicBucket).download('folder/file.bin');
    expect(anon.error).toBeNull();
  });

  it('does not serve a private bucket by public URL, nor to the anon key', async () => {
    const publicUrl = client().storage.from(privateBucket).getPublicUrl('folder/file.bin').data.publicUrl;
    const res = await fetch(publicUrl);
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ statusCode: '404', message: 'Bucket not found' });
    const anon = await client().storage.from(privateBucket).download('folder/file.bin');
    expect(anon.error).toMatchObject({ statusCode: '404', message: 'Object not found' });
    expect((await client().storage.from(privateBucket).exists('folder/file.bin')).data).toBe(false);
    expect((await client().storage.from(privateBucket).info('folder/file.bin')).error).toMatchObject({ statusCode: '404' });
  });

  it('asks for an API key on everything but public objects and signed URLs', async () => {
    const res = await fetch(`${stack.apiUrl}/storage/v1/object/${publicBucket}/folder/file.bin`);
    expect(res.status).toBe(401);
    expect(await res.json()).toMatchObject({ message: 'No API key found in request' });
    // Fetching a signed URL takes no key; making one does.
    const sign = await fetch(`${stack.apiUrl}/storage/v1/object/sign/${publicBucket}/folder/file.bin`, {
      method: 'POST',
      headers: { authorization: `Bearer ${stack.serviceRoleKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ expiresIn: 60 }),
    });
    expect(sign.status).toBe(401);
    await sign.body?.cancel();
  });

  it('refuses image transformations with a clear error', async () => {
    const { data } = client().storage.from(publicBucket).getPublicUrl('folder/file.bin', { transform: { width: 100 } });
    const res = await fetch(data.publicUrl);
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ code: 'FeatureNotEnabled', message: expect.stringMatching(/image transformations are not supported by the local stack/) });
    const transformed = await service.storage.from(privateBucket).download('folder/file.bin', { transform: { width: 10 } });
    expect(transformed.error).toMatchObject({ statusCode: '409' });
    const signed = await service.storage.from(privateBucket).createSignedUrl('folder/file.bin', 60, { transform: { width: 10 } });
    expect(signed.error).toMatchObject({ statusCode: '409', message: expect.stringMatching(/not supported by the local stack/) });
  });

  it('refuses the S3 protocol and listV2 with a clear error', async () => {
    const s3 = await get(`/s3/${privateBucket}/folder/file.bin`);
    expect(s3.status).toBe(400);
    expect(await s3.json()).toMatchObject({ code: 'NotSupported', message: expect.stringMatching(/S3 protocol is not supported by the local stack/) });
    const listV2 = await service.storage.from(privateBucket).listV2();
    expect(listV2.error).toMatchObject({ statusCode: '409', message: expect.stringMatching(/listV2 is not supported by the local stack/) });
  });
});
