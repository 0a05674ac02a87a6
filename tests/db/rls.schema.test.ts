import postgres, { type Sql } from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { modules } from '../../supabase/accessMatrix.ts';
import { loadConfig } from '../../supabase/local/config.ts';
import { bootstrap, migrate } from '../../supabase/local/migrate.ts';
import { db, stack } from '../support/clients.ts';

/**
 * Schema-wide guards over exactly what the migrations create (a scratch database, so other
 * test files' fixture tables do not count): every exposed table has row-level security, no
 * policy lets every caller through, and every table has a row in the access matrix.
 */

const admin = db();
const scratchName = `schema_check_${process.pid}`;
let scratch: Sql;
const exposed = loadConfig().schemas;

beforeAll(async () => {
  await admin.unsafe(`create database ${scratchName}`);
  const url = new URL(stack.dbUrl);
  url.pathname = `/${scratchName}`;
  scratch = postgres(url.toString(), { max: 1, onnotice: () => {} });
  await bootstrap(scratch);
  await migrate(scratch);
});

afterAll(async () => {
  await scratch.end();
  await admin.unsafe(`drop database ${scratchName} with (force)`);
  await admin.end();
});

describe('row-level security across the exposed schemas', () => {
  it('is enabled on every table, exposed or kept in private', async () => {
    const missing = await scratch`
      select n.nspname || '.' || c.relname as name from pg_class c join pg_namespace n on n.oid = c.relnamespace
      where n.nspname = any(${[...exposed, 'private']}) and c.relkind in ('r', 'p') and not c.relrowsecurity`;
    expect(missing.map((r) => r.name)).toEqual([]);
  });

  it('has no policy that is always true for API roles', async () => {
    const open = await scratch`
      select schemaname || '.' || tablename || ': ' || policyname as name from pg_policies
      where schemaname = any(${exposed})
        and (roles && array['authenticated', 'anon', 'public']::name[])
        and (coalesce(qual, '') in ('true', '(true)') or coalesce(with_check, '') in ('true', '(true)'))`;
    expect(open.map((r) => r.name)).toEqual([]);
  });

  it('exposes views only as security_invoker, so they cannot bypass policies', async () => {
    const definers = await scratch`
      select n.nspname || '.' || c.relname as name from pg_class c join pg_namespace n on n.oid = c.relnamespace
      where n.nspname = any(${exposed}) and c.relkind in ('v', 'm')
        and not coalesce('security_invoker=true' = any(c.reloptions), false)`;
    expect(definers.map((r) => r.name)).toEqual([]);
  });

  it('lists every table in the access matrix, and nothing the migrations do not create', async () => {
    const tables = await scratch`
      select c.relname as name from pg_class c join pg_namespace n on n.oid = c.relnamespace
      where n.nspname = 'public' and c.relkind in ('r', 'p') and not c.relispartition order by 1`;
    const inMatrix = modules.flatMap((m) => m.tables.map((t) => t.name)).sort();
    expect(tables.map((r) => r.name)).toEqual(inMatrix);
  });

  it('keeps every reference between two workspaces\' rows inside one workspace (the key holds workspace_id)', async () => {
    const loose = await scratch`
      select c.conrelid::regclass::text || ': ' || pg_get_constraintdef(c.oid) as name
      from pg_constraint c
      join pg_attribute child on child.attrelid = c.conrelid and child.attname = 'workspace_id' and not child.attisdropped
      join pg_attribute parent on parent.attrelid = c.confrelid and parent.attname = 'workspace_id' and not parent.attisdropped
      where c.contype = 'f' and not child.attnum = any (c.conkey)`;
    expect(loose.map((r) => r.name)).toEqual([]);
  });

  it('pins the search_path of every function that runs with its owner\'s rights', async () => {
    const unpinned = await scratch`
      select p.oid::regprocedure::text as name from pg_proc p join pg_namespace n on n.oid = p.pronamespace
      where p.prosecdef and n.nspname in ('public', 'private')
        and not exists (select 1 from unnest(coalesce(p.proconfig, '{}')) setting where setting like 'search_path=%')`;
    expect(unpinned.map((r) => r.name)).toEqual([]);
  });

  it('names every policy as a sentence', async () => {
    const terse = await scratch`
      select tablename || ': ' || policyname as name from pg_policies
      where schemaname = any(${exposed}) and policyname !~ '^[a-z]+( [^ ]+){3,}$'`;
    expect(terse.map((r) => r.name)).toEqual([]);
  });
});
