import { createClient, type SupabaseClient } from '@supabase/supabase-js';
import type { AppConfig } from './config.ts';
import { Connectivity, resilientFetch } from './connectivity.ts';
import { createDataApi, type DataApi } from './dataApi.ts';

let connected: { api: DataApi; client: SupabaseClient; connectivity: Connectivity; config: AppConfig } | undefined;

/**
 * Makes the app's one Supabase client. Every request goes through resilientFetch, so a lost
 * connection shows at once and GETs are retried; the Auth health check tells when the
 * backend is back.
 */
export function connectBackend(config: AppConfig, onReachabilityChange: (reachable: boolean) => void): DataApi {
  const connectivity = new Connectivity({
    onChange: onReachabilityChange,
    probe: async () => {
      const response = await fetch(`${config.supabaseUrl}/auth/v1/health`, { headers: { apikey: config.supabaseAnonKey }, cache: 'no-store' });
      return response.ok;
    },
  });
  const client = createClient(config.supabaseUrl, config.supabaseAnonKey, {
    auth: { persistSession: true, autoRefreshToken: true, detectSessionInUrl: true },
    global: { fetch: resilientFetch((input, init) => fetch(input, init), connectivity) },
  });
  if (!navigator.onLine) connectivity.markUnreachable();
  window.addEventListener('offline', () => connectivity.markUnreachable());
  window.addEventListener('online', () => connectivity.probeNow());
  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState === 'visible') connectivity.probeNow();
  });
  connected = { api: createDataApi(client), client, connectivity, config };
  return connected.api;
}

/** The data-access module of the connected backend (after connectBackend in main.tsx). */
export function api(): DataApi {
  if (!connected) throw new Error('connectBackend() has not run');
  return connected.api;
}

/** The connected Supabase client, for a feature's own data-access module (e.g. lib/programsApi.ts). */
export function backendClient(): SupabaseClient {
  if (!connected) throw new Error('connectBackend() has not run');
  return connected.client;
}

/** Where the connected backend is (tus uploads go to its Storage endpoint with its anon key). */
export function backendConfig(): AppConfig {
  if (!connected) throw new Error('connectBackend() has not run');
  return connected.config;
}

/** Asks whether the backend is back now, instead of waiting for the next probe. */
export function retryConnection(): void {
  connected?.connectivity.probeNow();
}
