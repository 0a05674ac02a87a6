import type { Sql } from 'postgres';
import type { ImportObjects } from '../_shared/importObjects.ts';
import { runStep } from './sliceRunner.ts';

/**
 * How the steps of a load follow one another: each step runs in an invocation of its own (so
 * each has a hosted invocation's CPU, memory and wall clock to itself) and, once committed,
 * asks for the next with a request to this function, sent as background work
 * (EdgeRuntime.waitUntil) that ends as soon as the next invocation has taken the request. If
 * that request is lost, or the worker dies, the load's heartbeat stops and the reaper resumes
 * it from its checkpoint (private.etl_reap_loads, through pg_net).
 */

export interface ChainEnv {
  url: string;
  serviceKey: string;
  /** Bytes per slice (sliceRunner.ts). */
  sliceBytes?: number;
}

declare const EdgeRuntime: { waitUntil(promise: Promise<unknown>): void } | undefined;

/** Runs `work` after the response, as hosted Supabase does with EdgeRuntime.waitUntil. */
export function inBackground(work: Promise<unknown>): void {
  const task = work.catch((error: unknown) => console.error('etl background step failed:', error));
  if (typeof EdgeRuntime !== 'undefined') EdgeRuntime.waitUntil(task);
}

/** Asks the etl function to run step `slice` of a load; true once an invocation has taken it. */
export async function requestStep(env: ChainEnv, loadId: string, slice: number): Promise<boolean> {
  // A couple of tries: a worker being replaced may refuse a request; past that, the reaper.
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const response = await fetch(`${env.url}/functions/v1/etl`, {
        method: 'POST',
        headers: { authorization: `Bearer ${env.serviceKey}`, apikey: env.serviceKey, 'content-type': 'application/json' },
        body: JSON.stringify({ load_id: loadId, slice }),
      });
      await response.body?.cancel();
      if (response.status === 202) return true;
      console.error(`etl: step ${slice} of load ${loadId} was refused (${response.status})`);
    } catch (error) {
      console.error(`etl: step ${slice} of load ${loadId} could not be requested:`, error);
    }
    await new Promise((resolve) => setTimeout(resolve, 250 * (attempt + 1)));
  }
  return false;
}

/** Runs one step here, then asks for the next one. */
export async function stepAndChain(sql: Sql, objects: ImportObjects, env: ChainEnv, loadId: string, slice: number): Promise<void> {
  const outcome = await runStep(sql, objects, loadId, slice, env.sliceBytes);
  if ('next' in outcome) await requestStep(env, loadId, outcome.next);
  // A load that ended needs its staging no more (the reaper would drop it otherwise, later).
  else await sql`select private.etl_slices_cleanup(${loadId})`;
}
