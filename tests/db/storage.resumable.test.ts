import { randomBytes } from 'node:crypto';
import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../supabase/local/config.ts';
import { db, serviceClient, stack } from '../support/clients.ts';
import { accessToken, createUser, type TestUser } from '../support/users.ts';
import { createBucket, ownFolderPolicies, removeBuckets } from './storage.helpers.ts';

/**
 * Resumable uploads over tus 1.0.0 at /storage/v1/upload/resumable, spoken by hand as
 * tus-js-client speaks it (the Supabase docs' client), in the 6 MB chunks the docs ask for.
 */
const sql = db();
const service = serviceClient();
const ip = '198.51.100.76';
const endpoint = `${stack.apiUrl}/storage/v1/upload/resumable`;
const chunk = 6 * 1024 * 1024;
let person: TestUser;
let token: string;
let bucket: string;
let small: string;
let removePolicies: () => Promise<void>;

beforeAll(async () => {
  person = await createUser(sql, 'storage-tus');
  token = await accessToken(person, ip);
  bucket = await createBucket('resumable');
  small = await createBucket('resumable-small', { fileSizeLimit: 1000, allowedMimeTypes: ['video/*'] });
  removePolicies = await ownFolderPolicies(sql, bucket);
});

afterAll(async () => {
  await removePolicies();
  await removeBuckets(bucket, small);
  await sql`delete from auth.users where id = ${person.id}`;
  await sql.end();
});

function uploadMetadata(values: Record<string, string>): string {
  return Object.entries(values)
    .map(([key, value]) => `${key} ${Buffer.from(value).toString('base64')}`)
    .join(',');
}

function tusHeaders(extra: Record<string, string> = {}): Record<string, string> {
  return { apikey: stack.anonKey, authorization: `Bearer ${token}`, 'tus-resumable': '1.0.0', ...extra };
}

async function create(bucketName: string, objectName: string, length: number, extra: Record<string, string> = {}): Promise<Response> {
  return fetch(endpoint, {
    method: 'POST',
    headers: tusHeaders({ 'upload-length': String(length), 'upload-metadata': uploadMetadata({ bucketName, objectName, contentType: 'application/octet-stream', cacheControl: '3600' }), ...extra }),
  });
}

function patch(location: string, offset: number, body: Buffer): Promise<Response> {
  return fetch(location, { method: 'PATCH', headers: tusHeaders({ 'upload-offset': String(offset), 'content-type': 'application/offset+octet-stream' }), body: new Uint8Array(body) });
}

async function head(location: string): Promise<Response> {
  return fetch(location, { method: 'HEAD', headers: tusHeaders() });
}

/** A PATCH whose connection drops after `sent` of its bytes, as a network failure drops it. */
function interruptedPatch(location: string, offset: number, body: Buffer, sent: number): Promise<void> {
  return new Promise((resolve) => {
    const req = request(location, {
      method: 'PATCH',
      headers: tusHeaders({ 'upload-offset': String(offset), 'content-type': 'application/offset+octet-stream', 'content-length': String(body.length) }),
    });
    req.on('error', () => resolve());
    req.write(body.subarray(0, sent), () => {
      setTimeout(() => {
        req.destroy();
        resolve();
      }, 300);
    });
  });
}

async function storedRows(name: string): Promise<number> {
  const [row] = await sql<{ n: number }[]>`select count(*)::int as n from storage.objects where bucket_id = ${bucket} and name = ${name}`;
  return row?.n ?? 0;
}

describe('tus protocol', () => {
  it('announces itself on OPTIONS, without an API key', async () => {
    const res = await fetch(endpoint, { method: 'OPTIONS' });
    expect(res.status).toBe(204);
    expect(res.headers.get('tus-version')).toBe('1.0.0');
    expect(res.headers.get('tus-resumable')).toBe('1.0.0');
    expect(res.headers.get('tus-extension')?.split(',')).toEqual(expect.arrayContaining(['creation', 'creation-with-upload', 'termination', 'expiration']));
    // The project's upload limit, [storage] file_size_limit in supabase/config.toml.
    expect(Number(res.headers.get('tus-max-size'))).toBe(loadConfig().storage.fileSizeLimit);
    // A browser's preflight gets what tus-js-client sends and reads allowed and exposed.
    const preflight = await fetch(endpoint, { method: 'OPTIONS', headers: { origin: 'http://localhost:5173', 'access-control-request-method': 'PATCH', 'access-control-request-headers': 'upload-offset, tus-resumable' } });
    expect(preflight.headers.get('access-control-allow-origin')).toBe('*');
    expect(preflight.headers.get('access-control-allow-methods')).toContain('PATCH');
    expect(preflight.headers.get('access-control-allow-headers')?.split(', ')).toEqual(expect.arrayContaining(['upload-offset', 'upload-length', 'upload-metadata', 'tus-resumable', 'x-upsert']));
    expect(preflight.headers.get('access-control-expose-headers')?.split(', ')).toEqual(expect.arrayContaining(['location', 'upload-offset', 'upload-length', 'tus-resumable']));
  });

  it('refuses signed resumable uploads (x-signature), which the local stack does not have', async () => {
    const res = await fetch(`${endpoint}/sign`, { method: 'POST', headers: tusHeaders({ 'upload-length': '1', 'x-signature': 'token' }) });
    expect(res.status).toBe(501);
    expect((await res.text()).trim()).toBe('Signed resumable uploads (x-signature) are not supported by the local stack');
  });

  it('requires Tus-Resumable, answers unknown uploads 404 and a wrong offset 409', async () => {
    const noVersion = await fetch(endpoint, { method: 'POST', headers: { apikey: stack.anonKey, authorization: `Bearer ${token}`, 'upload-length': '1' } });
    expect(noVersion.status).toBe(412);
    const unknown = await head(`${endpoint}/${Buffer.from(`${bucket}/x/00000000-0000-4000-8000-000000000000`).toString('base64url')}`);
    expect(unknown.status).toBe(404);
    const created = await create(bucket, `${person.id}/offsets.bin`, 10);
    const location = created.headers.get('location') ?? '';
    const wrong = await patch(location, 5, randomBytes(5));
    expect(wrong.status).toBe(409);
    expect((await wrong.text()).trim()).toBe('Upload-Offset conflict');
  });
});

