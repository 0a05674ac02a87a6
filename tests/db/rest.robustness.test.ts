import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStack, type Stack } from '../../supabase/local/stack.ts';
import { freePort } from '../support/globalSetup.ts';
import { client, db, serviceClient, stack, withFixtures } from '../support/clients.ts';

const sql = db();

beforeAll(async () => {
  await withFixtures(sql, 'create table rob_item (id int primary key, note text)', ['rob_item']);
});

afterAll(async () => {
  await sql.unsafe('drop table rob_item');
  await sql.end();
});

function rest(path: string, init: RequestInit = {}): Promise<Response> {
  return fetch(`${stack.apiUrl}/rest/v1/${path}`, {
    ...init,
    headers: { apikey: stack.serviceRoleKey, authorization: `Bearer ${stack.serviceRoleKey}`, 'content-type': 'application/json', ...init.headers },
  });
}

/** After each bad request the server must still answer a good one. */
async function stillServes(): Promise<void> {
  const { status, error } = await serviceClient().from('rob_item').select('id');
  expect({ status, error }).toEqual({ status: 200, error: null });
}

describe('bad requests get PostgREST-shaped errors and the server carries on', () => {
  it.each([
    ['a malformed filter', 'rob_item?id=eq', 400, 'PGRST100'],
    ['an unclosed logic tree', 'rob_item?or=(id.eq.1', 400, 'PGRST100'],
    ['an unknown operator', 'rob_item?id=near.1', 400, 'PGRST100'],
    ['a broken select', 'rob_item?select=id,,(', 400, 'PGRST100'],
    ['a bad limit', 'rob_item?limit=-1', 400, 'PGRST100'],
    ['an unknown table', 'no_such_table', 404, 'PGRST205'],
    ['an unknown function', 'rpc/no_such_fn', 404, 'PGRST202'],
    ['a nested path', 'rob_item/1', 404, 'PGRST125'],
  ])('%s', async (_what, path, status, code) => {
    const res = await rest(path);
    expect(res.status).toBe(status);
    expect(await res.json()).toMatchObject({ code, message: expect.any(String) });
    await stillServes();
  });

  it('invalid JSON', async () => {
    const res = await rest('rob_item', { method: 'POST', body: '{"id": 1,' });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ code: 'PGRST102' });
    await stillServes();
  });

  it('a body that is not an object or array of objects', async () => {
    const res = await rest('rob_item', { method: 'POST', body: '[1, 2]' });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ code: 'PGRST102' });
  });

  it('an oversized body is refused with 413 before it is buffered', async () => {
    const huge = JSON.stringify([{ id: 1, note: 'x'.repeat(11 * 1024 * 1024) }]);
    const res = await rest('rob_item', { method: 'POST', body: huge });
    expect(res.status).toBe(413);
    expect(await res.json()).toMatchObject({ code: 'PGRST413' });
    await stillServes();
  });

  it('a missing or unknown API key is refused by the gateway', async () => {
    const none = await fetch(`${stack.apiUrl}/rest/v1/rob_item`);
    expect(none.status).toBe(401);
    expect(await none.json()).toMatchObject({ message: 'No API key found in request' });
    const wrong = await fetch(`${stack.apiUrl}/rest/v1/rob_item`, { headers: { apikey: 'nope' } });
    expect(wrong.status).toBe(401);
    expect(await wrong.json()).toMatchObject({ message: 'Invalid API key' });
  });

  it('an unexposed schema is PGRST106 with 406', async () => {
    const res = await rest('users', { headers: { 'accept-profile': 'auth' } });
    expect(res.status).toBe(406);
    expect(await res.json()).toMatchObject({ code: 'PGRST106', message: 'The schema must be one of the following: public, graphql_public' });
  });
});

describe('a stopped database', () => {
  let own: Stack;
  let dataDir: string;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'arbidesk-down-'));
    own = await startStack({ dataDir, apiPort: 0, dbPort: await freePort(), seed: false });
    await own.sql.unsafe('create table down_item (id int primary key); insert into down_item values (1)');
  });

  afterAll(async () => {
    await own.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('gets 503 while down and normal answers once it is back', async () => {
    const api = client(own.keys.serviceRoleKey, { apiUrl: own.apiUrl });
    const read = () => api.from('down_item').select('id');
    await expect.poll(async () => (await read()).status).toBe(200);
    await own.database.stop();
    const down = await read();
    expect(down.status).toBe(503);
    expect(down.error?.code).toMatch(/^PGRST00[01]$/);
    await own.database.start();
    await expect.poll(async () => (await read()).data, { timeout: 10_000, interval: 100 }).toEqual([{ id: 1 }]);
  });
});
