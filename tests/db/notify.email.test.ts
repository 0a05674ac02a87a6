import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../supabase/local/config.ts';
import type { OutboxMessage } from '../../supabase/local/mail/outbox.ts';
import { db, stack } from '../support/clients.ts';
import { memberByEmail } from '../support/alertPeople.ts';
import type { TestUser } from '../support/users.ts';

/**
 * Alert emails on the local stack, end to end and out of the box: an alert fires → the outbox
 * row for a person whose rule has email → the `notify` function speaks SMTP to the stack's
 * mail server (the SMTP_* secrets the stack gives its functions) → the message, decoded from
 * its MIME, is in `<dataDir>/outbox/` with the person's address, a subject and text in their
 * language and zone, and a link into the app. Never twice for the same alert.
 */

const sql = db();
const ws = '40000000-0000-4000-8000-0000000a3001';
const people = {} as Record<'ru' | 'en', TestUser>;
const siteUrl = loadConfig().auth.siteUrl;

async function emailsTo(address: string): Promise<OutboxMessage[]> {
  const dir = join(stack.dataDir, 'outbox');
  const files = (await readdir(dir).catch(() => [])).filter((f) => f.endsWith('.json')).sort();
  const all = await Promise.all(files.map(async (f) => JSON.parse(await readFile(join(dir, f), 'utf8')) as OutboxMessage));
  return all.filter((m) => m.to === address);
}

async function emailRows(): Promise<{ who: string; status: string; last_error: string | null }[]> {
  return sql`select case n.user_id when ${people.ru.id}::uuid then 'ru' else 'en' end as who, n.status, n.last_error
    from public.alert_notifications n where n.workspace_id = ${ws} and n.channel = 'email' order by who, n.created_at`;
}

async function runDelivery(): Promise<void> {
  const response = await fetch(`${stack.apiUrl}/functions/v1/notify`, { method: 'POST', headers: { authorization: `Bearer ${stack.serviceRoleKey}` } });
  expect(response.status).toBe(200);
}

beforeAll(async () => {
  await sql`insert into public.workspaces (id, name) values (${ws}, 'Email team')`;
  people.ru = await memberByEmail(sql, ws, 'mail-buyer', 'media_buyer', 'ru', 'Europe/Moscow', ['load_failed', 'data_stale']);
  people.en = await memberByEmail(sql, ws, 'mail-admin', 'admin', 'en', 'Asia/Vladivostok', ['load_failed', 'data_stale']);
});

beforeEach(async () => {
  await sql`delete from public.alerts where workspace_id = ${ws}`;
});

afterAll(async () => {
  await sql`delete from public.workspaces where id = ${ws}`;
  await sql.end();
});

describe('alerts by email on the local stack', () => {
  it('reaches each person\'s address in their language and zone, through the stack\'s mail server into the outbox, once', async () => {
    const stale = { source: 'tw_clicks', hours: 26, last_load_at: '2026-05-03T06:00:00Z' };
    await sql`select private.raise_alert(${ws}, 'data_stale', 'warning', 'source', 'tw_clicks', ${JSON.stringify(stale)}::text::jsonb)`;
    // The outbox's trigger asks for a run; so does the test, as a cold function can outlast pg_net's 5 s.
    await runDelivery();
    await expect.poll(async () => (await emailRows()).map((r) => `${r.who} ${r.status}`), { timeout: 30_000, interval: 200 }).toEqual(['en sent', 'ru sent']);

    const [ru] = await emailsTo(people.ru.email);
    expect(ru).toMatchObject({
      type: 'smtp',
      from: 'alerts@arbidesk.localhost',
      subject: 'ArbiDesk: Нет новых данных (клики TrafficWave) дольше 26 ч: последняя загрузка 03.05.2026 09:00 (Europe/Moscow)',
    });
    expect(ru?.text).toBe([
      '⚠️ Нет новых данных (клики TrafficWave) дольше 26 ч: последняя загрузка 03.05.2026 09:00 (Europe/Moscow)',
      '',
      `Открыть оповещения в ArbiDesk: ${siteUrl}/app/alerts`,
      '',
      '-- ',
      'Это письмо отправлено автоматически: в ваших правилах оповещений ArbiDesk включена почта.',
      '',
    ].join('\n'));
    expect(ru?.html).toContain(`<a href="${siteUrl}/app/alerts">Открыть оповещения в ArbiDesk</a>`);
    expect(ru?.html).toContain('<html lang="ru">');
    // The wire form: an RFC 2047 subject, quoted-printable UTF-8, marked as automatic.
    expect(ru?.raw).toMatch(/^Subject: =\?UTF-8\?B\?/m);
    expect(ru?.raw).toMatch(/^Auto-Submitted: auto-generated$/m);
    expect(ru?.raw).toMatch(new RegExp(`^To: ${people.ru.email.replace(/\./g, '\\.')}$`, 'm'));
    expect(ru?.raw).toMatch(/^From: "ArbiDesk" <alerts@arbidesk\.localhost>$/m);

    const [en] = await emailsTo(people.en.email);
    expect(en?.subject).toBe('ArbiDesk: No new data (TrafficWave clicks) for over 26 h: last load 2026-05-03 16:00 (Asia/Vladivostok)');
    expect(en?.text.split('\n')[0]).toBe('⚠️ No new data (TrafficWave clicks) for over 26 h: last load 2026-05-03 16:00 (Asia/Vladivostok)');

    // Deliver-once: another run, and the same condition seen again, send nothing more.
    await runDelivery();
    await sql`select private.raise_alert(${ws}, 'data_stale', 'warning', 'source', 'tw_clicks', ${JSON.stringify(stale)}::text::jsonb)`;
    await runDelivery();
    expect(await emailsTo(people.ru.email)).toHaveLength(1);
    expect(await emailsTo(people.en.email)).toHaveLength(1);
    expect(await emailRows()).toHaveLength(2);
  }, 60_000);

  it('alerts due together go as one email with a counted subject', async () => {
    const before = (await emailsTo(people.ru.email)).length;
    await sql.begin(async (tx) => {
      await tx`select private.raise_alert(${ws}, 'load_failed', 'warning', 'load', 'l1', '{"file_name": "moloco-март.csv", "error": "Строка 7: нет даты"}')`;
      await tx`select private.raise_alert(${ws}, 'load_failed', 'critical', 'load', 'l2', '{"file_name": "tw.csv", "error": "пусто"}')`;
    });
    await runDelivery();
    await expect.poll(async () => (await emailRows()).filter((r) => r.who === 'ru' && r.status === 'sent').length, { timeout: 30_000, interval: 200 }).toBe(2);
    const mails = (await emailsTo(people.ru.email)).slice(before);
    expect(mails).toHaveLength(1);
    expect(mails[0]?.subject).toBe('ArbiDesk: 2 оповещения');
    expect(mails[0]?.text).toContain('⚠️ Загрузка «moloco-март.csv» не удалась: Строка 7: нет даты\n');
    expect(mails[0]?.text).toContain('🔴 Загрузка «tw.csv» не удалась: пусто\n');
  }, 60_000);
});
