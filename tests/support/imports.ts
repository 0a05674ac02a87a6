import { FunctionsHttpError, type SupabaseClient } from '@supabase/supabase-js';
import { serviceClient } from './clients.ts';

/** The private bucket of uploaded originals and an original's name in it, as the app names them. */
export const importsBucket = 'imports';
export const originalPath = (workspaceId: string, loadId: string) => `${workspaceId}/${loadId}/original.csv`;

/**
 * An import as the app makes one, with supabase-js: the load row, the file into Storage (one
 * request: fixtures are small), then the etl function started on it. Returns the load's id and
 * the function's answer.
 */
export async function importThroughStorage(client: SupabaseClient, workspaceId: string, fileName: string, body: string): Promise<{ loadId: string; status: number; load: { status: string } }> {
  const { data: row, error } = await client
    .from('etl_loads')
    .insert({ workspace_id: workspaceId, source: 'tw_events', network: null, file_name: fileName, size_bytes: Buffer.byteLength(body) })
    .select('id')
    .single();
  if (error || !row) throw new Error(`load row: ${error?.message}`);
  const loadId = String(row.id);
  const stored = await client.storage.from(importsBucket).upload(originalPath(workspaceId, loadId), new Blob([body], { type: 'text/csv' }), { contentType: 'text/csv', upsert: false });
  if (stored.error) throw new Error(`original: ${stored.error.message}`);
  const started = await client.functions.invoke('etl', { body: { load_id: loadId } });
  if (started.error instanceof FunctionsHttpError) {
    const response = started.error.context as Response;
    return { loadId, status: response.status, ...((await response.json()) as { load: { status: string } }) };
  }
  if (started.error) throw started.error;
  return { loadId, status: started.response?.status ?? 200, ...(started.data as { load: { status: string } }) };
}

/** The bytes Storage keeps of a load's original (through the service role), or null when there are none. */
export async function storedOriginal(workspaceId: string, loadId: string): Promise<Buffer | null> {
  const { data, error } = await serviceClient().storage.from(importsBucket).download(originalPath(workspaceId, loadId));
  if (error) return null;
  return Buffer.from(await data.arrayBuffer());
}
