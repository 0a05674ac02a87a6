import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { db, serviceClient, stack } from '../support/clients.ts';
import { createLibrary, type Library } from '../support/library.ts';

const sql = db();
const api = serviceClient();
let lib: Library;

beforeAll(async () => {
  lib = await createLibrary(sql, 'pag');
});

afterAll(async () => {
  await lib.drop();
  await sql.end();
});

function rest(path: string, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${stack.apiUrl}/rest/v1/${path}`, { headers: { apikey: stack.serviceRoleKey, ...headers } });
}

describe('order', () => {
  it('orders by several columns with nulls first or last', async () => {
    const last = await api.from(lib.book).select('id').order('pages', { ascending: false, nullsFirst: false });
    expect(last.data?.map((b) => b.id)).toEqual([10, 11, 12, 13]);
    const first = await api.from(lib.book).select('id').order('pages', { ascending: true, nullsFirst: true });
    expect(first.data?.map((b) => b.id)).toEqual([13, 12, 11, 10]);
    const multi = await api.from(lib.book).select('id').order('author_id', { ascending: false }).order('id');
    expect(multi.data?.map((b) => b.id)).toEqual([12, 13, 10, 11]);
  });
});

describe('limit, offset, range and counts', () => {
  it('range() pages through rows and reports Content-Range', async () => {
    const page = await api.from(lib.book).select('id', { count: 'exact' }).order('id').range(1, 2);
    expect(page).toMatchObject({ error: null, data: [{ id: 11 }, { id: 12 }], count: 4, status: 206 });
    const res = await rest(`${lib.book}?select=id&order=id&limit=2&offset=2`, { prefer: 'count=exact' });
    expect(res.headers.get('content-range')).toBe('2-3/4');
    expect(await res.json()).toEqual([{ id: 12 }, { id: 13 }]);
  });

  it('honours a Range header', async () => {
    const res = await rest(`${lib.book}?select=id&order=id`, { range: '0-1', 'range-unit': 'items' });
    expect(res.headers.get('content-range')).toBe('0-1/*');
    expect(await res.json()).toEqual([{ id: 10 }, { id: 11 }]);
  });

  it('an offset past the end is 416 with PGRST103', async () => {
    const res = await rest(`${lib.book}?select=id&offset=10`, { prefer: 'count=exact' });
    expect(res.status).toBe(416);
    expect(await res.json()).toMatchObject({ code: 'PGRST103', details: 'An offset of 10 was requested, but there are only 4 rows.' });
  });

  it('head requests count without a body; planned and estimated counts', async () => {
    const head = await api.from(lib.book).select('*', { count: 'exact', head: true }).eq('author_id', 2);
    expect(head).toMatchObject({ error: null, data: null, count: 2 });
    await sql.unsafe(`analyze ${lib.book}`);
    const planned = await api.from(lib.book).select('id', { count: 'planned' });
    expect(planned.count).toBe(4);
    const estimated = await api.from(lib.book).select('id', { count: 'estimated' }).eq('author_id', 1);
    expect(estimated.count).toBe(2);
  });
});

describe('single, maybeSingle and CSV', () => {
  it('single() returns an object, or PGRST116 with 406 for zero or many rows', async () => {
    const one = await api.from(lib.book).select('title').eq('id', 12).single();
    expect(one).toMatchObject({ data: { title: 'Pride and Prejudice' }, error: null, status: 200 });
    const none = await api.from(lib.book).select('title').eq('id', 999).single();
    expect(none).toMatchObject({
      data: null,
      status: 406,
      error: { code: 'PGRST116', message: 'JSON object requested, multiple (or no) rows returned', details: 'The result contains 0 rows' },
    });
    const many = await api.from(lib.book).select('title').single();
    expect(many.error).toMatchObject({ code: 'PGRST116', details: 'The result contains 4 rows' });
  });

  it('maybeSingle() returns null for no rows and an error for many', async () => {
    const none = await api.from(lib.book).select('title').eq('id', 999).maybeSingle();
    expect(none).toMatchObject({ data: null, error: null, status: 200 });
    const many = await api.from(lib.book).select('title').maybeSingle();
    expect(many.error?.code).toBe('PGRST116');
  });

  it('csv() returns a header line and quoted fields', async () => {
    const { data, error } = await api.from(lib.book).select('id, title, price').in('id', [10, 13]).order('id').csv();
    expect(error).toBeNull();
    expect(data).toBe('id,title,price\n10,Война и мир,19.9\n13,Emma,');
    await sql.unsafe(`update ${lib.book} set summary = 'says "hi", twice' where id = 13`);
    const quoted = await api.from(lib.book).select('summary').eq('id', 13).csv();
    expect(quoted.data).toBe('summary\n"says ""hi"", twice"');
  });

  it('strips nulls when asked', async () => {
    const res = await rest(`${lib.book}?select=id,pages&id=eq.13`, { accept: 'application/vnd.pgrst.array+json;nulls=stripped' });
    expect(await res.json()).toEqual([{ id: 13 }]);
  });

  it('refuses a media type it cannot produce (PGRST107, 406)', async () => {
    const res = await rest(`${lib.book}?select=id`, { accept: 'application/xml' });
    expect(res.status).toBe(406);
    expect((await res.json()).code).toBe('PGRST107');
  });
});
