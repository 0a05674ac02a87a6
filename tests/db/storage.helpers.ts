import { randomUUID } from 'node:crypto';
import type { Sql } from 'postgres';
import { quoteIdent, quoteLiteral } from '../../supabase/local/sqlText.ts';
import { serviceClient } from '../support/clients.ts';

/** A name of the test's own: the stack is shared by test files running side by side. */
export function uniqueName(label: string): string {
  return `${label}-${randomUUID().slice(0, 8)}`;
}

/** Creates a bucket through the service role, as a project's setup does. */
export async function createBucket(label: string, options: { public?: boolean; fileSizeLimit?: number | string; allowedMimeTypes?: string[] } = {}): Promise<string> {
  const id = uniqueName(label);
  const { error } = await serviceClient().storage.createBucket(id, { public: options.public ?? false, fileSizeLimit: options.fileSizeLimit, allowedMimeTypes: options.allowedMimeTypes });
  if (error) throw new Error(`bucket ${id} was not created: ${error.message}`);
  return id;
}

/** Empties and deletes buckets through the API (rows deleted in SQL would leave their bytes). */
export async function removeBuckets(...ids: string[]): Promise<void> {
  const service = serviceClient();
  for (const id of ids) {
    await service.storage.emptyBucket(id);
    await service.storage.deleteBucket(id);
  }
}

/**
 * The policies the Supabase docs give for per-user folders: a signed-in user reads, writes,
 * replaces and deletes only under a folder named after their id. Returns their remover.
 */
export async function ownFolderPolicies(sql: Sql, bucket: string): Promise<() => Promise<void>> {
  const own = `bucket_id = ${quoteLiteral(bucket)} and (storage.foldername(name))[1] = (select auth.uid()::text)`;
  const names = { select: `${bucket} own read`, insert: `${bucket} own write`, update: `${bucket} own replace`, delete: `${bucket} own delete` };
  await sql.unsafe(`
    create policy ${quoteIdent(names.select)} on storage.objects for select to authenticated using (${own});
    create policy ${quoteIdent(names.insert)} on storage.objects for insert to authenticated with check (${own});
    create policy ${quoteIdent(names.update)} on storage.objects for update to authenticated using (${own}) with check (${own});
    create policy ${quoteIdent(names.delete)} on storage.objects for delete to authenticated using (${own});`);
  return () => dropPolicies(sql, 'objects', Object.values(names));
}

export async function dropPolicies(sql: Sql, table: 'objects' | 'buckets', names: string[]): Promise<void> {
  for (const name of names) await sql.unsafe(`drop policy if exists ${quoteIdent(name)} on storage.${table}`);
}
