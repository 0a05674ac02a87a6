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

/**
 * A conversions file sent slowly, `batches` chunks of 500 rows 20 ms apart, so a test can act
 * while its load runs. Returns the status the function answers with (0 if the request broke).
 */
export function uploadSlowly(apiUrl: string, token: string, workspaceId: string, fileName: string, batches = 300): Promise<number> {
  const header = 'event_id,event_time,event_type,campaign_id,offer_id,geo,payout,currency\n';
  const encoder = new TextEncoder();
  let chunk = 0;
  const slow = new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (chunk === 0) controller.enqueue(encoder.encode(header));
      if (chunk >= batches) return controller.close();
      let rows = '';
      for (let i = 0; i < 500; i++) rows += `${fileName}-${chunk}-${i},2026-07-02,registration,c1,o1,RU,1,USD\n`;
      controller.enqueue(encoder.encode(rows));
      chunk++;
      await new Promise((r) => setTimeout(r, 20));
    },
  });
  const params = new URLSearchParams({ workspace_id: workspaceId, file_name: fileName });
  return fetch(`${apiUrl}/functions/v1/etl?${params}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'text/csv' },
    body: slow,
    duplex: 'half',
  } as RequestInit).then(async (r) => {
    await r.arrayBuffer().catch(() => undefined);
    return r.status;
  }, () => 0);
}
