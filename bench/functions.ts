import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createClient } from '@supabase/supabase-js';
import ws from 'ws';
import { signJwt } from '../supabase/local/jwt.ts';
import { startStack } from '../supabase/local/stack.ts';
import { freePort } from '../tests/support/globalSetup.ts';
import { summarize } from './stats.ts';

/** The function measured: real, from functions/, with verify_jwt and a REST call for users. */
const functionName = 'whoami';

const round = (ms: number) => Math.round(ms * 100) / 100;

/**
 * Edge-function latency through supabase-js `functions.invoke` against a started stack:
 * the cold start (the first call spawns the function's Deno worker) and warm calls,
 * sequential so that each figure is one request's latency, not queueing. Warm calls are
 * measured twice: with the anon key (relay + JWT check + Deno, no database) and with a
 * user's token (the function also reads the user's workspaces through REST under RLS).
 */
export async function functionsBench(options: { warmCalls?: number } = {}): Promise<Record<string, string | number>> {
  const warmCalls = options.warmCalls ?? 500;
  const dataDir = mkdtempSync(join(tmpdir(), 'arbidesk-bench-functions-'));
  const stack = await startStack({ dataDir, apiPort: 0, dbPort: await freePort(), seed: false });
  try {
    const functions = createClient(stack.apiUrl, stack.keys.anonKey, {
      auth: { persistSession: false, autoRefreshToken: false },
      realtime: { transport: ws as never },
    }).functions;
    const now = Math.floor(Date.now() / 1000);
    const userToken = signJwt({ sub: randomUUID(), role: 'authenticated', aud: 'authenticated', iat: now, exp: now + 3600 }, stack.keys.jwtSecret);
    const invoke = async (headers: Record<string, string> = {}) => {
      const began = performance.now();
      const { error } = await functions.invoke(functionName, { headers });
      if (error) throw error;
      return performance.now() - began;
    };
    const series = async (headers: Record<string, string>) => {
      for (let i = 0; i < 20; i++) await invoke(headers);
      const samples: number[] = [];
      const began = performance.now();
      for (let i = 0; i < warmCalls; i++) samples.push(await invoke(headers));
      return { ...summarize(samples), perSecond: Math.round((warmCalls / (performance.now() - began)) * 1000) };
    };
    const coldMs = await invoke();
    const anon = await series({});
    const user = await series({ Authorization: `Bearer ${userToken}` });
    return {
      function: functionName,
      'cold start ms (first call: Deno worker spawn + boot + request)': round(coldMs),
      'warm calls per series': warmCalls,
      'warm anon p50 ms': round(anon.p50),
      'warm anon p95 ms': round(anon.p95),
      'warm anon calls/s (sequential)': anon.perSecond,
      'warm user p50 ms (+ REST under RLS)': round(user.p50),
      'warm user p95 ms (+ REST under RLS)': round(user.p95),
      'warm user calls/s (sequential)': user.perSecond,
    };
  } finally {
    await stack.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}
