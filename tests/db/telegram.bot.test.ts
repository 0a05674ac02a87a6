import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClient, type SupabaseClient } from '@supabase/supabase-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import ws from 'ws';
import { startStack, type Stack } from '../../supabase/local/stack.ts';
import { freePort } from '../support/globalSetup.ts';
import { TelegramFake } from '../support/telegramFake.ts';
import { createUser, testPassword, type TestUser } from '../support/users.ts';

/**
 * The bot's side of Telegram (#15): a chat is linked by the one-time code the app gives a
 * person ("/start CODE" to the bot, through its webhook with the secret Telegram sends), never
 * by a person typing a chat id; and the "Acknowledge" button under an alert acknowledges it
 * as the chat's person, within their role. A stack of its own, with the bot's secrets.
 */

const token = '987:BOT';
const secret = 'webhook-secret-of-this-test';
const telegram = new TelegramFake(token);
let own: Stack;
let dataDir: string;
const workspace = '40000000-0000-4000-8000-0000000a3001';
const people = {} as Record<'buyer' | 'viewer', TestUser>;
const sessions = {} as Record<'buyer' | 'viewer', SupabaseClient>;

async function update(body: unknown, givenSecret = secret): Promise<number> {
  const response = await fetch(`${own.apiUrl}/functions/v1/telegram-bot`, {
    method: 'POST', headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': givenSecret }, body: JSON.stringify(body),
  });
  await response.body?.cancel();
  return response.status;
}

const start = (chat: number, text: string, language = 'ru') => ({ update_id: 1, message: { message_id: 1, chat: { id: chat, type: 'private' }, from: { id: chat, language_code: language }, date: 0, text } });

async function chatOf(person: TestUser): Promise<string | null> {
  const [row] = await own.sql`select telegram_id::text from public.profiles where user_id = ${person.id}`;
  return row?.telegram_id ?? null;
}

async function code(session: SupabaseClient): Promise<string> {
  const { data, error } = await session.rpc('telegram_link_start');
  expect(error).toBeNull();
  return (data as { code: string }).code;
}

beforeAll(async () => {
  await telegram.start();
  telegram.chat('5005').chat('6006').chat('7007');
  dataDir = mkdtempSync(join(tmpdir(), 'arbidesk-tgbot-'));
  own = await startStack({
    dataDir, apiPort: 0, dbPort: await freePort(),
    functionSecrets: { TELEGRAM_BOT_TOKEN: token, TELEGRAM_API_URL: telegram.url, TELEGRAM_WEBHOOK_SECRET: secret },
  });
  await own.sql`insert into public.workspaces (id, name) values (${workspace}, 'Bot team')`;
  people.buyer = await createUser(own.sql, 'bot-buyer');
  people.viewer = await createUser(own.sql, 'bot-viewer');
  await own.sql`insert into public.workspace_members values (${workspace}, ${people.buyer.id}, 'media_buyer'), (${workspace}, ${people.viewer.id}, 'read_only')`;
  await own.sql`update public.profiles set locale = 'en' where user_id = ${people.buyer.id}`;
  for (const who of ['buyer', 'viewer'] as const) {
    const client = createClient(own.apiUrl, own.keys.anonKey, { auth: { persistSession: false }, realtime: { transport: ws as never } });
    const { error } = await client.auth.signInWithPassword({ email: people[who].email, password: testPassword });
    if (error) throw error;
    sessions[who] = client;
  }
}, 120_000);

