import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createClient } from '@supabase/supabase-js';
import ws from 'ws';
import { generateDemoData, type DemoSummary } from './demo/generate.ts';
import { loadDemoRegistry } from './demoRegistry.ts';
import { demoUsers } from './demoUsers.ts';

/** The demo team seed.sql creates. */
export const demoWorkspaceId = '00000000-0000-4000-8000-0000000000a1';

export interface DemoLoad {
  file: string;
  status: string;
  accepted: number;
  rejected: number;
}

/** Yesterday in UTC, so "today / yesterday / 7 days" on a new stack show data. */
function yesterday(): string {
  return new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);
}

/**
 * Generates 90 days of realistic TrafficWave and Moloco exports (seeded, so every new stack
 * gets the same numbers for the same end date) and loads them through the ETL function as the
 * demo media buyer, exactly the path a team's own files take; then the affiliate manager's
 * offers registry over it (demoRegistry.ts).
 */
export async function loadDemoData(apiUrl: string, anonKey: string, dataDir: string, days = 90): Promise<{ loads: DemoLoad[]; summary: DemoSummary }> {
  const data = generateDemoData({ seed: 2026, days, endDate: yesterday(), scale: 1, outDir: join(dataDir, 'demo') });
  const client = createClient(apiUrl, anonKey, { auth: { persistSession: false, autoRefreshToken: false }, realtime: { transport: ws as never } });
  const buyer = demoUsers.users.find((u) => u.role === 'media_buyer');
  if (!buyer) throw new Error('no demo media buyer');
  const { error } = await client.auth.signInWithPassword({ email: buyer.email, password: demoUsers.password });
  if (error) throw new Error(`demo sign-in failed: ${error.message}`);
  const loads: DemoLoad[] = [];
  for (const [source, path] of [['tw_clicks', data.files.twClicks], ['ad_spend', data.files.adSpend], ['tw_events', data.files.twEvents]] as const) {
    const file = path.split('/').pop() ?? path;
    const params = new URLSearchParams({ workspace_id: demoWorkspaceId, file_name: file, source });
    const { data: answer, error: failed } = await client.functions.invoke(`etl?${params}`, { body: new Blob([readFileSync(path)]) });
    if (failed) throw new Error(`demo load of ${file} failed: ${failed.message}`);
    const load = (answer as { load: { status: string; rows_accepted: string; rows_rejected: string } }).load;
    loads.push({ file, status: load.status, accepted: Number(load.rows_accepted), rejected: Number(load.rows_rejected) });
  }
  await client.auth.signOut();
  await loadDemoRegistry(apiUrl, anonKey, demoWorkspaceId);
  return { loads, summary: data.summary };
}
