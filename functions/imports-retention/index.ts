import postgres from 'postgres';
import { importObjects } from '../_shared/importObjects.ts';
import { handler } from '../_shared/http.ts';
import { supabaseEnv } from '../_shared/supabaseClient.ts';
import { importsRetention } from './handler.ts';

const env = supabaseEnv((name) => Deno.env.get(name));
const dbUrl = Deno.env.get('SUPABASE_DB_URL');
const serviceKey = Deno.env.get('SUPABASE_SERVICE_ROLE_KEY');
if (!dbUrl) throw new Error('SUPABASE_DB_URL is not set');
if (!serviceKey) throw new Error('SUPABASE_SERVICE_ROLE_KEY is not set');
// A run works one batch at a time, in one transaction.
const sql = postgres(dbUrl, { max: 2, onnotice: () => {} });
const objects = importObjects(env.url, serviceKey);

Deno.serve(handler((req) => importsRetention(req, { sql, objects })));
