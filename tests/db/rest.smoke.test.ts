import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { db, serviceClient, withFixtures } from '../support/clients.ts';

const sql = db();

beforeAll(async () => {
  await withFixtures(sql, `
    create table smoke_item (id serial primary key, name text not null);
    insert into smoke_item (name) values ('one'), ('two');
  `, ['smoke_item']);
});

afterAll(async () => {
  await sql.unsafe('drop table smoke_item');
  await sql.end();
});

describe('the stack', () => {
  it('serves a table through supabase-js', async () => {
    const result = await serviceClient().from('smoke_item').select('name').order('id');
    expect(result).toMatchObject({ error: null, status: 200, data: [{ name: 'one' }, { name: 'two' }] });
  });
});
