import { createClient, type SupabaseClient } from '@supabase/supabase-js';
import { bearerToken } from './http.ts';

/** What a function needs to reach the project's APIs; Supabase sets these for every function. */
export interface SupabaseEnv {
  url: string;
  anonKey: string;
}

function reader(get: (name: string) => string | undefined): (name: string) => string {
  return (name) => {
    const value = get(name);
    if (!value) throw new Error(`${name} is not set`);
    return value;
  };
}

/** Reads SUPABASE_URL and SUPABASE_ANON_KEY through `get` (`(name) => Deno.env.get(name)` in a function). */
export function supabaseEnv(get: (name: string) => string | undefined): SupabaseEnv {
  const read = reader(get);
  return { url: read('SUPABASE_URL'), anonKey: read('SUPABASE_ANON_KEY') };
}

/** What a function that works as the service needs besides: the database and the service key, which Supabase sets too. */
export interface ServiceEnv extends SupabaseEnv {
  dbUrl: string;
  serviceKey: string;
}

/** supabaseEnv plus SUPABASE_DB_URL and SUPABASE_SERVICE_ROLE_KEY. */
export function serviceEnv(get: (name: string) => string | undefined): ServiceEnv {
  const read = reader(get);
  return { ...supabaseEnv(get), dbUrl: read('SUPABASE_DB_URL'), serviceKey: read('SUPABASE_SERVICE_ROLE_KEY') };
}

/**
 * A client that acts as the caller: their token goes with every request, so row-level
 * security applies inside the function exactly as it does in the app.
 */
export function userClient(req: Request, env: SupabaseEnv): SupabaseClient {
  return createClient(env.url, env.anonKey, {
    global: { headers: { Authorization: `Bearer ${bearerToken(req)}` } },
    auth: { persistSession: false, autoRefreshToken: false, detectSessionInUrl: false },
  });
}