afterAll(async () => {
  await own?.stop();
  await telegram.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('linking a chat', () => {
  it('the code from the app, sent to the bot, links the chat that sent it, once; the reply is in the person\'s language', async () => {
    const first = await code(sessions.buyer);
    expect(first).toMatch(/^[A-HJKMNP-Z2-9]{8}$/);
    // Not from Telegram: refused, nothing linked.
    expect(await update(start(5005, `/start ${first}`), 'guessed')).toBe(401);
    expect(await chatOf(people.buyer)).toBeNull();

    expect(await update(start(5005, `/start ${first}`))).toBe(200);
    expect(await chatOf(people.buyer)).toBe('5005');
    expect(telegram.messages.at(-1)).toMatchObject({ chatId: '5005', text: 'Done: ArbiDesk alerts will come to this chat.' });
    // Used once: another chat cannot take it.
    expect(await update(start(6006, `/start ${first}`))).toBe(200);
    expect(await chatOf(people.buyer)).toBe('5005');
    expect(telegram.messages.at(-1)).toMatchObject({ chatId: '6006', text: expect.stringContaining('Код неверный') });
  }, 60_000);

  it('nobody writes a chat id into a profile; unlinking is the person\'s', async () => {
    const { error } = await sessions.viewer.from('profiles').update({ telegram_id: 5005 }).eq('user_id', people.viewer.id);
    expect(error?.code).toBe('42501');
    const { error: fine } = await sessions.viewer.from('profiles').update({ display_name: 'Viewer' }).eq('user_id', people.viewer.id);
    expect(fine).toBeNull();
    await own.sql`update public.profiles set telegram_id = 7007 where user_id = ${people.viewer.id}`;
    expect((await sessions.viewer.rpc('telegram_unlink')).error).toBeNull();
    expect(await chatOf(people.viewer)).toBeNull();
  }, 60_000);

  it('a chat that sent 5 wrong codes in an hour is not linked even by a right one', async () => {
    for (let i = 0; i < 5; i++) await update(start(7007, `/start WRONG00${i}`));
    const right = await code(sessions.viewer);
    await update(start(7007, `/start ${right}`));
    expect(await chatOf(people.viewer)).toBeNull();
  }, 60_000);
});

describe('the Acknowledge button', () => {
  it('acknowledges the alert as the chat\'s person; a read-only member\'s chat cannot', async () => {
    await own.sql`update public.profiles set telegram_id = 5005 where user_id = ${people.buyer.id}`;
    await own.sql`update public.profiles set telegram_id = 6006 where user_id = ${people.viewer.id}`;
    await own.sql`insert into public.alert_rules (workspace_id, user_id, kind, min_severity, channels) values (${workspace}, ${people.viewer.id}, 'load_failed', 'warning', '{telegram}')`;
    const [alert] = await own.sql`select (private.raise_alert(${workspace}, 'load_failed', 'warning', 'load', 'l-1', '{"file_name": "a.csv", "error": "x"}')).id`;
    await expect.poll(() => telegram.messages.filter((m) => m.buttons.length).length, { timeout: 20_000, interval: 100 }).toBe(2);
    const toBuyer = telegram.messages.find((m) => m.chatId === '5005' && m.buttons.length);
    expect(toBuyer?.buttons).toEqual([{ text: '✓ Acknowledge', callback_data: `ack:${alert?.id}` }]);
    expect(telegram.messages.find((m) => m.chatId === '6006' && m.buttons.length)?.buttons[0]?.text).toBe('✓ Принято');

    const press = (chat: number, id: string) => update({ update_id: 2, callback_query: { id, from: { id: chat, language_code: 'en' }, data: `ack:${alert?.id}` } });
    expect(await press(6006, 'q-viewer')).toBe(200);
    expect(telegram.callbackAnswers.at(-1)).toEqual({ callbackQueryId: 'q-viewer', text: 'Read-only members cannot acknowledge alerts.' });
    expect((await own.sql`select acknowledged_by from public.alerts where id = ${alert?.id}`)[0]?.acknowledged_by).toBeNull();
    expect(await press(5005, 'q-buyer')).toBe(200);
    expect(telegram.callbackAnswers.at(-1)).toEqual({ callbackQueryId: 'q-buyer', text: 'Acknowledged.' });
    expect((await own.sql`select acknowledged_by from public.alerts where id = ${alert?.id}`)[0]?.acknowledged_by).toBe(people.buyer.id);
  }, 60_000);
});
