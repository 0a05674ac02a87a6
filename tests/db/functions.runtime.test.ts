import { randomUUID } from 'node:crypto';
import { FunctionsHttpError } from '@supabase/supabase-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { client, db, stack, userToken, withFixtures } from '../support/clients.ts';
import { startFunctionsRunner, type FunctionsRunner } from '../support/functionsRunner.ts';

const sql = db();
let runner: FunctionsRunner;
const owner = randomUUID();
const stranger = randomUUID();

const secrets = [
  '# secrets for the fixtures',
  'WEBHOOK_SECRET=s3cret-hook',
  'export QUOTED="two words # kept\\nnext line"',
  "LITERAL='no $expansion \\n here'",
  'SUPABASE_URL=http://must-not-win.invalid',
].join('\n');

beforeAll(async () => {
  // The stack's own environment must not reach functions (a worker starts after this).
  process.env.ARBIDESK_NOT_FOR_FUNCTIONS = 'leaked';
  runner = await startFunctionsRunner(stack, secrets, { functions: { webhook: { verifyJwt: false } }, limits: { wallClockMs: 2_000 } });
  await withFixtures(sql, `
    create table fn_note (id serial primary key, owner uuid not null, body text not null);
    alter table fn_note enable row level security;
    create policy "owners read their notes" on fn_note for select using (owner = auth.uid());
    insert into fn_note (owner, body) values ('${owner}', 'mine 1'), ('${stranger}', 'theirs'), ('${owner}', 'mine 2');
  `, ['fn_note']);
});

afterAll(async () => {
  await runner?.stop();
  await sql.unsafe('drop table if exists fn_note');
  await sql.end();
});

/** supabase-js's functions client for the fixture runner. */
function functions(key = stack.anonKey) {
  return client(key, { apiUrl: runner.apiUrl }).functions;
}

