import postgres from 'postgres';
import { handler } from '../_shared/http.ts';
import { importObjects } from '../_shared/importObjects.ts';
import { serviceEnv } from '../_shared/supabaseClient.ts';
import { etl } from './handler.ts';
import { defaultSliceBytes } from './sliceRunner.ts';

const env = serviceEnv((name) => Deno.env.get(name));
const { dbUrl, serviceKey } = env;
// One small pool per worker: a step holds one connection for its transaction; heartbeats and waits use others.
// A connection that cannot be made in 10 s is given up (not postgres.js's 30 s): after a database
// restart the step fails fast, and the reaper's resume gets a fresh connection instead of waiting.
const sql = postgres(dbUrl, { max: 6, connect_timeout: 10, onnotice: () => {} });
const objects = importObjects(env.url, serviceKey);
// At least 64 KiB: a slice must hold a record of the longest kind the parser reads whole.
const sliceBytes = Math.max(2 ** 16, Number(Deno.env.get('ETL_SLICE_BYTES') ?? '') || defaultSliceBytes);

Deno.serve(handler((req) => etl(req, { env, chain: { url: env.url, serviceKey, sliceBytes }, sql, objects })));
