import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startStack, type Stack } from '../../supabase/local/stack.ts';
import { readMessage } from '../../supabase/local/mail/readMessage.ts';
import { freePort } from '../support/globalSetup.ts';
import { SmtpFake } from '../support/smtpFake.ts';
import { memberByEmail } from '../support/alertPeople.ts';
import type { TestUser } from '../support/users.ts';

/**
 * Alert emails through a production mail provider's SMTP server, as the SMTP_* secrets name
 * one: the `notify` function (Deno) logs in, sends, and reads what each reply means — a
 * stand-in answers as RFC 5321 and RFC 4954 document, errors included: 451 and 421 put the
 * message off (not_before moves), 550 and 535 fail it with the server's words, a refused or
 * silent connection is tried again. A stack of its own, whose functions know the stand-in.
 */

const fake = new SmtpFake({ user: 'arbidesk@team.example', pass: 'app-password-1' });
let own: Stack;
let dataDir: string;
let person: TestUser;
const workspace = '40000000-0000-4000-8000-0000000a3101';

interface EmailRow {
  status: string;
  attempts: number;
  last_error: string | null;
  later: boolean;
}

async function emailRow(): Promise<EmailRow | undefined> {
  const [row] = await own.sql<EmailRow[]>`select status, attempts, last_error, not_before > now() as later
    from public.alert_notifications where workspace_id = ${workspace} and channel = 'email'`;
  return row;
}

/**
 * A failed load of `file`: one alert, one email row for the person; resolves once delivery has
 * answered. The outbox's trigger asks for a run; this asks for one too, since a cold function on
 * a busy machine can outlast pg_net's 5 s and leave the row to the minute job.
 */
async function failLoad(file: string): Promise<EmailRow> {
  await own.sql`select private.raise_alert(${workspace}, 'load_failed', 'warning', 'load', ${file}, ${JSON.stringify({ file_name: file, error: 'Строка 7: нет даты' })}::text::jsonb)`;
  await runDelivery();
  await expect.poll(async () => (await emailRow())?.attempts ?? 0, { timeout: 30_000, interval: 100 }).toBeGreaterThan(0);
  return (await emailRow())!;
}

async function runDelivery(): Promise<void> {
  const run = await fetch(`${own.apiUrl}/functions/v1/notify`, { method: 'POST', headers: { authorization: `Bearer ${own.keys.serviceRoleKey}` } });
  expect(run.status).toBe(200);
}

/** The next run finds the row due. */
async function retryNow(): Promise<void> {
  await own.sql`update public.alert_notifications set not_before = now() where workspace_id = ${workspace} and status = 'queued'`;
  await runDelivery();
}

beforeAll(async () => {
  await fake.start();
  dataDir = mkdtempSync(join(tmpdir(), 'arbidesk-smtp-'));
  own = await startStack({
    dataDir, apiPort: 0, dbPort: await freePort(),
    functionSecrets: {
      SMTP_HOST: '127.0.0.1', SMTP_PORT: String(fake.port), SMTP_TLS: 'none', SMTP_TIMEOUT_SECONDS: '2',
      SMTP_USER: fake.credentials.user, SMTP_PASS: fake.credentials.pass,
      SMTP_FROM: 'ArbiDesk Alerts <alerts@team.example>', APP_URL: 'https://desk.team.example/',
    },
  });
  await own.sql`insert into public.workspaces (id, name) values (${workspace}, 'SMTP team')`;
  person = await memberByEmail(own.sql, workspace, 'smtp-buyer', 'media_buyer', 'ru', 'Europe/Moscow', ['load_failed']);
}, 120_000);

beforeEach(async () => {
  await own.sql`delete from public.alerts where workspace_id = ${workspace}`;
  fake.clear();
  fake.credentials.pass = 'app-password-1';
});

