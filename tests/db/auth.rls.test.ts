import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { db, withFixtures } from '../support/clients.ts';
import { authClient, signedUpUser } from './auth.helpers.ts';

const sql = db();

beforeAll(async () => {
  await withFixtures(sql, `
    create table auth_rls_note (
      id serial primary key,
      owner uuid not null default auth.uid(),
      body text not null
    );
    alter table auth_rls_note enable row level security;
    create policy "users read their own notes" on auth_rls_note for select using (owner = auth.uid());
    create policy "users write their own notes" on auth_rls_note for insert with check (owner = auth.uid());
  `, ['auth_rls_note']);
});

afterAll(async () => {
  await sql.unsafe('drop table auth_rls_note');
  await sql.end();
});

describe("a signed-in user's JWT through REST", () => {
  it('makes auth.uid() the user, so row-level security shows each user only their rows', async () => {
    const ann = await signedUpUser('rls-ann');
    const bob = await signedUpUser('rls-bob');
    expect(await ann.client.from('auth_rls_note').insert({ body: 'ann 1' })).toMatchObject({ error: null, status: 201 });
    expect(await ann.client.from('auth_rls_note').insert({ body: 'ann 2' })).toMatchObject({ error: null, status: 201 });
    expect(await bob.client.from('auth_rls_note').insert({ body: 'bob 1' })).toMatchObject({ error: null, status: 201 });

    expect(await ann.client.from('auth_rls_note').select('owner, body').order('id')).toMatchObject({
      error: null,
      status: 200,
      data: [
        { owner: ann.session.user.id, body: 'ann 1' },
        { owner: ann.session.user.id, body: 'ann 2' },
      ],
    });
    expect(await bob.client.from('auth_rls_note').select('owner, body').order('id')).toMatchObject({
      error: null,
      status: 200,
      data: [{ owner: bob.session.user.id, body: 'bob 1' }],
    });
    expect(await authClient().from('auth_rls_note').select('body')).toMatchObject({ error: null, status: 200, data: [] });
  });

  it("refuses a row written in another user's name", async () => {
    const ann = await signedUpUser('rls-forge');
    const bob = await signedUpUser('rls-victim');
    const forged = await ann.client.from('auth_rls_note').insert({ owner: bob.session.user.id, body: 'forged' });
    expect(forged).toMatchObject({ status: 403, error: { code: '42501' } });
  });
});
