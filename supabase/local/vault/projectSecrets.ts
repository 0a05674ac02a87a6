import type { Sql } from 'postgres';

/**
 * The Vault secrets SQL uses to call the project's Edge Functions, as Supabase's guide to
 * scheduling functions names them: `project_url` and `service_role_key`.
 * https://supabase.com/docs/guides/functions/schedule-functions
 */
export interface ProjectSecrets {
  project_url: string;
  service_role_key: string;
}

const descriptions: Record<keyof ProjectSecrets, string> = {
  project_url: 'The API URL of the local stack, written at every start',
  service_role_key: 'The service role key of the local stack, written at every start',
};

/**
 * Writes the secrets into the Vault stand-in (bootstrap/41_vault.sql), by name, at every start:
 * the stack's port can change between starts. A hosted project's operator stores them once.
 * A database with the real Vault (DATABASE_URL) is left alone: its secrets are its operator's.
 */
export async function storeProjectSecrets(sql: Sql, secrets: ProjectSecrets): Promise<void> {
  const [found] = await sql<{ standIn: boolean }[]>`
    select to_regclass('vault.secrets') is not null and not exists (select from pg_extension where extname = 'supabase_vault') as "standIn"`;
  if (!found?.standIn) return;
  for (const name of Object.keys(descriptions) as (keyof ProjectSecrets)[]) {
    const updated = await sql`select vault.update_secret(id, ${secrets[name]}) from vault.secrets where name = ${name}`;
    if (updated.count === 0) await sql`select vault.create_secret(${secrets[name]}, ${name}, ${descriptions[name]})`;
  }
}