afterAll(async () => {
  await own?.stop();
  await fake.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('alert emails through an SMTP provider', () => {
  it('logs in with AUTH PLAIN and sends the person\'s email from SMTP_FROM, with a link to APP_URL', async () => {
    expect(await failLoad('a.csv')).toEqual({ status: 'sent', attempts: 1, last_error: null, later: false });
    const auth = Buffer.from(`\0${fake.credentials.user}\0${fake.credentials.pass}`).toString('base64');
    expect(fake.commands).toEqual(['EHLO team.example', `AUTH PLAIN ${auth}`, 'MAIL FROM:<alerts@team.example>', `RCPT TO:<${person.email}>`, 'DATA', 'QUIT']);
    expect(fake.received).toHaveLength(1);
    expect(fake.received[0]).toMatchObject({ user: fake.credentials.user, from: 'alerts@team.example', to: [person.email] });
    const message = readMessage(fake.received[0]?.data ?? '');
    expect(message.subject).toBe('ArbiDesk: Загрузка «a.csv» не удалась: Строка 7: нет даты');
    expect(message.headers.get('from')).toBe('"ArbiDesk Alerts" <alerts@team.example>');
    expect(message.text).toContain('Открыть оповещения в ArbiDesk: https://desk.team.example/app/alerts\n');
    expect(message.headers.get('message-id')).toMatch(/^<alert-notification\.[0-9a-f-]{36}@team\.example>$/);
  }, 60_000);

  it('logs in with AUTH LOGIN where the server offers no PLAIN', async () => {
    fake.mechanisms = ['LOGIN'];
    expect(await failLoad('login.csv')).toMatchObject({ status: 'sent', attempts: 1 });
    const b64 = (text: string) => Buffer.from(text).toString('base64');
    expect(fake.commands.slice(0, 4)).toEqual(['EHLO team.example', 'AUTH LOGIN', b64(fake.credentials.user), b64(fake.credentials.pass)]);
    expect(fake.received[0]).toMatchObject({ user: fake.credentials.user, to: [person.email] });
  }, 60_000);

  it('451 at the end of data puts the email off (not_before moves); the next run sends it once', async () => {
    fake.fail('end', '451 4.3.0 Mail server temporarily rejected message');
    expect(await failLoad('b.csv')).toEqual({ status: 'queued', attempts: 1, last_error: 'SMTP 451 4.3.0 Mail server temporarily rejected message (end of data)', later: true });
    expect(fake.received).toEqual([]);
    fake.clear();
    await retryNow();
    await expect.poll(async () => (await emailRow())?.status, { timeout: 30_000, interval: 100 }).toBe('sent');
    expect(fake.received).toHaveLength(1);
    expect(await emailRow()).toMatchObject({ attempts: 2 });
  }, 60_000);

  it('550 to the recipient fails the email for good, with the server\'s text', async () => {
    fake.fail('rcpt', '550 5.1.1 <nobody@team.example>: Recipient address rejected: User unknown in virtual mailbox table');
    expect(await failLoad('c.csv')).toEqual({
      status: 'failed', attempts: 1, later: false,
      last_error: 'SMTP 550 5.1.1 <nobody@team.example>: Recipient address rejected: User unknown in virtual mailbox table (RCPT TO)',
    });
    // A failed transaction still ends politely.
    expect(fake.commands.at(-1)).toBe('QUIT');
    expect(fake.received).toEqual([]);
  }, 60_000);

  it('421 at the greeting is "try later"', async () => {
    fake.fail('greeting', '421 4.3.2 Service not available, closing transmission channel');
    expect(await failLoad('d.csv')).toEqual({ status: 'queued', attempts: 1, last_error: 'SMTP 421 4.3.2 Service not available, closing transmission channel (greeting)', later: true });
  }, 60_000);

  it('credentials the provider refuses (535) fail the email: trying again cannot help', async () => {
    fake.credentials.pass = 'rotated-at-the-provider';
    expect(await failLoad('e.csv')).toEqual({ status: 'failed', attempts: 1, last_error: 'SMTP 535 5.7.8 Authentication credentials invalid (AUTH PLAIN)', later: false });
    expect(fake.commands.some((c) => c.startsWith('MAIL'))).toBe(false);
  }, 60_000);

  it('a refused connection, and a server that never answers, are tried again', async () => {
    const port = fake.port;
    await fake.stop();
    try {
      const refused = await failLoad('f.csv');
      expect(refused).toMatchObject({ status: 'queued', attempts: 1, later: true });
      expect(refused.last_error).toMatch(/^SMTP: 127\.0\.0\.1:\d+: Connection refused/);
    } finally {
      await fake.start(port);
    }
    fake.hang();
    await retryNow();
    await expect.poll(async () => (await emailRow())?.attempts, { timeout: 30_000, interval: 100 }).toBe(2);
    expect(await emailRow()).toEqual({ status: 'queued', attempts: 2, last_error: 'SMTP: no answer to greeting within 2 s', later: true });
  }, 60_000);
});
