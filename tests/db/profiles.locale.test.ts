import { afterAll, describe, expect, it } from 'vitest';
import { db } from '../support/clients.ts';
import { createUser, signIn } from '../support/users.ts';
import { signedUpUser } from './auth.helpers.ts';

/**
 * A profile's language counts for a new device only when its person chose it
 * (20261209190000): at sign-up, in the language they signed up in, or by changing it later —
 * never the column's default. The flag is the server's: members cannot set it.
 */

const sql = db();
const made: string[] = [];

afterAll(async () => {
  if (made.length) await sql`delete from auth.users where id in ${sql(made)}`;
  await sql.end();
});

const chosen = async (userId: string) => (await sql<{ locale: string; locale_chosen: boolean }[]>`
  select locale, locale_chosen from public.profiles where user_id = ${userId}`)[0];

describe('whether a profile\'s language was chosen', () => {
  it('is chosen by a sign-up in a language, not by the default', async () => {
    const english = await signedUpUser('locale-en', { locale: 'en', display_name: 'Ann' });
    made.push(english.session.user.id);
    expect(await chosen(english.session.user.id)).toEqual({ locale: 'en', locale_chosen: true });
    const plain = await createUser(sql, 'locale-default');
    made.push(plain.id);
    expect(await chosen(plain.id)).toEqual({ locale: 'ru', locale_chosen: false });
  });

  it('becomes chosen when its person sets the language (even to the same one), not by other changes; they cannot set the flag', async () => {
    const person = await createUser(sql, 'locale-change');
    made.push(person.id);
    const api = await signIn(person, '198.51.100.191');
    expect((await api.from('profiles').update({ display_name: 'Renamed' }).eq('user_id', person.id)).error).toBeNull();
    expect(await chosen(person.id)).toEqual({ locale: 'ru', locale_chosen: false });
    const forged = await api.from('profiles').update({ locale_chosen: true }).eq('user_id', person.id);
    expect(forged.error?.code).toBe('42501');
    expect(await chosen(person.id)).toEqual({ locale: 'ru', locale_chosen: false });
    expect((await api.from('profiles').update({ locale: 'ru' }).eq('user_id', person.id)).error).toBeNull();
    expect(await chosen(person.id)).toEqual({ locale: 'ru', locale_chosen: true });
  });
});
