import postgres from 'postgres';
import { handler } from '../_shared/http.ts';
import { supabaseEnv } from '../_shared/supabaseClient.ts';
import { etl } from './handler.ts';

const env = supabaseEnv((name) => Deno.env.get(name));
const dbUrl = Deno.env.get('SUPABASE_DB_URL');
if (!dbUrl) throw new Error('SUPABASE_DB_URL is not set');
// One small pool per worker: a load holds one connection for its transaction, progress uses another.
const sql = postgres(dbUrl, { max: 6, onnotice: () => {} });

Deno.serve(handler((req) => etl(req, env, sql)));
