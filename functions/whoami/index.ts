import { handler } from '../_shared/http.ts';
import { supabaseEnv } from '../_shared/supabaseClient.ts';
import { whoami } from './handler.ts';

const env = supabaseEnv((name) => Deno.env.get(name));

Deno.serve(handler((req) => whoami(req, env)));
