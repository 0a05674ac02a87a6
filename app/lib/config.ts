import { nonEmptyText, object, readAs } from './guards.ts';

/** Where the backend is: a Supabase project's API URL and its public anon key. */
export interface AppConfig {
  supabaseUrl: string;
  supabaseAnonKey: string;
  /** The project's VAPID public key (base64url), for Web Push subscriptions; absent when the project has none. */
  vapidPublicKey?: string;
}

const readConfig = object({ supabaseUrl: nonEmptyText, supabaseAnonKey: nonEmptyText });

/** The body of /config.json, which the static server writes for the stack it belongs to. */
export function parseAppConfig(json: unknown): AppConfig {
  const config = readAs(readConfig, json, 'config.json');
  try {
    new URL(config.supabaseUrl);
  } catch {
    throw new Error(`config.json: supabaseUrl '${config.supabaseUrl}' is not a URL`);
  }
  const vapid = (json as { vapidPublicKey?: unknown }).vapidPublicKey;
  return typeof vapid === 'string' && vapid ? { ...config, vapidPublicKey: vapid } : config;
}

export class ConfigUnavailableError extends Error {
  constructor(cause: unknown) {
    super(`The app could not read /config.json: ${cause instanceof Error ? cause.message : String(cause)}`);
    this.name = 'ConfigUnavailableError';
  }
}

/**
 * The backend the build was made for (VITE_SUPABASE_URL and VITE_SUPABASE_ANON_KEY, and
 * VITE_VAPID_PUBLIC_KEY for Web Push), else
 * the one /config.json names, so one build serves any stack. The service worker keeps the
 * last /config.json, so the shell starts offline too.
 */
export async function loadAppConfig(
  env: { VITE_SUPABASE_URL?: string; VITE_SUPABASE_ANON_KEY?: string; VITE_VAPID_PUBLIC_KEY?: string },
  fetchConfig: () => Promise<Response> = () => fetch('/config.json', { cache: 'no-cache' }),
): Promise<AppConfig> {
  if (env.VITE_SUPABASE_URL && env.VITE_SUPABASE_ANON_KEY) {
    return parseAppConfig({ supabaseUrl: env.VITE_SUPABASE_URL, supabaseAnonKey: env.VITE_SUPABASE_ANON_KEY, vapidPublicKey: env.VITE_VAPID_PUBLIC_KEY });
  }
  let json: unknown;
  try {
    const response = await fetchConfig();
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    json = await response.json();
  } catch (error) {
    throw new ConfigUnavailableError(error);
  }
  const config = parseAppConfig(json);
  // A hosted build names the key at build time; config.json's (the local stack's) serves any other build.
  return env.VITE_VAPID_PUBLIC_KEY ? { ...config, vapidPublicKey: env.VITE_VAPID_PUBLIC_KEY } : config;
}
