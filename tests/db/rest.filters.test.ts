import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { db, serviceClient, stack } from '../support/clients.ts';
import { createLibrary, type Library } from '../support/library.ts';

const sql = db();
const api = serviceClient();
let lib: Library;

beforeAll(async () => {
  lib = await createLibrary(sql, 'flt');
});

afterAll(async () => {
  await lib.drop();
  await sql.end();
});

function selectBooks() {
  return api.from(lib.book).select('id').order('id');
}

/** Book ids a filtered query returns, in id order. */
async function bookIds(build: (query: ReturnType<typeof selectBooks>) => ReturnType<typeof selectBooks>): Promise<number[]> {
  const { data, error } = await build(selectBooks());
  expect(error).toBeNull();
  return (data ?? []).map((row: { id: number }) => row.id);
}

describe('filters: comparison operators', () => {
  it('eq, neq, gt, gte, lt, lte', async () => {
    expect(await bookIds((q) => q.eq('author_id', 1))).toEqual([10, 11]);
    expect(await bookIds((q) => q.neq('author_id', 1))).toEqual([12, 13]);
    expect(await bookIds((q) => q.gt('pages', 864))).toEqual([10]);
    expect(await bookIds((q) => q.gte('pages', 864))).toEqual([10, 11]);
    expect(await bookIds((q) => q.lt('price', 15.5))).toEqual([12]);
    expect(await bookIds((q) => q.lte('price', 15.5))).toEqual([11, 12]);
  });

  it('compares timestamps, dates and booleans from their text', async () => {
    expect(await bookIds((q) => q.gte('published_at', '1870-01-01'))).toEqual([11]);
    const { data } = await api.from(lib.author).select('id').eq('active', false);
    expect(data).toEqual([{ id: 3 }]);
    const born = await api.from(lib.author).select('id').lt('born', '1800-01-01');
    expect(born.data).toEqual([{ id: 2 }]);
  });

  it('like and ilike with * or % wildcards', async () => {
    expect(await bookIds((q) => q.like('title', '%Prejudice'))).toEqual([12]);
    expect(await bookIds((q) => q.like('title', '*mm*'))).toEqual([13]);
    expect(await bookIds((q) => q.ilike('title', 'pride%'))).toEqual([12]);
    expect(await bookIds((q) => q.ilike('title', 'анна%'))).toEqual([11]);
  });

  it('is null / not null / true, and in lists with quoted values', async () => {
    expect(await bookIds((q) => q.is('editor_id', null))).toEqual([11, 13]);
    expect(await bookIds((q) => q.not('editor_id', 'is', null))).toEqual([10, 12]);
    expect(await bookIds((q) => q.in('title', ['Emma', 'Война и мир', 'a,b "quoted"']))).toEqual([10, 13]);
    expect(await bookIds((q) => q.in('id', []))).toEqual([]);
    const active = await api.from(lib.author).select('id').is('active', true).order('id');
    expect(active.data).toEqual([{ id: 1 }, { id: 2 }]);
  });

  it('array and JSON containment: cs, cd, ov', async () => {
    const contains = await api.from(lib.author).select('id').contains('tags', ['novel']);
    expect(contains.data).toEqual([{ id: 1 }]);
    const containedBy = await api.from(lib.author).select('id').containedBy('tags', ['classic', 'poetry']).order('id');
    expect(containedBy.data).toEqual([{ id: 2 }, { id: 3 }]);
    const overlaps = await api.from(lib.author).select('id').overlaps('tags', ['novel', 'poetry']);
    expect(overlaps.data).toEqual([{ id: 1 }]);
    const json = await api.from(lib.author).select('id').contains('meta', { lang: { code: 'en' } });
    expect(json.data).toEqual([{ id: 2 }]);
  });

  it('filters on JSON paths', async () => {
    const { data } = await api.from(lib.author).select('id').eq('meta->lang->>code', 'ru');
    expect(data).toEqual([{ id: 1 }]);
  });

  it('full-text search: fts, plfts, phfts, wfts with a language', async () => {
    expect(await bookIds((q) => q.textSearch('summary', 'tragic & love'))).toEqual([11]);
    expect(await bookIds((q) => q.textSearch('summary', 'marriage manners', { type: 'plain', config: 'english' }))).toEqual([12]);
    expect(await bookIds((q) => q.textSearch('summary', 'war and peace', { type: 'phrase', config: 'english' }))).toEqual([10]);
    expect(await bookIds((q) => q.textSearch('summary', '"love story" -war', { type: 'websearch', config: 'english' }))).toEqual([11]);
  });
});

describe('filters: logic trees', () => {
  it('or, and nested and/or, and not', async () => {
    expect(await bookIds((q) => q.or('pages.gt.1000,price.lt.10'))).toEqual([10, 12]);
    expect(await bookIds((q) => q.or('and(author_id.eq.1,pages.lt.1000),title.eq.Emma'))).toEqual([11, 13]);
    expect(await bookIds((q) => q.not('author_id', 'eq', 1))).toEqual([12, 13]);
    expect(await bookIds((q) => q.not('id', 'in', '(10,11)'))).toEqual([12, 13]);
  });

  it('or with a quantified operator and on an embedded resource', async () => {
    expect(await bookIds((q) => q.filter('title', 'like(any)', '{Emma,Pride*}'))).toEqual([12, 13]);
    const { data } = await api
      .from(lib.author)
      .select(`id, books:${lib.book}!author_id(id)`)
      .or('pages.gt.1000,price.is.null', { referencedTable: 'books' })
      .order('id');
    expect(data).toEqual([
      { id: 1, books: [{ id: 10 }] },
      { id: 2, books: [{ id: 13 }] },
      { id: 3, books: [] },
    ]);
  });

  it('reports a bad operator and a bad value with actionable errors', async () => {
    const badOperator = await fetch(`${stack.apiUrl}/rest/v1/${lib.book}?id=equals.1`, { headers: { apikey: stack.serviceRoleKey } });
    expect(badOperator.status).toBe(400);
    expect(await badOperator.json()).toMatchObject({ code: 'PGRST100', details: expect.stringContaining('equals') });
    const badValue = await api.from(lib.book).select('id').eq('pages', 'many');
    expect(badValue.status).toBe(400);
    expect(badValue.error).toMatchObject({ code: '22P02', message: 'invalid input syntax for type integer: "many"' });
    const badTree = await api.from(lib.book).select('id').or('pages.gt.1000,price');
    expect(badTree.status).toBe(400);
    expect(badTree.error?.code).toBe('PGRST100');
  });
});