describe('a resumable upload', () => {
  it('resumes an interrupted upload from the offset the server kept, and the object appears only when complete', async () => {
    const name = `${person.id}/big.bin`;
    const bytes = randomBytes(13 * 1024 * 1024 + 12345);
    const created = await create(bucket, name, bytes.length, { 'x-upsert': 'true' });
    expect(created.status).toBe(201);
    const location = created.headers.get('location') ?? '';
    expect(location.startsWith(`${endpoint}/`)).toBe(true);
    expect(created.headers.get('tus-resumable')).toBe('1.0.0');
    expect(new Date(created.headers.get('upload-expires') ?? '').getTime()).toBeGreaterThan(Date.now());

    const first = await patch(location, 0, bytes.subarray(0, chunk));
    expect(first.status).toBe(204);
    expect(first.headers.get('upload-offset')).toBe(String(chunk));

    // The second chunk's connection drops after 3 MB.
    await interruptedPatch(location, chunk, bytes.subarray(chunk, 2 * chunk), 3 * 1024 * 1024);
    const resumed = await head(location);
    expect(resumed.status).toBe(200);
    expect(resumed.headers.get('cache-control')).toBe('no-store');
    expect(resumed.headers.get('upload-length')).toBe(String(bytes.length));
    const offset = Number(resumed.headers.get('upload-offset'));
    expect(offset).toBeGreaterThan(chunk);
    expect(offset).toBeLessThanOrEqual(chunk + 3 * 1024 * 1024);
    expect(await storedRows(name)).toBe(0);
    expect((await service.storage.from(bucket).exists(name)).data).toBe(false);

    let at = offset;
    let last: Response | undefined;
    while (at < bytes.length) {
      const next = Math.min(at + chunk, bytes.length);
      last = await patch(location, at, bytes.subarray(at, next));
      expect(last.status).toBe(204);
      at = Number(last.headers.get('upload-offset'));
      expect(at).toBe(next);
      if (at < bytes.length) expect(await storedRows(name)).toBe(0);
    }
    expect(last?.headers.get('tus-complete')).toBe('1');

    const { data } = await service.storage.from(bucket).download(name);
    expect(Buffer.from(await (data as Blob).arrayBuffer()).equals(bytes)).toBe(true);
    expect((await service.storage.from(bucket).info(name)).data).toMatchObject({ size: bytes.length, contentType: 'application/octet-stream', cacheControl: 'max-age=3600' });
    const [row] = await sql<{ owner_id: string }[]>`select owner_id from storage.objects where bucket_id = ${bucket} and name = ${name}`;
    expect(row?.owner_id).toBe(person.id);
    const done = await head(location);
    expect(done.headers.get('upload-offset')).toBe(String(bytes.length));
  }, 60_000);

  it('takes the first bytes with the creation (creation-with-upload), finishing a small file at once', async () => {
    const name = `${person.id}/small.txt`;
    const res = await fetch(endpoint, {
      method: 'POST',
      headers: tusHeaders({ 'upload-length': '5', 'upload-metadata': uploadMetadata({ bucketName: bucket, objectName: name, contentType: 'text/plain' }), 'content-type': 'application/offset+octet-stream' }),
      body: 'hello',
    });
    expect(res.status).toBe(201);
    expect(res.headers.get('upload-offset')).toBe('5');
    expect(await (await service.storage.from(bucket).download(name)).data?.text()).toBe('hello');
  });

  it('refuses what the policies, the bucket limits or an existing name refuse, with their status', async () => {
    const elsewhere = await create(bucket, 'someone-else/file.bin', 10);
    expect(elsewhere.status).toBe(403);
    expect((await elsewhere.text()).trim()).toBe('new row violates row-level security policy');
    const asService = { authorization: `Bearer ${stack.serviceRoleKey}` };
    const tooBig = await create(small, 'a.mp4', 1001, asService);
    expect(tooBig.status).toBe(413);
    const wrongType = await create(small, 'a.txt', 10, asService);
    expect(wrongType.status).toBe(415);
    expect((await wrongType.text()).trim()).toBe('mime type application/octet-stream is not supported');
    const noBucket = await create('no-such-bucket-here', 'a.bin', 10);
    expect(noBucket.status).toBe(404);
    await service.storage.from(bucket).upload(`${person.id}/taken.bin`, 'taken');
    const taken = await create(bucket, `${person.id}/taken.bin`, 10);
    expect(taken.status).toBe(409);
  });

  it('is abandoned by DELETE (termination), after which it is gone', async () => {
    const created = await create(bucket, `${person.id}/abandoned.bin`, 100);
    const location = created.headers.get('location') ?? '';
    expect((await patch(location, 0, randomBytes(40))).status).toBe(204);
    const deleted = await fetch(location, { method: 'DELETE', headers: tusHeaders() });
    expect(deleted.status).toBe(204);
    expect((await head(location)).status).toBe(404);
    expect(await storedRows(`${person.id}/abandoned.bin`)).toBe(0);
  });
});
