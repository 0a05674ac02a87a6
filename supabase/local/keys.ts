import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { signJwt } from './jwt.ts';

export interface ProjectKeys {
  jwtSecret: string;
  anonKey: string;
  serviceRoleKey: string;
}

/** Ten years: API keys are long-lived, as Supabase's are. */
const keyLifetimeSeconds = 10 * 365 * 24 * 3600;

export function apiKeys(jwtSecret: string, issuedAt = Math.floor(Date.now() / 1000)): ProjectKeys {
  const key = (role: string) => signJwt({ iss: 'supabase-local', ref: 'arbidesk', role, iat: issuedAt, exp: issuedAt + keyLifetimeSeconds }, jwtSecret);
  return { jwtSecret, anonKey: key('anon'), serviceRoleKey: key('service_role') };
}

/**
 * The project's JWT secret and API keys, made once per data folder and kept in
 * `<dataDir>/keys.json`; JWT_SECRET in the environment takes precedence (as on a hosted project).
 */
export function loadKeys(dataDir: string): ProjectKeys {
  const file = join(dataDir, 'keys.json');
  const fromEnv = process.env.JWT_SECRET;
  if (existsSync(file)) {
    const stored = JSON.parse(readFileSync(file, 'utf8')) as ProjectKeys;
    if (!fromEnv || fromEnv === stored.jwtSecret) return stored;
  }
  const keys = apiKeys(fromEnv ?? randomBytes(32).toString('base64url'));
  mkdirSync(dataDir, { recursive: true });
  writeFileSync(file, JSON.stringify(keys, null, 2) + '\n', { mode: 0o600 });
  return keys;
}
