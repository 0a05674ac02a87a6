import type { Sql } from 'postgres';
import { isSourceName } from '../_shared/etl/index.ts';
import { bearerToken, HttpError, json } from '../_shared/http.ts';
import { verifiedClaims } from '../_shared/jwt.ts';
import { userClient, type SupabaseEnv } from '../_shared/supabaseClient.ts';
import { runLoad } from './loader.ts';

const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function parseMapping(raw: string | null): unknown {
  if (raw === null || raw === '') return undefined;
  try {
    return JSON.parse(raw) as unknown;
  } catch {
    throw new HttpError(400, 'invalid_mapping', 'The mapping parameter is not valid JSON');
  }
}

/**
 * POST /functions/v1/etl?workspace_id=…&file_name=…[&source=…][&network=…][&mapping=…]
 * with the file as the body. The load row is created with the caller's token, so RLS decides
 * who may upload (media buyers and admins); the file then streams through runLoad.
 */
export async function etl(req: Request, env: SupabaseEnv, sql: Sql): Promise<Response> {
  if (req.method !== 'POST') throw new HttpError(405, 'method_not_allowed', 'Send the file with POST');
  const claims = verifiedClaims(bearerToken(req));
  if (!claims.sub) throw new HttpError(401, 'not_signed_in', 'Sign in to upload files');
  const url = new URL(req.url);
  const workspaceId = url.searchParams.get('workspace_id') ?? '';
  const fileName = url.searchParams.get('file_name') ?? '';
  const source = url.searchParams.get('source') ?? undefined;
  const network = url.searchParams.get('network') ?? undefined;
  if (network !== undefined && !/^[a-z0-9_]+$/.test(network)) throw new HttpError(400, 'invalid_request', 'network must be a lowercase name such as moloco');
  if (!uuid.test(workspaceId)) throw new HttpError(400, 'invalid_request', 'workspace_id must be the workspace\'s id');
  if (!fileName) throw new HttpError(400, 'invalid_request', 'file_name is required');
  if (source !== undefined && !isSourceName(source)) {
    throw new HttpError(400, 'invalid_request', `source must be tw_events, tw_clicks or ad_spend, not "${source}"`);
  }
  if (!req.body) throw new HttpError(400, 'empty_file', 'The request has no file in its body');
  const mapping = parseMapping(url.searchParams.get('mapping'));
  const hash = url.searchParams.get('content_sha256');
  const { data, error } = await userClient(req, env)
    .from('etl_loads')
    .insert({
      workspace_id: workspaceId,
      // The source is fixed once the header is read; until then the request's guess stands.
      source: source ?? 'tw_events',
      network: source === 'ad_spend' ? (network ?? 'moloco') : null,
      file_name: fileName.slice(0, 255),
      content_hash: hash && /^[0-9a-f]{64}$/.test(hash) ? hash : null,
      size_bytes: Number(req.headers.get('content-length') ?? '') || null,
    })
    .select('id')
    .single();
  if (error || !data) {
    if (error?.code === '42501') throw new HttpError(403, 'forbidden', 'Only media buyers and admins of this workspace can upload data');
    throw new HttpError(400, 'invalid_request', error?.message ?? 'The load could not be created');
  }
  const outcome = await runLoad(sql, { loadId: String(data.id), workspaceId, source, mapping, network, body: req.body });
  const status = outcome.load.status === 'failed' ? 422 : 200;
  return json({ load: outcome.load, errors: outcome.errors, mapping: outcome.mapping?.mapping ?? null }, status);
}
