import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { db, serviceClient } from '../support/clients.ts';
import { createBucket, removeBuckets } from './storage.helpers.ts';

/**
 * list(): one level of a folder, sub-folders as entries with a null id, with prefix, search,
 * sort and paging as storage-api's storage.search answers them.
 */
const sql = db();
const service = serviceClient();
let bucket: string;
const names = ['b.txt', 'A.txt', 'c.txt', 'docs/one.txt', 'docs/deep/two.txt', 'Images/x.png', 'docs.txt', 'docs/three.txt'];

beforeAll(async () => {
  bucket = await createBucket('listing');
  // One at a time and apart, so created_at orders them as listed here.
  for (const name of names) {
    const { error } = await service.storage.from(bucket).upload(name, name);
    if (error) throw error;
    await new Promise((r) => setTimeout(r, 5));
  }
});

afterAll(async () => {
  await removeBuckets(bucket);
  await sql.end();
});

async function list(prefix?: string, options?: Parameters<ReturnType<typeof service.storage.from>['list']>[1]) {
  const { data, error } = await service.storage.from(bucket).list(prefix, options);
  if (error) throw error;
  return data;
}

describe('list', () => {
  it('lists the top level by name, case-insensitively, folders as entries with no id', async () => {
    const entries = await list();
    expect(entries.map((e) => e.name)).toEqual(['A.txt', 'b.txt', 'c.txt', 'docs.txt', 'docs', 'Images']);
    const folder = entries.find((e) => e.name === 'docs');
    expect(folder).toEqual({ name: 'docs', id: null, updated_at: null, created_at: null, last_accessed_at: null, metadata: null });
    const file = entries.find((e) => e.name === 'b.txt');
    expect(file).toMatchObject({ id: expect.any(String), metadata: { size: 5, mimetype: 'text/plain;charset=UTF-8' } });
  });

  it('lists inside a folder, with or without the trailing slash, names relative to it', async () => {
    expect((await list('docs')).map((e) => e.name)).toEqual(['deep', 'one.txt', 'three.txt']);
    expect((await list('docs/')).map((e) => e.name)).toEqual(['deep', 'one.txt', 'three.txt']);
    expect((await list('docs/deep')).map((e) => e.name)).toEqual(['two.txt']);
    expect(await list('nowhere')).toEqual([]);
  });

  it('searches names that start with the search text, case-insensitively', async () => {
    expect((await list('', { search: 'doc' })).map((e) => e.name)).toEqual(['docs.txt', 'docs']);
    expect((await list('docs', { search: 'T' })).map((e) => e.name)).toEqual(['three.txt']);
    expect((await list('', { search: 'im' })).map((e) => e.name)).toEqual(['Images']);
  });

  it('sorts by name descending, and by a date with folders first', async () => {
    expect((await list('', { sortBy: { column: 'name', order: 'desc' } })).map((e) => e.name)).toEqual(['Images', 'docs', 'docs.txt', 'c.txt', 'b.txt', 'A.txt']);
    // Folders by name in the database's collation (C.UTF-8 here: capitals first), then files by date.
    expect((await list('', { sortBy: { column: 'created_at', order: 'asc' } })).map((e) => e.name)).toEqual(['Images', 'docs', 'b.txt', 'A.txt', 'c.txt', 'docs.txt']);
    expect((await list('', { sortBy: { column: 'created_at', order: 'desc' } })).map((e) => e.name)).toEqual(['docs', 'Images', 'docs.txt', 'c.txt', 'A.txt', 'b.txt']);
  });

  it('pages with limit and offset', async () => {
    expect((await list('', { limit: 2 })).map((e) => e.name)).toEqual(['A.txt', 'b.txt']);
    expect((await list('', { limit: 2, offset: 2 })).map((e) => e.name)).toEqual(['c.txt', 'docs.txt']);
    expect((await list('', { limit: 2, offset: 4 })).map((e) => e.name)).toEqual(['docs', 'Images']);
    expect(await list('', { limit: 2, offset: 6 })).toEqual([]);
  });

  it('refuses a sort column storage-api does not know', async () => {
    const { error } = await service.storage.from(bucket).list('', { sortBy: { column: 'size', order: 'asc' } });
    expect(error).toMatchObject({ statusCode: '400', message: 'body/sortBy/column must be equal to one of the allowed values' });
  });
});
