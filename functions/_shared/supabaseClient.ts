import { createClient, type SupabaseClient } from '@supabase/supabase-js';
import { bearerToken } from './http.ts';

/** What a function needs to reach the project's APIs; Supabase sets these for every function. */
export interface SupabaseEnv {
  url: string;
  anonKey: string;
}

/** Reads SUPABASE_URL and SUPABASE_ANON_KEY through `get` (`(name) => Deno.env.get(name)` in a function). */
export function supabaseEnv(get: (name: string) => string | undefined): SupabaseEnv {
  const read = (name: string) => {
    const value = get(name);
    if (!value) throw new Error(`${name} is not set`);
    return value;
  };
  return { url: read('SUPABASE_URL'), anonKey: read('SUPABASE_ANON_KEY') };
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
