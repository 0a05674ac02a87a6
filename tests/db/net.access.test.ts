import { afterAll, describe, expect, it } from 'vitest';
import { client, db } from '../support/clients.ts';
import { createUser, signIn } from '../support/users.ts';

/**
 * Who may send requests with pg_net here: postgres and service_role, never the roles the API
 * gives callers (stricter than Supabase, where pg_net is granted to PUBLIC; see
 * supabase/local/README.md). Nothing here is sent: every call is rolled back.
 */
const sql = db();
const nowhere = 'http://127.0.0.1:9/';

afterAll(async () => {
  await sql.end();
});

/** Runs `statement` as `role` in a transaction that is rolled back; the error message, or 'ran'. */
async function asRole(role: string, statement: string): Promise<string> {
  const outcome = await sql.begin(async (tx) => {
    await tx.unsafe(`set local role ${role}`);
    await tx.unsafe(statement);
    throw new Error('ran');
  }).catch((error: Error) => error.message);
  return String(outcome);
}

describe('who may use pg_net', () => {
  it('is out of reach through the API, for anon and signed-in users alike', async () => {
    const person = await createUser(sql, 'net-access');
    try {
      const signedIn = await signIn(person, '203.0.113.81');
      for (const caller of [client(), signedIn]) {
        const viaSchema = await caller.schema('net' as never).rpc('http_post', { url: nowhere });
        expect(viaSchema.error?.code, 'the net schema is not exposed').toBe('PGRST106');
        const responses = await caller.schema('net' as never).from('_http_response').select('*');
        expect(responses.error?.code).toBe('PGRST106');
        const viaPublic = await caller.rpc('http_post', { url: nowhere });
        expect(viaPublic.error?.code, 'no such function in public').toBe('PGRST202');
      }
    } finally {
      await sql`delete from auth.users where id = ${person.id}`;
    }
  });

  it('refuses anon and authenticated in SQL: no request, no queue, no response', async () => {
    for (const role of ['anon', 'authenticated']) {
      for (const statement of [
        `select net.http_post('${nowhere}')`,
        `select net.http_get('${nowhere}')`,
        `select net.http_delete('${nowhere}')`,
        'select * from net.http_request_queue',
        'select * from net._http_response',
      ]) {
        expect(await asRole(role, statement), `${role}: ${statement}`).toBe('permission denied for schema net');
      }
    }
  });

  it('lets postgres and service_role send requests and read their responses', async () => {
    for (const role of ['postgres', 'service_role']) {
      expect(await asRole(role, `select net.http_post('${nowhere}', '{"from": "${role}"}')`), role).toBe('ran');
      expect(await asRole(role, 'select count(*) from net._http_response'), role).toBe('ran');
      expect(await asRole(role, 'select * from net._http_collect_response(1)'), role).toBe('ran');
    }
  });
});
