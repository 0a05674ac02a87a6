import { randomUUID } from 'node:crypto';
import type { SupabaseClient } from '@supabase/supabase-js';
import type { Sql } from 'postgres';
import { client, tokenClient } from './clients.ts';

export const testPassword = 'correct-horse-7';

export interface TestUser {
  id: string;
  email: string;
}

/** Creates a confirmed email user straight in auth.users, as seed.sql does (bcrypt via pgcrypto). */
export async function createUser(sql: Sql, label: string): Promise<TestUser> {
  const id = randomUUID();
  const email = `${label}-${id.slice(0, 8)}@test.arbidesk.local`;
  await sql`
    insert into auth.users (instance_id, id, aud, role, email, encrypted_password, email_confirmed_at,
      raw_app_meta_data, raw_user_meta_data, created_at, updated_at)
    values ('00000000-0000-0000-0000-000000000000', ${id}, 'authenticated', 'authenticated', ${email},
      extensions.crypt(${testPassword}, extensions.gen_salt('bf', 4)), now(),
      '{"provider":"email","providers":["email"]}', ${sql.json({ display_name: label })}, now(), now())`;
  return { id, email };
}

/**
 * Signs in through supabase-js (the Auth API) and returns a client carrying the session.
 * Each caller names its own client address so per-IP sign-in limits of other test files
 * do not interfere.
 */
export async function signIn(user: TestUser, clientIp: string): Promise<SupabaseClient> {
  return tokenClient(await accessToken(user, clientIp));
}

/** The access token a password sign-in through the Auth API returns. */
export async function accessToken(user: TestUser, clientIp: string): Promise<string> {
  const auth = client(undefined, { headers: { 'x-forwarded-for': clientIp } });
  const { data, error } = await auth.auth.signInWithPassword({ email: user.email, password: testPassword });
  if (error || !data.session) throw new Error(`sign-in of ${user.email} failed: ${error?.message ?? 'no session'}`);
  return data.session.access_token;
}
