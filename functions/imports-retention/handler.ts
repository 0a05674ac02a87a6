import type { Sql } from 'postgres';
import type { ImportObjects } from '../_shared/importObjects.ts';
import { bearerToken, HttpError, json } from '../_shared/http.ts';
import { verifiedClaims } from '../_shared/jwt.ts';

/**
 * Originals removed per request to Storage, and per invocation: a batch is one short request,
 * and a run of five stays far inside a hosted function's 2 s of CPU and 150 s; the hourly job
 * takes what is left next time.
 */
export const retentionBatch = 100;
export const retentionCapPerRun = 500;

export interface RetentionContext {
  sql: Sql;
  objects: ImportObjects;
  batch?: number;
  cap?: number;
}

/** What a run did: how many originals Storage removed, for how many loads, and whether more are due. */
export interface RetentionOutcome {
  removed: number;
  loads: number;
  more: boolean;
}

/**
 * One batch in one transaction: the due loads are locked (another run skips them), Storage
 * removes their originals, and the loads record it. A failed Storage request rolls the record
 * back and leaves the batch to the next run; an original Storage no longer has counts as removed.
 */
async function removeBatch(ctx: RetentionContext, size: number): Promise<{ loads: number; removed: number }> {
  return ctx.sql.begin(async (tx) => {
    const due = await tx<{ load_id: string; object_name: string }[]>`select load_id, object_name from private.import_originals_due(${size})`;
    if (due.length === 0) return { loads: 0, removed: 0 };
    const removed = await ctx.objects.remove(due.map((d) => d.object_name));
    await tx`select private.import_originals_removed(${due.map((d) => d.load_id)}::uuid[])`;
    return { loads: due.length, removed: removed.length };
  });
}

/** Removes the originals past their workspace's retention, up to the cap of a run. */
export async function removeDueOriginals(ctx: RetentionContext): Promise<RetentionOutcome> {
  const batch = ctx.batch ?? retentionBatch;
  const cap = ctx.cap ?? retentionCapPerRun;
  const outcome: RetentionOutcome = { removed: 0, loads: 0, more: false };
  while (outcome.loads < cap) {
    const done = await removeBatch(ctx, Math.min(batch, cap - outcome.loads));
    outcome.loads += done.loads;
    outcome.removed += done.removed;
    if (done.loads === 0) return outcome;
  }
  const [next] = await ctx.sql<{ due: boolean }[]>`select exists (select from private.import_originals_due(1)) as due`;
  return { ...outcome, more: next?.due ?? false };
}

/** A request may ask for less work than the cap (tests, a careful first run), never more. */
async function requestedCap(req: Request): Promise<number> {
  const body: unknown = await req.json().catch(() => ({}));
  const limit = body !== null && typeof body === 'object' && 'limit' in body ? body.limit : undefined;
  if (limit === undefined) return retentionCapPerRun;
  if (typeof limit !== 'number' || !Number.isInteger(limit) || limit < 1) throw new HttpError(400, 'invalid_request', 'limit must be a whole number of originals, at least 1');
  return Math.min(limit, retentionCapPerRun);
}

/** POST with the service key (Supabase Cron through pg_net), optionally {limit}: one run of the retention job. */
export async function importsRetention(req: Request, ctx: RetentionContext): Promise<Response> {
  if (req.method !== 'POST') throw new HttpError(405, 'method_not_allowed', 'Run the retention job with POST');
  const claims = verifiedClaims(bearerToken(req));
  if (claims.role !== 'service_role') throw new HttpError(403, 'forbidden', 'Only the service runs the retention of imported originals');
  return json(await removeDueOriginals({ ...ctx, cap: Math.min(ctx.cap ?? retentionCapPerRun, await requestedCap(req)) }));
}
