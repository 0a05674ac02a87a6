import { randomInt, randomUUID } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createClient, type Session, type SupabaseClient } from '@supabase/supabase-js';
import ws from 'ws';
import { loadConfig } from '../../supabase/local/config.ts';
import { stack } from '../support/clients.ts';

/** The configuration the test stack runs with (supabase/config.toml and the same environment). */
export const authConfig = loadConfig().auth;

/**
 * A client address of its own, so one test's sign-ins never count against another's
 * per-IP limits (the stack reads the first X-Forwarded-For hop, as GoTrue does).
 */
export function uniqueIp(): string {
  return `10.${randomInt(256)}.${randomInt(256)}.${randomInt(1, 255)}`;
}

export function uniqueEmail(tag: string): string {
  return `${tag}-${randomUUID().slice(0, 8)}@auth-test.example`;
}

/** A supabase-js client as the app makes it, from its own IP unless told otherwise. */
export function authClient(options: { ip?: string; key?: string; headers?: Record<string, string> } = {}): SupabaseClient {
  return createClient(stack.apiUrl, options.key ?? stack.anonKey, {
    auth: { persistSession: false, autoRefreshToken: false, detectSessionInUrl: false },
    realtime: { transport: ws as never },
    global: { headers: { 'x-forwarded-for': options.ip ?? uniqueIp(), ...options.headers } },
  });
}

/** A client acting with the service-role key (the admin API). */
export function adminClient(): SupabaseClient {
  return authClient({ key: stack.serviceRoleKey });
}

/** A password that satisfies the stack's policy (letters and digits, long enough). */
export function goodPassword(): string {
  return `Pw${randomUUID().replace(/-/g, '').slice(0, 12)}9`;
}

/** Signs up a new user on a fresh client and returns both; fails the test if sign-up fails. */
export async function signedUpUser(tag: string, data: Record<string, unknown> = {}): Promise<{ client: SupabaseClient; email: string; password: string; session: Session }> {
  const client = authClient();
  const email = uniqueEmail(tag);
  const password = goodPassword();
  const { data: result, error } = await client.auth.signUp({ email, password, options: { data } });
  if (error || !result.session) throw new Error(`sign-up of ${email} failed: ${error?.message ?? 'no session'}`);
  return { client, email, password, session: result.session };
}

/** The claims of a JWT, decoded without verification (the tests check signatures separately). */
export function jwtClaims(token: string): Record<string, unknown> {
  const payload = token.split('.')[1] ?? '';
  const claims: unknown = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
  if (claims === null || typeof claims !== 'object' || Array.isArray(claims)) throw new Error('JWT payload is not an object');
  return Object.fromEntries(Object.entries(claims));
}

export interface OutboxMail {
  to: string;
  subject: string;
  text: string;
  html: string;
  type: string;
  otp: string;
  link: string;
  created_at: string;
}

function isOutboxMail(value: unknown): value is OutboxMail {
  if (value === null || typeof value !== 'object') return false;
  return ['to', 'subject', 'text', 'html', 'type', 'otp', 'link', 'created_at'].every((k) => typeof Reflect.get(value, k) === 'string');
}

/**
 * The emails Auth wrote to `<dataDir>/outbox/` for one address, oldest first. Other tests' alert
 * emails (from the mail server, to their own people) share the folder: only this address's count.
 */
export async function mailTo(address: string): Promise<OutboxMail[]> {
  const dir = join(stack.dataDir, 'outbox');
  const files = (await readdir(dir).catch(() => [])).filter((f) => f.endsWith('.json')).sort();
  const mails: OutboxMail[] = [];
  for (const file of files) {
    const parsed: unknown = JSON.parse(await readFile(join(dir, file), 'utf8'));
    if (parsed === null || typeof parsed !== 'object' || Reflect.get(parsed, 'to') !== address) continue;
    if (!isOutboxMail(parsed)) throw new Error(`outbox file ${file} is not an Auth email`);
    mails.push(parsed);
  }
  return mails;
}
