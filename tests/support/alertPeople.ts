import type { Sql } from 'postgres';
import { createUser, type TestUser } from './users.ts';

/**
 * A new member of `workspace` who reads alerts in `locale` and `timeZone` and has rules of
 * their own for `kinds`: from warning up, by email only (no role default has email).
 */
export async function memberByEmail(sql: Sql, workspace: string, label: string, role: string, locale: 'ru' | 'en', timeZone: string, kinds: string[]): Promise<TestUser> {
  const person = await createUser(sql, label);
  await sql`insert into public.workspace_members values (${workspace}, ${person.id}, ${role})`;
  await sql`update public.profiles set locale = ${locale}, time_zone = ${timeZone} where user_id = ${person.id}`;
  for (const kind of kinds) {
    await sql`insert into public.alert_rules (workspace_id, user_id, kind, min_severity, channels) values (${workspace}, ${person.id}, ${kind}, 'warning', '{email}')`;
  }
  return person;
}
