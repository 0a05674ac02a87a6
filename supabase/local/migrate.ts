import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Sql } from 'postgres';
import { projectRoot } from './config.ts';
import { quoteIdent } from './sqlText.ts';

const migrationsDir = resolve(projectRoot, 'supabase/migrations');
const seedFile = resolve(projectRoot, 'supabase/seed.sql');
const bootstrapDir = resolve(projectRoot, 'supabase/local/bootstrap');

/** Serialises bootstraps and migrations of concurrent starters on one database. */
const migrationLock = 4_710_042;

export interface MigrationFile {
  version: string;
  name: string;
  path: string;
}

/** Files named `<version>_<name>.sql`, in version order, as the Supabase CLI reads them. */
export function migrationFiles(dir = migrationsDir): MigrationFile[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((file) => /^\d+_.+\.sql$/.test(file))
    .sort()
    .map((file) => {
      const [, version = '', name = ''] = /^(\d+)_(.+)\.sql$/.exec(file) ?? [];
      return { version, name, path: join(dir, file) };
    });
}

/** Runs supabase/local/bootstrap/*.sql in name order (platform, then realtime, …); each is idempotent. */
export async function bootstrap(sql: Sql): Promise<void> {
  await sql.begin(async (tx) => {
    await tx`select pg_advisory_xact_lock(${migrationLock})`;
    for (const file of readdirSync(bootstrapDir).filter((f) => f.endsWith('.sql')).sort()) {
      await tx.unsafe(readFileSync(join(bootstrapDir, file), 'utf8'));
    }
  });
}

/**
 * Applies every migration not yet in supabase_migrations.schema_migrations, each in its own
 * transaction with its record, so a failed file leaves nothing half-applied.
 * Returns the versions applied.
 */
export async function migrate(sql: Sql): Promise<string[]> {
  const applied: string[] = [];
  await sql.begin(async (tx) => {
    await tx`select pg_advisory_xact_lock(${migrationLock})`;
    const done = new Set((await tx<{ version: string }[]>`select version from supabase_migrations.schema_migrations`).map((r) => r.version));
    for (const file of migrationFiles()) {
      if (done.has(file.version)) continue;
      const text = readFileSync(file.path, 'utf8');
      try {
        await tx.savepoint(async (sp) => {
          await sp.unsafe(text);
          await sp`insert into supabase_migrations.schema_migrations (version, name, statements) values (${file.version}, ${file.name}, ${[text]})`;
        });
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        throw new Error(`Migration ${file.version}_${file.name}.sql failed: ${message}`);
      }
      applied.push(file.version);
    }
  });
  return applied;
}

export async function seed(sql: Sql): Promise<boolean> {
  if (!existsSync(seedFile)) return false;
  await sql.unsafe(readFileSync(seedFile, 'utf8'));
  return true;
}

/** Schemas the platform owns; a reset leaves them and drops every other one. */
const platformSchemas = [
  'information_schema', 'auth', 'extensions', 'realtime', 'storage', 'graphql', 'graphql_public',
  'vault', 'pgsodium', 'pgsodium_masks', 'net', 'supabase_functions', 'cron', 'pgbouncer', 'supabase_migrations',
];

/** Drops the project's schemas, users and migration records, as `supabase db reset` does. */
export async function dropProjectData(sql: Sql): Promise<void> {
  const schemas = await sql<{ nspname: string }[]>`
    select nspname from pg_namespace
    where nspname not like 'pg\\_%' and nspname <> all(${platformSchemas})`;
  for (const { nspname } of schemas) await sql.unsafe(`drop schema ${quoteIdent(nspname)} cascade`);
  await sql.unsafe('create schema public; grant usage on schema public to public');
  await sql`truncate auth.users, auth.sessions, auth.refresh_tokens, auth.identities cascade`;
  await sql`truncate supabase_migrations.schema_migrations`;
  // The migrations schedule their jobs again; a job of a dropped function must not linger.
  const [cron] = await sql<{ jobs: boolean }[]>`select to_regclass('cron.job') is not null as jobs`;
  if (cron?.jobs) await sql`delete from cron.job`;
  await dropStorageData(sql);
}

/**
 * The storage schema is the platform's and stays, but its buckets and objects are the
 * project's, and so are the policies on them: the migrations write them again, and would fail
 * on ones left behind.
 */
async function dropStorageData(sql: Sql): Promise<void> {
  const [storage] = await sql<{ present: boolean }[]>`select to_regclass('storage.objects') is not null and to_regclass('storage.buckets') is not null as present`;
  if (!storage?.present) return;
  const policies = await sql<{ policyname: string; tablename: string }[]>`select policyname, tablename from pg_policies where schemaname = 'storage'`;
  for (const { policyname, tablename } of policies) await sql.unsafe(`drop policy ${quoteIdent(policyname)} on storage.${quoteIdent(tablename)}`);
  await sql.begin(async (tx) => {
    // As the storage API deletes them: storage.protect_delete refuses plain SQL.
    await tx`select set_config('storage.allow_delete_query', 'true', true)`;
    await tx`delete from storage.objects`;
    await tx`delete from storage.buckets`;
  });
}
