import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signJwt } from '../../supabase/local/jwt.ts';
import { client, db, serviceClient, stack } from '../support/clients.ts';
import { createUser, signIn, type TestUser } from '../support/users.ts';
import { createBucket, ownFolderPolicies, removeBuckets } from './storage.helpers.ts';

/**
 * Signed URLs: a token (a JWT signed with the project's secret, naming the object) that lets
 * whoever holds the URL download, or upload, without an API key or a session of their own.
 */
const sql = db();
const service = serviceClient();
const ip = '198.51.100.73';
let bucket: string;
let person: TestUser;
let removePolicies: () => Promise<void>;

beforeAll(async () => {
  bucket = await createBucket('signed');
  person = await createUser(sql, 'storage-signed');
  removePolicies = await ownFolderPolicies(sql, bucket);
  await service.storage.from(bucket).upload('reports/q1.txt', 'first quarter');
  await service.storage.from(bucket).upload('reports/q2.txt', 'second quarter');
});

afterAll(async () => {
  await removePolicies();
  await removeBuckets(bucket);
  await sql`delete from auth.users where id = ${person.id}`;
  await sql.end();
});

function tokenOf(signedUrl: string): string {
  return new URL(signedUrl).searchParams.get('token') ?? '';
}

function claimsOf(token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as Record<string, unknown>;
}

describe('signed download URLs', () => {
  it('lets anyone holding the URL download, without an API key, until it expires', async () => {
    const { data, error } = await service.storage.from(bucket).createSignedUrl('reports/q1.txt', 60);
    expect(error).toBeNull();
    const url = data?.signedUrl ?? '';
    expect(url.startsWith(`${stack.apiUrl}/storage/v1/object/sign/${bucket}/reports/q1.txt?token=`)).toBe(true);
    const claims = claimsOf(tokenOf(url));
    expect(claims).toMatchObject({ url: `${bucket}/reports/q1.txt`, scope: 'download' });
    expect(Number(claims.exp) - Number(claims.iat)).toBe(60);
    const res = await fetch(url);
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('first quarter');
    expect(new Date(res.headers.get('expires') ?? '').getTime()).toBe(Number(claims.exp) * 1000);
  });

  it('signs many at once, with an error for each name that does not exist', async () => {
    const { data, error } = await service.storage.from(bucket).createSignedUrls(['reports/q1.txt', 'reports/none.txt', 'reports/q2.txt'], 60);
    expect(error).toBeNull();
    expect(data?.map((d) => [d.path, d.error])).toEqual([
      ['reports/q1.txt', null],
      ['reports/none.txt', 'Either the object does not exist or you do not have access to it'],
      ['reports/q2.txt', null],
    ]);
    expect(await (await fetch(data?.[2]?.signedUrl ?? '')).text()).toBe('second quarter');
  });

  it('refuses an expired token', async () => {
    const now = Math.floor(Date.now() / 1000);
    const expired = signJwt({ url: `${bucket}/reports/q1.txt`, scope: 'download', iat: now - 120, exp: now - 60 }, stack.jwtSecret);
    const res = await fetch(`${stack.apiUrl}/storage/v1/object/sign/${bucket}/reports/q1.txt?token=${expired}`);
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ statusCode: '400', code: 'InvalidJWT', message: 'JWT expired' });
  });

  it('refuses a tampered token, a token for another object, and an upload token', async () => {
    const { data } = await service.storage.from(bucket).createSignedUrl('reports/q1.txt', 60);
    const token = tokenOf(data?.signedUrl ?? '');
    const [header, , signature] = token.split('.');
    const forgedClaims = Buffer.from(JSON.stringify({ ...claimsOf(token), url: `${bucket}/reports/q2.txt` })).toString('base64url');
    const tampered = await fetch(`${stack.apiUrl}/storage/v1/object/sign/${bucket}/reports/q2.txt?token=${header}.${forgedClaims}.${signature}`);
    expect(tampered.status).toBe(400);
    expect(await tampered.json()).toMatchObject({ code: 'InvalidJWT' });
    const elsewhere = await fetch(`${stack.apiUrl}/storage/v1/object/sign/${bucket}/reports/q2.txt?token=${token}`);
    expect(await elsewhere.json()).toMatchObject({ statusCode: '400', code: 'InvalidSignature', message: 'Invalid signature' });
    const upload = await service.storage.from(bucket).createSignedUploadUrl('reports/q1.txt', { upsert: true });
    const wrongScope = await fetch(`${stack.apiUrl}/storage/v1/object/sign/${bucket}/reports/q1.txt?token=${upload.data?.token}`);
    expect(await wrongScope.json()).toMatchObject({ code: 'InvalidSignature', message: 'Token is not scoped for download' });
  });

  it('signs only what the caller may read: another user’s file is refused', async () => {
    await service.storage.from(bucket).upload(`${person.id}/mine.txt`, 'mine');
    await service.storage.from(bucket).upload('someone-else/theirs.txt', 'theirs');
    const api = await signIn(person, ip);
    expect((await api.storage.from(bucket).createSignedUrl(`${person.id}/mine.txt`, 60)).error).toBeNull();
    const refused = await api.storage.from(bucket).createSignedUrl('someone-else/theirs.txt', 60);
    expect(refused.error).toMatchObject({ statusCode: '404', message: 'Object not found' });
    const many = await api.storage.from(bucket).createSignedUrls([`${person.id}/mine.txt`, 'someone-else/theirs.txt'], 60);
    expect(many.data?.map((d) => d.error === null)).toEqual([true, false]);
    expect((await client().storage.from(bucket).createSignedUrl('reports/q1.txt', 60)).error).toMatchObject({ statusCode: '404' });
  });
});

describe('signed upload URLs', () => {
  it('lets the holder upload once the caller’s insert policy allowed it, owned by the signer', async () => {
    const api = await signIn(person, ip);
    const path = `${person.id}/via-signed.txt`;
    const signed = await api.storage.from(bucket).createSignedUploadUrl(path);
    expect(signed.error).toBeNull();
    expect(claimsOf(signed.data?.token ?? '')).toMatchObject({ owner: person.id, url: `${bucket}/${path}`, upsert: false, scope: 'upload' });
    const uploaded = await client().storage.from(bucket).uploadToSignedUrl(path, signed.data?.token ?? '', 'sent by someone holding the URL');
    expect(uploaded).toEqual({ data: { path, fullPath: `${bucket}/${path}` }, error: null });
    const [row] = await sql<{ owner_id: string }[]>`select owner_id from storage.objects where bucket_id = ${bucket} and name = ${path}`;
    expect(row?.owner_id).toBe(person.id);
    expect(await (await api.storage.from(bucket).download(path)).data?.text()).toBe('sent by someone holding the URL');
    // Without upsert in the token, the name cannot be written twice.
    const again = await client().storage.from(bucket).uploadToSignedUrl(path, signed.data?.token ?? '', 'again');
    expect(again.error).toMatchObject({ statusCode: '409' });
  });

  it('refuses to sign an upload the caller’s policies refuse, and a token for another name', async () => {
    const api = await signIn(person, ip);
    const refused = await api.storage.from(bucket).createSignedUploadUrl('someone-else/forged.txt');
    expect(refused.error).toMatchObject({ statusCode: '403', message: 'new row violates row-level security policy' });
    const signed = await api.storage.from(bucket).createSignedUploadUrl(`${person.id}/one.txt`);
    const misused = await client().storage.from(bucket).uploadToSignedUrl(`${person.id}/other.txt`, signed.data?.token ?? '', 'x');
    expect(misused.error).toMatchObject({ statusCode: '400', message: 'Invalid signature' });
  });
});
