import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { db } from '../support/clients.ts';
import { freePort } from '../support/globalSetup.ts';
import { responseOf, startRecorder, type Recorder } from './net.helpers.ts';

/**
 * pg_net through its SQL interface, as migrations and cron jobs use it: on this server the
 * local stack's stand-in and its runner. Each test sends to paths of its own on one recorder.
 */
const sql = db();
let recorder: Recorder;

beforeAll(async () => {
  recorder = await startRecorder();
});

afterAll(async () => {
  await recorder.close();
  await sql.end();
});

const receivedAt = (path: string) => recorder.received.filter((r) => r.path.startsWith(path));

describe('requests from SQL', () => {
  it('sends a POST with its headers, JSON body and query parameters, and records the answer', async () => {
    const [{ id } = { id: '' }] = await sql<{ id: string }[]>`
      select net.http_post(
        url := ${`${recorder.url}/echo/post`},
        body := '{"load_id": "L-1", "slice": 3}',
        params := '{"attempt": "2", "note": "a b&c"}',
        headers := '{"Content-Type": "application/json", "Authorization": "Bearer test-token"}'
      )::text as id`;
    const response = await responseOf(sql, id);
    const [request] = receivedAt('/echo/post');
    expect(request).toMatchObject({ method: 'POST', path: '/echo/post?note=a%20b%26c&attempt=2' });
    expect(request?.headers).toMatchObject({ 'content-type': 'application/json', authorization: 'Bearer test-token', 'user-agent': 'pg_net/0.20.4' });
    expect(JSON.parse(request?.body ?? '')).toEqual({ load_id: 'L-1', slice: 3 });
    expect(response).toMatchObject({
      status_code: 201,
      content_type: 'application/json',
      content: '{"received":"/echo/post"}',
      timed_out: false,
      error_msg: null,
    });
    expect(response.headers).toMatchObject({ 'x-recorder': 'yes' });
    const [collected] = await sql`select (r).status, (r).message, ((r).response).status_code, ((r).response).body from net._http_collect_response(${id}::bigint) r`;
    expect(collected).toEqual({ status: 'SUCCESS', message: 'ok', status_code: 201, body: '{"received":"/echo/post"}' });
  });

  it('sends GET and DELETE as pg_net does: parameters after the query the URL has, a DELETE body', async () => {
    const [ids] = await sql<{ get: string; delete: string }[]>`
      select net.http_get(${`${recorder.url}/get?page=1`}, '{"tag": "é!"}')::text as get,
        net.http_delete(${`${recorder.url}/delete/7`}, body := '{"reason": "test"}')::text as delete`;
    await responseOf(sql, ids?.get ?? '');
    await responseOf(sql, ids?.delete ?? '');
    expect(receivedAt('/get').map((r) => [r.method, r.path, r.body])).toEqual([['GET', '/get?page=1&tag=%C3%A9%21', '']]);
    expect(receivedAt('/delete').map((r) => [r.method, r.path, r.body])).toEqual([['DELETE', '/delete/7', '{"reason": "test"}']]);
  });

  it('sends nothing until the calling transaction commits, and nothing at all when it rolls back', async () => {
    const committed = await sql.begin(async (tx) => {
      const [row] = await tx<{ id: string }[]>`select net.http_post(${`${recorder.url}/commit-later`})::text as id`;
      // Longer than the runner's poll: an uncommitted request is not in the queue it reads.
      await new Promise((resolve) => setTimeout(resolve, 1_500));
      expect(receivedAt('/commit-later')).toEqual([]);
      return row?.id ?? '';
    });
    await responseOf(sql, committed);
    expect(receivedAt('/commit-later')).toHaveLength(1);

    const rolledBack = sql.begin(async (tx) => {
      await tx`select net.http_post(${`${recorder.url}/rolled-back`})`;
      throw new Error('the caller changed its mind');
    });
    await expect(rolledBack).rejects.toThrow('the caller changed its mind');
    const [after] = await sql<{ id: string }[]>`select net.http_get(${`${recorder.url}/after-rollback`})::text as id`;
    await responseOf(sql, after?.id ?? '');
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(receivedAt('/rolled-back')).toEqual([]);
  }, 20_000);

  it('records a request that outlasts its timeout as timed out', async () => {
    const [row] = await sql<{ id: string }[]>`select net.http_get(${`${recorder.url}/slow?ms=3000`}, timeout_milliseconds := 300)::text as id`;
    const response = await responseOf(sql, row?.id ?? '');
    expect(response).toMatchObject({ status_code: null, content: null, headers: null, timed_out: true });
    expect(response.error_msg).toMatch(/^Timeout of 300 ms reached\. Total time: \d+\.\d{6} ms$/);
    const [collected] = await sql`select (r).status, (r).message from net._http_collect_response(${row?.id ?? ''}::bigint) r`;
    expect(collected).toEqual({ status: 'ERROR', message: response.error_msg });
  });

  it('records libcurl\'s message for a server that is not there, or hangs up without answering', async () => {
    const [ids] = await sql<{ refused: string; hungUp: string }[]>`
      select net.http_get(${`http://127.0.0.1:${await freePort()}/`})::text as refused,
        net.http_get(${`${recorder.url}/hang-up`})::text as "hungUp"`;
    expect(await responseOf(sql, ids?.refused ?? '')).toEqual({
      status_code: null, content_type: null, headers: null, content: null, timed_out: false, error_msg: "Couldn't connect to server",
    });
    expect((await responseOf(sql, ids?.hungUp ?? '')).error_msg).toBe('Server returned nothing (no headers, no data)');
  });

  it('sends at most 16 requests at a time, and every one of a burst', async () => {
    const [row] = await sql<{ ids: string[] }[]>`
      select array_agg(net.http_get(${`${recorder.url}/burst`}, jsonb_build_object('n', n, 'ms', 400))::text) as ids
      from generate_series(1, 24) n`;
    for (const id of row?.ids ?? []) expect((await responseOf(sql, id)).status_code).toBe(200);
    expect(receivedAt('/burst')).toHaveLength(24);
    expect(recorder.mostAtOnce.get('/burst')).toBeGreaterThan(1);
    expect(recorder.mostAtOnce.get('/burst')).toBeLessThanOrEqual(16);
  }, 30_000);

  it('refuses at once what pg_net refuses', async () => {
    await expect(sql`select net.http_get('localhost:6666')`).rejects.toThrow('invalid URL "localhost:6666": Unsupported URL scheme');
    await expect(sql`select net.http_get('/malformed_url')`).rejects.toThrow('invalid URL "/malformed_url"');
    await expect(sql`select net.http_post(null, '{"hello": "world"}')`).rejects.toThrow(/null value in column "url"/);
    await expect(sql`select net.http_post(${`${recorder.url}/text`}, headers := '{"Content-Type": "text/plain"}')`).rejects.toThrow('Content-Type header must be "application/json"');
  });

  it('deletes responses older than pg_net.ttl (6 hours)', async () => {
    // Rows as the runner writes them, aged by their creation time; negative ids meet no request.
    const respondedAgo = async (age: string) => {
      const [row] = await sql<{ id: string }[]>`
        insert into net._http_response (id, status_code, timed_out, created)
        values (-nextval('net.http_request_queue_id_seq'), 200, false, now() - ${age}::interval)
        returning id::text`;
      return row?.id ?? '';
    };
    const expired = await respondedAgo('6 hours 1 minute');
    const kept = await respondedAgo('5 hours 59 minutes');
    const present = async (id: string) => (await sql`select from net._http_response where id = ${id}`).length === 1;
    await expect.poll(() => present(expired), { timeout: 5_000, interval: 100 }).toBe(false);
    expect(await present(kept)).toBe(true);
    await sql`delete from net._http_response where id = ${kept}`;
  });
});
