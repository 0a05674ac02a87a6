import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClient } from '@supabase/supabase-js';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import ws from 'ws';
import { startStack, type Stack } from '../../supabase/local/stack.ts';
import { freePort } from '../support/globalSetup.ts';
import { TelegramFake } from '../support/telegramFake.ts';
import { createUser, testPassword, type TestUser } from '../support/users.ts';

/**
 * Delivery of alerts to Telegram (#15), end to end: a load fails → its alert → the outbox →
 * the outbox's trigger asks the `notify` function through pg_net → sendMessage on a local
 * Telegram stand-in that answers as the Bot API documents (blocked bot, flood control). A
 * stack of its own, whose functions know the stand-in's address and the bot's token.
 */

const token = '123456:TEST-token';
const telegram = new TelegramFake(token);
let own: Stack;
let dataDir: string;
const workspace = '40000000-0000-4000-8000-0000000a2001';
const people = {} as Record<'buyer' | 'admin' | 'manager', TestUser>;

interface Row {
  who: string;
  channel: string;
  status: string;
  attempts: number;
  last_error: string | null;
}

async function outbox(): Promise<Row[]> {
  return own.sql<Row[]>`
    select case n.user_id when ${people.buyer.id}::uuid then 'buyer' when ${people.admin.id}::uuid then 'admin' else 'manager' end as who,
      n.channel, n.status, n.attempts, n.last_error
    from public.alert_notifications n where n.workspace_id = ${workspace} order by who, n.channel, n.created_at`;
}

async function failLoad(fileName: string, error: string): Promise<void> {
  const [load] = await own.sql`insert into public.etl_loads (workspace_id, source, file_name, status) values (${workspace}, 'tw_events', ${fileName}, 'running') returning id`;
  await own.sql`update public.etl_loads set status = 'failed', finished_at = now(), error_summary = ${error} where id = ${load?.id}`;
}

async function runDelivery(key: string): Promise<Response> {
  return fetch(`${own.apiUrl}/functions/v1/notify`, { method: 'POST', headers: { authorization: `Bearer ${key}`, apikey: own.keys.anonKey, 'content-type': 'application/json' }, body: '{}' });
}

beforeAll(async () => {
  await telegram.start();
  telegram.chat('1001').chat('1002').block('1002');
  dataDir = mkdtempSync(join(tmpdir(), 'arbidesk-notify-'));
  own = await startStack({
    dataDir, apiPort: 0, dbPort: await freePort(),
    functionSecrets: { TELEGRAM_BOT_TOKEN: token, TELEGRAM_API_URL: telegram.url },
  });
  await own.sql`insert into public.workspaces (id, name) values (${workspace}, 'Telegram team')`;
  people.buyer = await createUser(own.sql, 'tg-buyer');
  people.admin = await createUser(own.sql, 'tg-admin');
  people.manager = await createUser(own.sql, 'tg-manager');
  await own.sql`insert into public.workspace_members values (${workspace}, ${people.buyer.id}, 'media_buyer'), (${workspace}, ${people.admin.id}, 'admin'), (${workspace}, ${people.manager.id}, 'affiliate_manager')`;
  await own.sql`update public.profiles set telegram_id = 1001, locale = 'ru', time_zone = 'Europe/Moscow' where user_id = ${people.buyer.id}`;
  await own.sql`update public.profiles set telegram_id = 1002, locale = 'en', time_zone = 'Asia/Vladivostok' where user_id = ${people.admin.id}`;
}, 120_000);

beforeEach(async () => {
  await own.sql`delete from public.alerts where workspace_id = ${workspace}`;
  telegram.messages.length = 0;
});

