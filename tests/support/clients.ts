import { createClient, type SupabaseClient } from '@supabase/supabase-js';
import postgres, { type Sql } from 'postgres';
import { inject } from 'vitest';
import ws from 'ws';
import { signJwt } from '../../supabase/local/jwt.ts';

/** The running test stack (see globalSetup.ts). */
export const stack = inject('stack');

/** A supabase-js client as the app makes it; Node 20 needs `ws` for realtime. */
export function client(
  key: string = stack.anonKey,
  options: { persistSession?: boolean; apiUrl?: string; headers?: Record<string, string> } = {},
): SupabaseClient {
  return createClient(options.apiUrl ?? stack.apiUrl, key, {
    auth: { persistSession: options.persistSession ?? false, autoRefreshToken: false },
    global: { headers: options.headers ?? {} },
    realtime: { transport: ws as never },
  });
}

export function serviceClient(): SupabaseClient {
  return client(stack.serviceRoleKey);
}

/** A direct SQL connection as the database owner, for fixtures. */
export function db(): Sql {
  return postgres(stack.dbUrl, { max: 2, onnotice: () => {} });
}

/**
 * Runs fixture DDL, then waits until REST serves every table named (the DDL's event
 * trigger tells the schema cache to reload).
 */
export async function withFixtures(sql: Sql, ddl: string, tables: string[]): Promise<void> {
  await sql.unsafe(ddl);
  const deadline = Date.now() + 5_000;
  for (const table of tables) {
    for (;;) {
      const res = await fetch(`${stack.apiUrl}/rest/v1/${table}?limit=0`, { headers: { apikey: stack.serviceRoleKey, authorization: `Bearer ${stack.serviceRoleKey}` } });
      await res.body?.cancel();
      if (res.status !== 404) break;
      if (Date.now() > deadline) throw new Error(`REST never saw fixture table ${table}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }
}

/** A JWT as Supabase Auth issues it for a signed-in user, signed with the stack's secret. */
export function userToken(sub: string, claims: Record<string, unknown> = {}): string {
  const now = Math.floor(Date.now() / 1000);
  return signJwt({ sub, role: 'authenticated', aud: 'authenticated', iat: now, exp: now + 3600, email: `${sub.slice(0, 8)}@test.local`, ...claims }, stack.jwtSecret);
}

/** A client that sends the given access token, as supabase-js does after sign-in. */
export function tokenClient(token: string): SupabaseClient {
  return createClient(stack.apiUrl, stack.anonKey, {
    auth: { persistSession: false, autoRefreshToken: false },
    global: { headers: { Authorization: `Bearer ${token}` } },
    realtime: { transport: ws as never },
  });
}
