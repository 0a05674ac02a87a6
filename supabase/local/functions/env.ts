import { existsSync, readFileSync } from 'node:fs';

/** What Supabase puts in every function's environment (https://supabase.com/docs/guides/functions/secrets). */
export interface PlatformEnv {
  SUPABASE_URL: string;
  SUPABASE_ANON_KEY: string;
  SUPABASE_SERVICE_ROLE_KEY: string;
  SUPABASE_DB_URL: string;
}

/**
 * Variables of the stack's own environment that the Deno process needs to run at all
 * (its cache, a temp folder), and the moved clock of a run on another day (scripts/clock.sh:
 * libfaketime's preload and offset), so a function's "now" is the stack's. Nothing else leaks
 * in: the stack's DATABASE_URL or JWT_SECRET are not a function's business, as on Supabase.
 */
const passThrough = ['HOME', 'USERPROFILE', 'SystemRoot', 'TMPDIR', 'TMP', 'TEMP', 'DENO_DIR', 'XDG_CACHE_HOME', 'LANG', 'TZ', 'LD_PRELOAD', 'FAKETIME', 'FAKETIME_DONT_FAKE_MONOTONIC', 'NO_FAKE_STAT'];

const unescapes: Record<string, string> = { n: '\n', r: '\r', t: '\t', '"': '"', '\\': '\\' };

/**
 * Parses a dotenv file as the Supabase CLI reads `--env-file` (godotenv): `KEY=value`,
 * optional `export `, `#` comments, single quotes literal, double quotes with `\n` escapes.
 */
export function parseEnvFile(text: string): Record<string, string> {
  const vars: Record<string, string> = {};
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const match = /^(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*)$/.exec(line);
    const key = match?.[1];
    const rest = match?.[2] ?? '';
    if (!key) continue;
    if (rest.startsWith('"')) {
      const end = /^"((?:[^"\\]|\\.)*)"/.exec(rest);
      vars[key] = (end?.[1] ?? rest.slice(1)).replace(/\\(.)/g, (whole, c: string) => unescapes[c] ?? whole);
    } else if (rest.startsWith("'")) {
      const end = rest.indexOf("'", 1);
      vars[key] = end > 0 ? rest.slice(1, end) : rest.slice(1);
    } else {
      vars[key] = rest.replace(/\s+#.*$/, '').trim();
    }
  }
  return vars;
}

/**
 * Secrets from the env file (`functions/.env` by default), or none when it does not exist.
 * Names starting with SUPABASE_ are skipped with a warning, as `supabase secrets set` refuses them.
 */
export function readSecrets(file: string, warn: (line: string) => void): Record<string, string> {
  if (!existsSync(file)) return {};
  const secrets: Record<string, string> = {};
  for (const [key, value] of Object.entries(parseEnvFile(readFileSync(file, 'utf8')))) {
    if (key.startsWith('SUPABASE_')) warn(`[functions] ${file}: ${key} skipped: names starting with SUPABASE_ are reserved`);
    else secrets[key] = value;
  }
  return secrets;
}

/** The whole environment of a function's Deno process: what it needs to run, secrets, platform variables. */
export function functionEnv(platform: PlatformEnv, secrets: Record<string, string>): Record<string, string> {
  const env: Record<string, string> = {};
  for (const name of passThrough) {
    const value = process.env[name];
    if (value !== undefined) env[name] = value;
  }
  return { ...env, ...secrets, ...platform };
}
