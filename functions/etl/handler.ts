import type { Sql } from 'postgres';
import { isSourceName, type SourceName } from '../_shared/etl/index.ts';
import { bearerToken, HttpError, json } from '../_shared/http.ts';
import { verifiedClaims } from '../_shared/jwt.ts';
import { userClient, type SupabaseEnv } from '../_shared/supabaseClient.ts';
import { importObjectName, type ImportObjects } from '../_shared/importObjects.ts';
import { inBackground, stepAndChain, type ChainEnv } from './sliceChain.ts';
import { waitForLoad } from './waitForLoad.ts';

const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * How long a start request waits for its load to finish before it answers 202 and leaves the
 * app to follow the load live: well inside the hosted wall clock (150 s) and idle timeout.
 */
const waitForFinishMs = 60_000;

export interface EtlContext {
  env: SupabaseEnv;
  chain: ChainEnv;
  sql: Sql;
  objects: ImportObjects;
}

function parseMapping(raw: string | null): unknown {
  if (raw === null || raw === '') return undefined;
  try {
    return JSON.parse(raw) as unknown;
  } catch {
    throw new HttpError(400, 'invalid_mapping', 'The mapping parameter is not valid JSON');
  }
}

function checkNetwork(network: string | undefined): void {
  if (network !== undefined && !/^[a-z0-9_]+$/.test(network)) throw new HttpError(400, 'invalid_request', 'network must be a lowercase name such as moloco');
}

function checkSource(source: string | undefined): asserts source is SourceName | undefined {
  if (source !== undefined && !isSourceName(source)) {
    throw new HttpError(400, 'invalid_request', `source must be tw_events, tw_clicks or ad_spend, not "${source}"`);
  }
}

interface StartRequest {
  loadId: string;
  workspaceId: string;
  objectName: string;
  source?: SourceName;
  network?: string;
  mapping?: unknown;
}

/** Begins the load of a file in Storage, runs its first step in the background, and answers when it ends (or 202 after a minute). */
async function start(ctx: EtlContext, request: StartRequest): Promise<Response> {
  const size = await ctx.objects.size(request.objectName);
  if (size === null) throw new HttpError(409, 'file_missing', 'The file of this load has not been uploaded (or the upload did not finish): upload it, then start the load.');
  const body = { source: request.source, network: request.network, mapping: request.mapping };
  const [begun] = await ctx.sql<{ status: string }[]>`
    select status from private.etl_slices_begin(${request.loadId}, ${request.objectName}, ${JSON.stringify(body)}::text::jsonb)`;
  if (begun?.status === 'running') inBackground(stepAndChain(ctx.sql, ctx.objects, ctx.chain, request.loadId, 0));
  const outcome = await waitForLoad(ctx.sql, request.loadId, waitForFinishMs);
  if (!outcome.finished) return json({ load: outcome.load, errors: [], mapping: null }, 202);
  return json({ load: outcome.load, errors: outcome.errors, mapping: outcome.load.column_mapping ?? null }, outcome.load.status === 'failed' ? 422 : 200);
}

/** POST {load_id, slice}: the service asks for a step of a load (sliceChain.ts, or the reaper). */
function runStepRequest(ctx: EtlContext, claims: { role?: string }, body: Record<string, unknown>): Response {
  if (claims.role !== 'service_role') throw new HttpError(403, 'forbidden', 'Only the service runs the steps of a load');
  const loadId = String(body.load_id ?? '');
  const slice = body.slice;
  if (!uuid.test(loadId) || typeof slice !== 'number' || !Number.isInteger(slice) || slice < 0) {
    throw new HttpError(400, 'invalid_request', 'load_id must be a load\'s id and slice a step number');
  }
  inBackground(stepAndChain(ctx.sql, ctx.objects, ctx.chain, loadId, slice));
  return json({ accepted: true }, 202);
}

