import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { db, serviceClient } from '../support/clients.ts';
import { createLibrary, type Library } from '../support/library.ts';

const sql = db();
const api = serviceClient();
let lib: Library;

beforeAll(async () => {
  lib = await createLibrary(sql, 'sel');
});

afterAll(async () => {
  await lib.drop();
  await sql.end();
});

describe('select: columns', () => {
  it('returns the listed columns with aliases, casts and JSON paths', async () => {
    const result = await api
      .from(lib.author)
      .select('id, fullName:name, born::text, awards:meta->awards, code:meta->lang->>code')
      .eq('id', 1)
      .single();
    expect(result).toMatchObject({
      error: null,
      status: 200,
      data: { id: 1, fullName: 'Лев Толстой', born: '1828-09-09', awards: 0, code: 'ru' },
    });
  });

  it('keeps numbers, arrays, booleans and nulls typed as PostgREST does', async () => {
    const { data, error } = await api.from(lib.book).select('id, price, pages, published_at').in('id', [10, 13]).order('id');
    expect(error).toBeNull();
    expect(data).toEqual([
      { id: 10, price: 19.9, pages: 1225, published_at: '1869-01-01T00:00:00+00:00' },
      { id: 13, price: null, pages: null, published_at: null },
    ]);
    const author = await api.from(lib.author).select('tags, active').eq('id', 1).single();
    expect(author.data).toEqual({ tags: ['classic', 'novel'], active: true });
  });

  it('reports an unknown column as PostgreSQL does, with 400', async () => {
    const result = await api.from(lib.author).select('id, nope');
    expect(result.status).toBe(400);
    expect(result.error).toMatchObject({ code: '42703', message: `column ${lib.author}.nope does not exist` });
  });

  it('reports a malformed select with PGRST100', async () => {
    const result = await api.from(lib.author).select('id, name(');
    expect(result.status).toBe(400);
    expect(result.error?.code).toBe('PGRST100');
  });
});

describe('select: embedded resources', () => {
  it('embeds many-to-one as an object and one-to-many as an array', async () => {
    const { data, error } = await api
      .from(lib.author)
      .select(`name, books:${lib.book}!author_id(title)`)
      .eq('id', 2)
      .single();
    expect(error).toBeNull();
    expect(data).toEqual({ name: 'Jane Austen', books: [{ title: 'Pride and Prejudice' }, { title: 'Emma' }] });
    const book = await api.from(lib.book).select(`title, author:author_id(name)`).eq('id', 11).single();
    expect(book.data).toEqual({ title: 'Анна Каренина', author: { name: 'Лев Толстой' } });
  });

  it('embeds one-to-one as an object and null when absent', async () => {
    const { data } = await api.from(lib.author).select(`id, ${lib.profile}(website)`).in('id', [1, 2]).order('id');
    expect(data).toEqual([
      { id: 1, [lib.profile]: { website: 'https://tolstoy.example' } },
      { id: 2, [lib.profile]: null },
    ]);
  });

  it('embeds many-to-many through the junction table', async () => {
    const { data } = await api.from(lib.book).select(`id, ${lib.reviewer}(name)`).in('id', [10, 11]).order('id');
    expect(data).toEqual([
      { id: 10, [lib.reviewer]: [{ name: 'Critic A' }, { name: 'Critic B' }] },
      { id: 11, [lib.reviewer]: [] },
    ]);
  });

  it('asks for a hint when two foreign keys join the same tables (PGRST201, 300)', async () => {
    const result = await api.from(lib.book).select(`title, ${lib.author}(name)`);
    expect(result.status).toBe(300);
    expect(result.error?.code).toBe('PGRST201');
    expect(result.error?.hint).toContain(`${lib.author}!${lib.book}_author_id_fkey`);
    const hinted = await api.from(lib.book).select(`title, editor:${lib.author}!editor_id(name)`).eq('id', 10).single();
    expect(hinted.data).toEqual({ title: 'Война и мир', editor: { name: 'Jane Austen' } });
  });

  it('reports an embed without a relationship (PGRST200, 400)', async () => {
    const result = await api.from(lib.author).select(`name, ${lib.reviewer}(name)`);
    expect(result.status).toBe(400);
    expect(result.error).toMatchObject({ code: 'PGRST200' });
    expect(result.error?.message).toContain(`'${lib.author}' and '${lib.reviewer}'`);
  });

  it('filters, orders and limits embedded rows without dropping parents', async () => {
    const { data } = await api
      .from(lib.author)
      .select(`id, books:${lib.book}!author_id(title, pages)`)
      .gt('books.pages', 500)
      .order('title', { referencedTable: 'books', ascending: false })
      .limit(1, { referencedTable: 'books' })
      .in('id', [1, 2])
      .order('id');
    expect(data).toEqual([
      { id: 1, books: [{ title: 'Война и мир', pages: 1225 }] },
      { id: 2, books: [] },
    ]);
  });

  it('!inner drops parents whose embedded rows do not match', async () => {
    const { data } = await api
      .from(lib.book)
      .select(`title, author:author_id!inner(country)`)
      .eq('author.country', 'GB')
      .order('id');
    expect(data).toEqual([
      { title: 'Pride and Prejudice', author: { country: 'GB' } },
      { title: 'Emma', author: { country: 'GB' } },
    ]);
    // Authors without books (id 3) drop out of a to-many !inner embed.
    const manyInner = await api.from(lib.author).select(`name, books:${lib.book}!author_id!inner(id)`).order('id');
    expect(manyInner.data).toEqual([
      { name: 'Лев Толстой', books: [{ id: 10 }, { id: 11 }] },
      { name: 'Jane Austen', books: [{ id: 12 }, { id: 13 }] },
    ]);
  });

  it('spreads a to-one embed into the parent and orders by a related column', async () => {
    const { data } = await api
      .from(lib.book)
      .select(`title, ...author_id(author_name:name)`)
      .in('id', [10, 12])
      .order('title');
    expect(data).toEqual([
      { title: 'Pride and Prejudice', author_name: 'Jane Austen' },
      { title: 'Война и мир', author_name: 'Лев Толстой' },
    ]);
    const related = await api.from(lib.book).select('id, author:author_id(name)').in('id', [10, 12]).order('author(name)');
    expect(related.data?.map((b) => b.id)).toEqual([12, 10]);
  });

  it('nests embeds two levels deep', async () => {
    const { data } = await api
      .from(lib.author)
      .select(`name, books:${lib.book}!author_id(title, ${lib.reviewer}(name))`)
      .eq('id', 2)
      .single();
    expect(data).toEqual({
      name: 'Jane Austen',
      books: [
        { title: 'Pride and Prejudice', [lib.reviewer]: [{ name: 'Critic A' }] },
        { title: 'Emma', [lib.reviewer]: [] },
      ],
    });
  });
});