afterAll(async () => {
  await own?.stop();
  await telegram.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('alerts on Telegram', () => {
  it('a failed load reaches the buyer\'s chat in Russian within seconds; a blocked bot fails for good; unlinked and not yet built channels are skipped with the reason', async () => {
    await failLoad('moloco-март.csv', 'Строка 7: даты 31.02.2026 не существует');
    await expect.poll(() => telegram.messages.length, { timeout: 20_000, interval: 100 }).toBe(1);
    expect(telegram.messages[0]).toMatchObject({ chatId: '1001' });
    expect(telegram.messages[0]?.text).toBe('⚠️ Загрузка «moloco-март.csv» не удалась: Строка 7: даты 31.02.2026 не существует');
    await expect.poll(async () => (await outbox()).filter((r) => r.status === 'queued').length, { timeout: 10_000 }).toBe(0);
    const rows = await outbox();
    expect(rows.map((r) => `${r.who} ${r.channel} ${r.status}`)).toEqual([
      'admin native_push skipped', 'admin telegram failed', 'admin web_push skipped',
      'buyer native_push skipped', 'buyer telegram sent', 'buyer web_push skipped',
    ]);
    expect(rows.find((r) => r.who === 'admin' && r.channel === 'telegram')?.last_error).toBe('Telegram 403: Forbidden: bot was blocked by the user');
    expect(rows.find((r) => r.who === 'buyer' && r.channel === 'web_push')?.last_error).toBe('No browser of this person has notifications on');
  }, 60_000);

  it('alerts due together go as one message; flood control (429) puts the rest off by its retry_after, and the next run sends them', async () => {
    telegram.flood('1001', 3);
    await own.sql`select private.raise_alert(${workspace}, 'load_failed', 'warning', 'load', 'a', '{"file_name": "a.csv", "error": "x"}')`;
    await expect.poll(async () => (await outbox()).find((r) => r.who === 'buyer' && r.channel === 'telegram')?.attempts, { timeout: 20_000, interval: 100 }).toBe(1);
    const [waiting] = await own.sql`select status, not_before > now() as later, last_error from public.alert_notifications n
      where n.workspace_id = ${workspace} and n.user_id = ${people.buyer.id} and n.channel = 'telegram'`;
    expect(waiting).toEqual({ status: 'queued', later: true, last_error: 'Telegram 429: Too Many Requests: retry after 3' });
    expect(telegram.messages).toEqual([]);

    // Two more for the buyer while the first waits: once flood control is over, one run sends all three as one message.
    await own.sql`select private.raise_alert(${workspace}, 'data_stale', 'warning', 'source', 'tw_clicks', ${JSON.stringify({ source: 'tw_clicks', hours: 26, last_load_at: '2026-05-03T06:00:00Z' })}::text::jsonb)`;
    await own.sql`select private.raise_alert(${workspace}, 'load_failed', 'critical', 'load', 'b', '{"file_name": "b.csv", "error": "y"}')`;
    await new Promise((resolve) => setTimeout(resolve, 3_500));
    await own.sql`update public.alert_notifications set not_before = now() where workspace_id = ${workspace} and status = 'queued'`;
    const run = await runDelivery(own.keys.serviceRoleKey);
    expect(run.status).toBe(200);
    await expect.poll(() => telegram.messages.length, { timeout: 20_000, interval: 100 }).toBeGreaterThanOrEqual(1);
    const text = telegram.messages.map((m) => m.text).join('\n');
    expect(telegram.messages.filter((m) => m.chatId === '1001')).toHaveLength(1);
    expect(text).toContain('ArbiDesk: 3 оповещения');
    expect(text).toContain('Нет новых данных (клики TrafficWave) дольше 26 ч: последняя загрузка 03.05.2026 09:00 (Europe/Moscow)');
    expect(text).toContain('🔴 Загрузка «b.csv» не удалась: y');
  }, 60_000);

  it('keeps Telegram\'s pace of one message a second to a chat, across delivery runs', async () => {
    await own.sql`select private.raise_alert(${workspace}, 'load_failed', 'warning', 'load', 'p1', '{"file_name": "p1.csv", "error": "x"}')`;
    await expect.poll(() => telegram.messages.length, { timeout: 20_000, interval: 20 }).toBe(1);
    // The next alert at once: its run (the outbox trigger's) waits for the first run's send to count.
    await own.sql`select private.raise_alert(${workspace}, 'load_failed', 'warning', 'load', 'p2', '{"file_name": "p2.csv", "error": "y"}')`;
    await expect.poll(() => telegram.messages.length, { timeout: 20_000, interval: 20 }).toBe(2);
    expect(telegram.messages.map((m) => m.chatId)).toEqual(['1001', '1001']);
    expect(telegram.messages[1]!.at - telegram.messages[0]!.at).toBeGreaterThanOrEqual(1000);
  }, 60_000);

  it('an alert that ended while its message waited is not sent', async () => {
    // Raised and ended in one transaction: its rows are due at once, but delivery (asked after
    // the commit) finds the alert over. Whichever run takes them (this one, or the one the
    // outbox's trigger asked for), they end skipped.
    await own.sql.begin(async (tx) => {
      await tx`select private.raise_alert(${workspace}, 'cap', 'warning', 'offer', 'o1', '{"offer": "Golden Fox", "used": 81, "limit": 100, "percent": 81}')`;
      await tx`select private.resolve_alert(${workspace}, 'cap', 'offer', 'o1')`;
    });
    expect((await runDelivery(own.keys.serviceRoleKey)).status).toBe(200);
    await expect.poll(async () => new Set((await outbox()).filter((r) => r.who === 'buyer').map((r) => `${r.status} ${r.last_error}`)), { timeout: 20_000, interval: 100 })
      .toEqual(new Set(['skipped The alert ended before it was told']));
    expect(telegram.messages).toEqual([]);
  }, 60_000);

  it('only the service runs the delivery', async () => {
    expect((await runDelivery(own.keys.anonKey)).status).toBe(403);
    const auth = createClient(own.apiUrl, own.keys.anonKey, { auth: { persistSession: false }, realtime: { transport: ws as never } });
    const { data } = await auth.auth.signInWithPassword({ email: people.admin.email, password: testPassword });
    expect((await runDelivery(data.session?.access_token ?? '')).status).toBe(403);
    const [job] = await own.sql`select schedule, command from cron.job where jobname = 'deliver-alert-notifications'`;
    expect(job).toEqual({ schedule: '* * * * *', command: 'select private.request_function(\'notify\')' });
  }, 60_000);
});
