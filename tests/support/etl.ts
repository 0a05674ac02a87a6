import type { SupabaseClient } from '@supabase/supabase-js';
import { FunctionsHttpError } from '@supabase/supabase-js';

/** What the ETL function answers. */
export interface EtlResponse {
  load: {
    id: string;
    source: string;
    status: string;
    rows_read: string;
    rows_accepted: string;
    rows_rejected: string;
    rows_superseded: string;
    duplicate_of: string | null;
    error_summary: string | null;
  };
  errors: { line: number; column: string | null; value: string | null; reason: string; message: string }[];
}

export interface UploadOptions {
  source?: string;
  network?: string;
  mapping?: unknown;
}

/**
 * Uploads a file through the ETL edge function with supabase-js, as the app does, and
 * returns the function's answer whatever its status (errors included).
 */
export async function upload(
  client: SupabaseClient,
  workspaceId: string,
  fileName: string,
  body: string | Uint8Array | ReadableStream<Uint8Array>,
  options: UploadOptions = {},
): Promise<{ status: number; body: EtlResponse }> {
  const params = new URLSearchParams({ workspace_id: workspaceId, file_name: fileName });
  if (options.source) params.set('source', options.source);
  if (options.network) params.set('network', options.network);
  if (options.mapping) params.set('mapping', JSON.stringify(options.mapping));
  // functions-js sends a Blob as bytes (a bare Uint8Array would go as JSON).
  const payload = body instanceof Uint8Array ? new Blob([new Uint8Array(body)]) : body;
  const { data, error, response } = await client.functions.invoke(`etl?${params}`, {
    body: payload as never,
    headers: { 'content-type': 'text/csv' },
  });
  if (error instanceof FunctionsHttpError) {
    const res = error.context as Response;
    return { status: res.status, body: (await res.json()) as EtlResponse };
  }
  if (error) throw error;
  return { status: response?.status ?? 200, body: data as EtlResponse };
}

/** Uploads a file that must load: throws with the load's status and error summary otherwise. */
export async function uploadDone(client: SupabaseClient, workspaceId: string, fileName: string, body: string): Promise<void> {
  const { body: answer } = await upload(client, workspaceId, fileName, body);
  if (answer.load.status !== 'done') throw new Error(`${fileName}: ${answer.load.status} ${answer.load.error_summary ?? ''}`);
}

