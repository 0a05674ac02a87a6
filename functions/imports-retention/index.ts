import postgres from 'postgres';
import { importObjects } from '../_shared/importObjects.ts';
import { handler } from '../_shared/http.ts';
import { serviceEnv } from '../_shared/supabaseClient.ts';
import { importsRetention } from './handler.ts';

const env = serviceEnv((name) => Deno.env.get(name));
// A run works one batch at a time, in one transaction.
const sql = postgres(env.dbUrl, { max: 2, onnotice: () => {} });
const objects = importObjects(env.url, env.serviceKey);

Deno.serve(handler((req) => importsRetention(req, { sql, objects })));