/** POST {load_id, mapping?}: the uploader starts the load of the file they uploaded to Storage. */
async function startUploaded(ctx: EtlContext, req: Request, userId: string, body: Record<string, unknown>): Promise<Response> {
  const loadId = String(body.load_id ?? '');
  if (!uuid.test(loadId)) throw new HttpError(400, 'invalid_request', 'load_id must be the id of the load whose file you uploaded');
  const mapping = body.mapping ?? undefined;
  // With the caller's token: RLS decides whether they see the load at all.
  const { data, error } = await userClient(req, ctx.env).from('etl_loads').select('id, workspace_id, status, created_by, source, network').eq('id', loadId).maybeSingle();
  if (error) throw new HttpError(400, 'invalid_request', error.message);
  if (!data) throw new HttpError(404, 'not_found', 'There is no such load in your workspaces');
  if (data.created_by !== userId) throw new HttpError(403, 'forbidden', 'Only the person who uploaded the file can start its load');
  if (data.status !== 'pending') throw new HttpError(409, 'load_started', `This load is ${String(data.status)} already`);
  // The source the uploader gave the load row (the app's choice), unless the call names another.
  const source = typeof body.source === 'string' ? body.source : typeof data.source === 'string' ? data.source : undefined;
  checkSource(source);
  const network = typeof body.network === 'string' ? body.network : (data.network ?? undefined);
  checkNetwork(network);
  const workspaceId = String(data.workspace_id);
  return start(ctx, { loadId, workspaceId, objectName: importObjectName(workspaceId, loadId), source, network, mapping });
}

/**
 * POST ?workspace_id=…&file_name=…[&source=…][&network=…][&mapping=…] with the file as the
 * body (for API clients and small files): the load row is created with the caller's token (RLS
 * decides who may upload), the body is stored in Storage as the app would upload it, and the
 * load runs from there like any other.
 */
async function uploadAndStart(ctx: EtlContext, req: Request): Promise<Response> {
  const url = new URL(req.url);
  const workspaceId = url.searchParams.get('workspace_id') ?? '';
  const fileName = url.searchParams.get('file_name') ?? '';
  const source = url.searchParams.get('source') ?? undefined;
  const network = url.searchParams.get('network') ?? undefined;
  checkNetwork(network);
  if (!uuid.test(workspaceId)) throw new HttpError(400, 'invalid_request', 'workspace_id must be the workspace\'s id');
  if (!fileName) throw new HttpError(400, 'invalid_request', 'file_name is required');
  checkSource(source);
  if (!req.body) throw new HttpError(400, 'empty_file', 'The request has no file in its body');
  const mapping = parseMapping(url.searchParams.get('mapping'));
  const hash = url.searchParams.get('content_sha256');
  const { data, error } = await userClient(req, ctx.env)
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
  const loadId = String(data.id);
  const objectName = importObjectName(workspaceId, loadId);
  try {
    await ctx.objects.write(objectName, req.body, req.headers.get('content-length'));
  } catch (failure) {
    await ctx.sql`select private.etl_finish(${loadId}, 'failed', ${`The file could not be stored: ${(failure as Error).message}`}, 0, 0, 0)`;
    throw failure;
  }
  return start(ctx, { loadId, workspaceId, objectName, source, network: source === 'ad_spend' ? (network ?? 'moloco') : undefined, mapping });
}

export async function etl(req: Request, ctx: EtlContext): Promise<Response> {
  if (req.method !== 'POST') throw new HttpError(405, 'method_not_allowed', 'Send the file with POST');
  const claims = verifiedClaims(bearerToken(req));
  if ((req.headers.get('content-type') ?? '').startsWith('application/json')) {
    let body: unknown;
    try {
      body = await req.json();
    } catch {
      throw new HttpError(400, 'invalid_request', 'The body is not valid JSON');
    }
    if (body === null || typeof body !== 'object' || Array.isArray(body)) throw new HttpError(400, 'invalid_request', 'Send {"load_id": …}');
    const fields = body as Record<string, unknown>;
    if ('slice' in fields) return runStepRequest(ctx, claims, fields);
    if (!claims.sub) throw new HttpError(401, 'not_signed_in', 'Sign in to start a load');
    return startUploaded(ctx, req, claims.sub, fields);
  }
  if (!claims.sub) throw new HttpError(401, 'not_signed_in', 'Sign in to upload files');
  return uploadAndStart(ctx, req);
}
