import type { SupabaseClient } from '@supabase/supabase-js';
import { FunctionsHttpError } from '@supabase/supabase-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { db } from '../support/clients.ts';
import { createUser, signIn, type TestUser } from '../support/users.ts';

/**
 * Imports as the app makes them (docs/imports.md): the load row with the uploader's token, the
 * file into the private bucket `imports` at <workspace>/<load>/original.csv, then the etl
 * function told {load_id}. Storage's policies and the function decide who may do what.
 */
const sql = db();
const ip = '198.51.100.38';
let buyerUser: TestUser;
let otherBuyerUser: TestUser;
let viewerUser: TestUser;
let outsiderUser: TestUser;
let buyer: SupabaseClient;
let otherBuyer: SupabaseClient;
let viewer: SupabaseClient;
let outsider: SupabaseClient;
let ws = '';

const clicks = 'date,campaign_id,offer_id,geo,sub1,clicks\n2026-03-01,c1,o1,RU,n1,120\n2026-03-02,c1,o1,RU,n1,80\n';

beforeAll(async () => {
  buyerUser = await createUser(sql, 'imp-buyer');
  otherBuyerUser = await createUser(sql, 'imp-buyer2');
  viewerUser = await createUser(sql, 'imp-viewer');
  outsiderUser = await createUser(sql, 'imp-outsider');
  buyer = await signIn(buyerUser, ip);
  otherBuyer = await signIn(otherBuyerUser, ip);
  viewer = await signIn(viewerUser, ip);
  outsider = await signIn(outsiderUser, ip);
  const [row] = await sql<{ id: string }[]>`insert into public.workspaces (name) values ('Imports through Storage') returning id`;
  ws = row?.id ?? '';
  await sql`insert into public.workspace_members values (${ws}, ${buyerUser.id}, 'media_buyer'), (${ws}, ${otherBuyerUser.id}, 'media_buyer'), (${ws}, ${viewerUser.id}, 'read_only')`;
});

afterAll(async () => {
  await sql`delete from public.workspaces where id = ${ws}`;
  await sql.end();
});

async function newLoad(client: SupabaseClient, source = 'tw_clicks'): Promise<string> {
  const { data, error } = await client.from('etl_loads').insert({ workspace_id: ws, source, file_name: 'clicks.csv' }).select('id').single();
  if (error || !data) throw new Error(`load row: ${error?.message}`);
  return data.id as string;
}

const objectOf = (loadId: string) => `${ws}/${loadId}/original.csv`;

async function start(client: SupabaseClient, body: Record<string, unknown>): Promise<{ status: number; answer: { load?: { status: string; rows_accepted: string; source: string }; code?: string; message?: string } }> {
  const { data, error, response } = await client.functions.invoke('etl', { body });
  if (error instanceof FunctionsHttpError) {
    const res = error.context as Response;
    return { status: res.status, answer: await res.json() };
  }
  if (error) throw error;
  return { status: response?.status ?? 200, answer: data };
}

describe('a file uploaded to Storage, then started', () => {
  it('loads for its uploader, with the source they gave the load row', async () => {
    const loadId = await newLoad(buyer);
    // The header names no column the way any export does: only the load row says these are clicks.
    const custom = 'day,camp,off,land,s1,hits\n2026-03-01,c1,o1,RU,n1,120\n2026-03-02,c1,o1,RU,n1,80\n';
    expect((await buyer.storage.from('imports').upload(objectOf(loadId), new Blob([custom]), { contentType: 'text/csv' })).error).toBeNull();
    const mapping = { columns: { date: 'day', campaign_id: 'camp', offer_id: 'off', geo: 'land', sub1: 's1', clicks: 'hits' } };
    const { status, answer } = await start(buyer, { load_id: loadId, mapping });
    expect(status).toBe(200);
    expect(answer.load).toMatchObject({ status: 'done', source: 'tw_clicks', rows_accepted: '2' });
    const [facts] = await sql`select sum(clicks)::int as clicks from public.tw_clicks where load_id = ${loadId} and is_active`;
    expect(facts?.clicks).toBe(200);
    // Started once: a second start is refused, and nothing is loaded twice.
    expect(await start(buyer, { load_id: loadId })).toMatchObject({ status: 409, answer: { code: 'load_started' } });
  });

  it('lets every member download the original, and nobody outside the workspace', async () => {
    const loadId = await newLoad(buyer);
    expect((await buyer.storage.from('imports').upload(objectOf(loadId), new Blob([clicks]), { contentType: 'text/csv' })).error).toBeNull();
    for (const member of [buyer, otherBuyer, viewer]) {
      const { data, error } = await member.storage.from('imports').download(objectOf(loadId));
      expect(error).toBeNull();
      expect(await data?.text()).toBe(clicks);
    }
    const { data, error } = await outsider.storage.from('imports').download(objectOf(loadId));
    expect(data).toBeNull();
    expect(error).not.toBeNull();
    expect((await outsider.storage.from('imports').list(`${ws}/${loadId}`)).data).toEqual([]);
  });

  it('refuses a file to anyone but the uploader of a pending load: another buyer, a read-only member, an outsider, another path', async () => {
    const loadId = await newLoad(buyer);
    for (const client of [otherBuyer, viewer, outsider]) {
      expect((await client.storage.from('imports').upload(objectOf(loadId), new Blob([clicks]))).error).not.toBeNull();
    }
    // Not the original's name, or not under the load's own workspace.
    expect((await buyer.storage.from('imports').upload(`${ws}/${loadId}/other.csv`, new Blob([clicks]))).error).not.toBeNull();
    const [elsewhere] = await sql<{ id: string }[]>`insert into public.workspaces (name) values ('Imports elsewhere') returning id`;
    try {
      expect((await buyer.storage.from('imports').upload(`${elsewhere?.id}/${loadId}/original.csv`, new Blob([clicks]))).error).not.toBeNull();
    } finally {
      await sql`delete from public.workspaces where id = ${elsewhere?.id ?? ''}`;
    }
    // The uploader may, once; the original is never overwritten through the API.
    expect((await buyer.storage.from('imports').upload(objectOf(loadId), new Blob([clicks]))).error).toBeNull();
    expect((await buyer.storage.from('imports').upload(objectOf(loadId), new Blob(['x']), { upsert: true })).error).not.toBeNull();
    expect((await buyer.storage.from('imports').remove([objectOf(loadId)])).data).toEqual([]);
    const [stored] = await sql`select count(*)::int as n from storage.objects where bucket_id = 'imports' and name = ${objectOf(loadId)}`;
    expect(stored?.n).toBe(1);
  });

  it('refuses to start a load without its file, someone else\'s load, or a step from a person', async () => {
    const loadId = await newLoad(buyer);
    expect(await start(buyer, { load_id: loadId })).toMatchObject({ status: 409, answer: { code: 'file_missing' } });
    expect(await start(otherBuyer, { load_id: loadId })).toMatchObject({ status: 403, answer: { code: 'forbidden' } });
    expect(await start(outsider, { load_id: loadId })).toMatchObject({ status: 404, answer: { code: 'not_found' } });
    expect(await start(buyer, { load_id: loadId, slice: 0 })).toMatchObject({ status: 403, answer: { code: 'forbidden' } });
    expect(await start(buyer, { load_id: 'not-a-load' })).toMatchObject({ status: 400, answer: { code: 'invalid_request' } });
    const [row] = await sql`select status::text from public.etl_loads where id = ${loadId}`;
    expect(row?.status).toBe('pending');
  });
});
