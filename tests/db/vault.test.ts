import { randomUUID } from 'node:crypto';
import postgres from 'postgres';
import { afterAll, describe, expect, it } from 'vitest';
import { bootstrap } from '../../supabase/local/migrate.ts';
import { storeProjectSecrets } from '../../supabase/local/vault/projectSecrets.ts';
import { client, db, stack } from '../support/clients.ts';
import { createUser, signIn } from '../support/users.ts';
import { responseOf } from './net.helpers.ts';

/**
 * Supabase Vault through its SQL interface: on this server the local stack's stand-in, which
 * the stack fills with what SQL needs to call the project's Edge Functions. Secret names carry
 * a run id: the stack is shared.
 */
const sql = db();
const run = randomUUID().slice(0, 8);

afterAll(async () => {
  await sql`delete from vault.secrets where name like ${`%-${run}`}`;
  await sql.end();
});

describe('secrets', () => {
  it('are stored encrypted and read decrypted, created and updated as Vault does', async () => {
    const name = `api-key-${run}`;
    const [created] = await sql<{ id: string }[]>`select vault.create_secret('s3kre3t', ${name}, 'a partner API key') as id`;
    const id = created?.id ?? '';
    const [stored] = await sql<{ secret: string }[]>`select secret from vault.secrets where id = ${id}`;
    expect(stored?.secret).not.toContain('s3kre3t');
    expect(await sql`select name, description, decrypted_secret from vault.decrypted_secrets where id = ${id}`).toEqual([
      { name, description: 'a partner API key', decrypted_secret: 's3kre3t' },
    ]);

    await sql`select vault.update_secret(${id}, 'n3w')`;
    await sql`select vault.update_secret(${id}, new_description := 'rotated')`;
    expect(await sql`select name, description, decrypted_secret, updated_at > created_at as updated from vault.decrypted_secrets where id = ${id}`).toEqual([
      { name, description: 'rotated', decrypted_secret: 'n3w', updated: true },
    ]);

    await expect(sql`select vault.create_secret('other', ${name})`).rejects.toThrow(/duplicate key value violates unique constraint "secrets_name_idx"/);
    const [unnamed] = await sql<{ id: string }[]>`select vault.create_secret('') as id`;
    expect(await sql`select name, description, decrypted_secret from vault.decrypted_secrets where id = ${unnamed?.id ?? ''}`).toEqual([
      { name: null, description: '', decrypted_secret: '' },
    ]);
    await sql`delete from vault.decrypted_secrets where id = ${unnamed?.id ?? ''}`;
    expect(await sql`select from vault.secrets where id = ${unnamed?.id ?? ''}`).toHaveLength(0);
  });

  it('hold the local stack\'s API URL and service role key', async () => {
    expect(await sql`select name, decrypted_secret from vault.decrypted_secrets where name in ('project_url', 'service_role_key') order by name`).toEqual([
      { name: 'project_url', decrypted_secret: stack.apiUrl },
      { name: 'service_role_key', decrypted_secret: stack.serviceRoleKey },
    ]);
  });

  it('let SQL call an Edge Function as Supabase\'s guide to scheduling functions does', async () => {
    const [row] = await sql<{ id: string }[]>`
      select net.http_post(
        url := (select decrypted_secret from vault.decrypted_secrets where name = 'project_url') || '/functions/v1/whoami',
        headers := jsonb_build_object('Content-Type', 'application/json', 'Authorization', 'Bearer ' || (select decrypted_secret from vault.decrypted_secrets where name = 'service_role_key')),
        body := jsonb_build_object('load_id', ${run}::text),
        timeout_milliseconds := 5000
      )::text as id`;
    const response = await responseOf(sql, row?.id ?? '');
    expect(response).toMatchObject({ status_code: 200, content_type: 'application/json', timed_out: false, error_msg: null });
    expect(JSON.parse(response.content ?? '')).toMatchObject({ sub: null, role: 'service_role' });
  }, 30_000);
});

describe('who may read secrets', () => {
  it('is out of reach through the API, for anon and signed-in users alike', async () => {
    const person = await createUser(sql, 'vault-access');
    try {
      const signedIn = await signIn(person, '203.0.113.82');
      for (const caller of [client(), signedIn]) {
        const secrets = await caller.schema('vault' as never).from('decrypted_secrets').select('*');
        expect(secrets.error?.code, 'the vault schema is not exposed').toBe('PGRST106');
        const create = await caller.schema('vault' as never).rpc('create_secret', { new_secret: 'x' });
        expect(create.error?.code).toBe('PGRST106');
      }
    } finally {
      await sql`delete from auth.users where id = ${person.id}`;
    }
  });

  it('is postgres and service_role in SQL, with Supabase\'s grants; never anon or authenticated', async () => {
    const asRole = (role: string, statement: string) =>
      sql.begin(async (tx) => {
        await tx.unsafe(`set local role ${role}`);
        await tx.unsafe(statement);
        throw new Error('ran');
      }).catch((error: Error) => error.message);
    for (const role of ['anon', 'authenticated']) {
      for (const statement of ['select * from vault.decrypted_secrets', 'select * from vault.secrets', "select vault.create_secret('x')"]) {
        expect(await asRole(role, statement), `${role}: ${statement}`).toBe('permission denied for schema vault');
      }
    }
    for (const role of ['postgres', 'service_role']) {
      expect(await asRole(role, "select decrypted_secret from vault.decrypted_secrets where name = 'project_url'"), role).toBe('ran');
      expect(await asRole(role, `select vault.create_secret('x', 'rolled-back-${run}')`), role).toBe('ran');
    }
    expect(await asRole('service_role', "insert into vault.secrets (secret) values ('plain')")).toBe('permission denied for table secrets');
    expect(await asRole('service_role', 'select * from vault._key')).toBe('permission denied for table _key');
  });
});

describe('the stack\'s secrets', () => {
  it('are written by name at every start, and a ciphertext decrypts only in its own row', async () => {
    const scratchName = `vault_check_${process.pid}`;
    await sql.unsafe(`create database ${scratchName}`);
    const url = new URL(stack.dbUrl);
    url.pathname = `/${scratchName}`;
    const scratch = postgres(url.toString(), { max: 1, onnotice: () => {} });
    try {
      await bootstrap(scratch);
      await storeProjectSecrets(scratch, { project_url: 'http://127.0.0.1:1001', service_role_key: 'first-key' });
      await bootstrap(scratch);
      await storeProjectSecrets(scratch, { project_url: 'http://127.0.0.1:1002', service_role_key: 'second-key' });
      expect(await scratch`select name, decrypted_secret from vault.decrypted_secrets order by name`).toEqual([
        { name: 'project_url', decrypted_secret: 'http://127.0.0.1:1002' },
        { name: 'service_role_key', decrypted_secret: 'second-key' },
      ]);
      await scratch`update vault.secrets set secret = (select secret from vault.secrets where name = 'project_url') where name = 'service_role_key'`;
      await expect(scratch`select decrypted_secret from vault.decrypted_secrets where name = 'service_role_key'`).rejects.toThrow(/Wrong key or corrupt data/);
    } finally {
      await scratch.end();
      await sql.unsafe(`drop database ${scratchName} with (force)`);
    }
  });
});