async function failure(error: unknown): Promise<{ status: number; body: Record<string, unknown> }> {
  expect(error).toBeInstanceOf(FunctionsHttpError);
  const response = (error as FunctionsHttpError).context as Response;
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

describe('function environment', () => {
  it('has the platform variables Supabase sets and the secrets of the env file, nothing of the stack', async () => {
    const names = ['SUPABASE_URL', 'SUPABASE_ANON_KEY', 'SUPABASE_SERVICE_ROLE_KEY', 'SUPABASE_DB_URL', 'WEBHOOK_SECRET', 'QUOTED', 'LITERAL', 'ARBIDESK_NOT_FOR_FUNCTIONS', 'JWT_SECRET'];
    const { data, error } = await functions().invoke('env', { body: { names } });
    expect(error).toBeNull();
    expect(data).toEqual({
      SUPABASE_URL: stack.apiUrl,
      SUPABASE_ANON_KEY: stack.anonKey,
      SUPABASE_SERVICE_ROLE_KEY: stack.serviceRoleKey,
      SUPABASE_DB_URL: stack.dbUrl,
      WEBHOOK_SECRET: 's3cret-hook',
      QUOTED: 'two words # kept\nnext line',
      LITERAL: 'no $expansion \\n here',
      ARBIDESK_NOT_FOR_FUNCTIONS: null,
      JWT_SECRET: null,
    });
    expect(runner.logs.some((line) => line.includes('SUPABASE_URL skipped'))).toBe(true);
  });
});

describe('row-level security inside a function', () => {
  it('reads with the caller’s token through the shared client factory', async () => {
    const asOwner = await functions().invoke('rls-read', { body: { table: 'fn_note' }, headers: { Authorization: `Bearer ${userToken(owner)}` } });
    expect(asOwner.error).toBeNull();
    expect(asOwner.data).toMatchObject({ status: 200, error: null, data: [{ owner, body: 'mine 1' }, { owner, body: 'mine 2' }] });

    const asAnon = await functions().invoke('rls-read', { body: { table: 'fn_note' } });
    expect(asAnon.data).toMatchObject({ status: 200, data: [] });

    const asService = await functions(stack.serviceRoleKey).invoke('rls-read', { body: { table: 'fn_note' } });
    expect((asService.data as { data: unknown[] }).data).toHaveLength(3);
  });
});

describe('bodies through supabase-js functions.invoke', () => {
  it('round-trips JSON', async () => {
    const body = { name: 'Анна', amounts: ['12.30', '0.07'], nested: { ok: true } };
    const { data, error, response } = await functions().invoke('echo', { body });
    expect(error).toBeNull();
    expect(response?.headers.get('content-type')).toBe('application/json');
    expect(data).toEqual(body);
  });

  it('round-trips text', async () => {
    const { data, error } = await functions().invoke('echo', { body: 'привет, plain text' });
    expect(error).toBeNull();
    expect(data).toBe('привет, plain text');
  });

  it('round-trips binary', async () => {
    const bytes = Uint8Array.from({ length: 70_000 }, (_, i) => (i * 7) % 256);
    const { data, error } = await functions().invoke('echo', { body: new Blob([bytes]) });
    expect(error).toBeNull();
    expect(data).toBeInstanceOf(Blob);
    expect(new Uint8Array(await (data as Blob).arrayBuffer())).toEqual(bytes);
  });
});

describe('verify_jwt = false', () => {
  it('runs the function whatever the token, and the function checks its caller itself', async () => {
    const accepted = await functions().invoke('webhook', { headers: { Authorization: 'Bearer garbage', 'x-webhook-secret': 's3cret-hook' } });
    expect(accepted.error).toBeNull();
    expect(accepted.data).toEqual({ accepted: true, authorization: 'Bearer garbage' });

    const refused = await functions().invoke('webhook', { headers: { 'x-webhook-secret': 'wrong' } });
    expect(await failure(refused.error)).toEqual({ status: 401, body: { code: 'bad_signature', message: 'The webhook secret does not match' } });
  });

  it('takes a call with neither API key nor token, as a webhook sends it (plain fetch)', async () => {
    const response = await fetch(`${runner.apiUrl}/functions/v1/webhook`, { method: 'POST', headers: { 'x-webhook-secret': 's3cret-hook' } });
    expect(response.status).toBe(200);
    expect(response.headers.get('access-control-allow-origin')).toBe('*');
    expect(await response.json()).toEqual({ accepted: true, authorization: null });
  });
});

describe('failures stay inside their function', () => {
  it('answers a throwing function with 500 and an error id that its log line carries; other functions go on', async () => {
    const { error } = await functions().invoke('throws', { body: {} });
    const { status, body } = await failure(error);
    expect(status).toBe(500);
    expect(body).toMatchObject({ code: 'WORKER_ERROR', error_id: expect.stringMatching(/^[0-9a-f-]{36}$/) });
    expect(runner.logs.find((line) => line.startsWith('[fn:throws] ') && line.includes(String(body.error_id)))).toContain('fixture failure');

    const next = await functions().invoke('echo', { body: { after: 'throw' } });
    expect(next).toMatchObject({ error: null, data: { after: 'throw' } });
  });

  it('answers 500 when the process dies mid-request and starts a new one for the next call', async () => {
    for (let i = 0; i < 2; i++) {
      const { error } = await functions().invoke('crash', { body: {} });
      expect(await failure(error)).toMatchObject({ status: 500, body: { code: 'WORKER_ERROR' } });
    }
    expect(runner.logs.filter((line) => line.startsWith('[fn:crash] worker exited (code 3)'))).toHaveLength(2);
    const next = await functions().invoke('echo', { body: 'still here' });
    expect(next).toMatchObject({ error: null, data: 'still here' });
  });

  it('answers 503 BOOT_ERROR for a function whose module fails to load, with the cause in the log', async () => {
    const { error } = await functions().invoke('broken', { body: {} });
    expect(await failure(error)).toMatchObject({ status: 503, body: { code: 'BOOT_ERROR' } });
    expect(runner.logs.some((line) => line.startsWith('[fn:broken] ') && line.includes('fixture cannot boot'))).toBe(true);
  });

  it.each(['wait', 'spin'])('stops a function past the wall-clock limit with 546 WORKER_LIMIT and restarts its worker (%s)', async (mode) => {
    const first = await functions().invoke('slow', { body: { ms: 0 } });
    const { pid } = first.data as { pid: number };

    const started = Date.now();
    const { error } = await functions().invoke('slow', { body: { ms: 20_000, mode } });
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(await failure(error)).toMatchObject({ status: 546, body: { code: 'WORKER_LIMIT', error_id: expect.any(String) } });
    expect(runner.logs.some((line) => line.startsWith('[fn:slow] WORKER_LIMIT'))).toBe(true);

    const next = await functions().invoke('slow', { body: { ms: 0 } });
    expect(next.error).toBeNull();
    expect((next.data as { pid: number }).pid).not.toBe(pid);
  });
});
