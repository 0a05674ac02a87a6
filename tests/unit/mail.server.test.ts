import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildMessage } from '../../functions/_shared/alerts/mime.ts';
import { dataPayload } from '../../functions/_shared/alerts/smtp.ts';
import { MailServer } from '../../supabase/local/mail/MailServer.ts';
import { Outbox, type OutboxMessage } from '../../supabase/local/mail/outbox.ts';
import { alertEmail } from '../support/alertEmail.ts';
import { SmtpTestClient } from '../support/smtpClient.ts';

/**
 * The local stack's mail server on its own, spoken to in SMTP (RFC 5321) line by line: what
 * it accepts goes, decoded, into the outbox; what is out of order or malformed gets 503, 501
 * or 500, and the conversation goes on.
 */

let dataDir: string;
let server: MailServer;
let port: number;

function outboxFiles(): OutboxMessage[] {
  const dir = join(dataDir, 'outbox');
  return readdirSync(dir).filter((f) => f.endsWith('.json')).sort().map((f) => JSON.parse(readFileSync(join(dir, f), 'utf8')) as OutboxMessage);
}

async function greeted(): Promise<SmtpTestClient> {
  const client = await SmtpTestClient.open(port);
  expect(await client.reply()).toEqual(['220 arbidesk.local ESMTP ArbiDesk local mail server']);
  return client;
}

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'arbidesk-mail-'));
  server = new MailServer({ outbox: new Outbox(dataDir), port: 0, maxMessageBytes: 64 * 1024 });
  port = await server.start();
});

afterAll(async () => {
  await server.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('the local mail server', () => {
  it('takes a message over SMTP and writes it to the outbox, decoded, one file per recipient', async () => {
    const client = await greeted();
    expect(await client.command('EHLO arbidesk.example')).toEqual([
      '250-arbidesk.local greets arbidesk.example', '250-SIZE 65536', '250-8BITMIME', '250 ENHANCEDSTATUSCODES',
    ]);
    expect(await client.command('MAIL FROM:<alerts@arbidesk.example> SIZE=2000')).toEqual(['250 2.1.0 Ok']);
    expect(await client.command('RCPT TO:<buyer@team.example>')).toEqual(['250 2.1.5 Ok']);
    expect(await client.command('RCPT TO:<admin@team.example>')).toEqual(['250 2.1.5 Ok']);
    expect(await client.command('DATA')).toEqual(['354 End data with <CR><LF>.<CR><LF>']);
    const email = alertEmail({ text: 'Кап исчерпан: 20 из 20\n.a line that starts with a dot\n.' });
    const message = buildMessage(email);
    const [accepted = ''] = await client.send(dataPayload(message));
    expect(accepted).toMatch(/^250 2\.0\.0 Ok: queued as \S+\.json \S+\.json$/);
    expect(await client.command('QUIT')).toEqual(['221 2.0.0 Bye']);
    expect(await client.closedByServer()).toBe(true);

    const files = outboxFiles();
    expect(files.map((f) => f.to).sort()).toEqual(['admin@team.example', 'buyer@team.example']);
    expect(files[0]).toMatchObject({
      from: 'alerts@arbidesk.example',
      type: 'smtp',
      subject: email.subject,
      text: email.text,
      html: email.html,
      raw: message,
    });
  });

  it('answers commands out of order with 503, malformed ones with 501 or 500, and goes on', async () => {
    const client = await greeted();
    expect(await client.command('MAIL FROM:<a@b.example>')).toEqual(['503 5.5.1 Send EHLO first']);
    expect(await client.command('EHLO')).toEqual(['501 5.5.4 Syntax: EHLO hostname']);
    expect(await client.command('HELO client.example')).toEqual(['250 arbidesk.local']);
    expect(await client.command('RCPT TO:<x@y.example>')).toEqual(['503 5.5.1 Need MAIL before RCPT']);
    expect(await client.command('MAIL FROM:a@b.example')).toEqual(['501 5.5.4 Syntax: MAIL FROM:<address>']);
    expect(await client.command('MAIL FROM:<>')).toEqual(['250 2.1.0 Ok']);
    expect(await client.command('MAIL FROM:<a@b.example>')).toEqual(['503 5.5.1 Nested MAIL command']);
    expect(await client.command('DATA')).toEqual(['503 5.5.1 Need RCPT before DATA']);
    expect(await client.command('RCPT TO:<nobody>')).toEqual(['501 5.1.3 Bad recipient address syntax']);
    expect(await client.command('RCPT TO:x@y.example')).toEqual(['501 5.5.4 Syntax: RCPT TO:<address>']);
    expect(await client.command('HELLO there')).toEqual(['500 5.5.2 Command unrecognized']);
    expect(await client.command('\u0001\u0002 ')).toEqual(['500 5.5.2 Command unrecognized']);
    expect(await client.command(`NOOP ${'x'.repeat(600)}`)).toEqual(['500 5.5.6 Line too long']);
    expect(await client.command('AUTH PLAIN AGEAYg==')).toEqual(['502 5.5.1 Command not implemented']);
    expect(await client.command('DATA now')).toEqual(['501 5.5.4 Syntax: DATA']);
    expect(await client.command('RSET')).toEqual(['250 2.0.0 Ok']);
    expect(await client.command('RCPT TO:<x@y.example>')).toEqual(['503 5.5.1 Need MAIL before RCPT']);
    expect(await client.command('NOOP')).toEqual(['250 2.0.0 Ok']);
    expect(await client.command('QUIT')).toEqual(['221 2.0.0 Bye']);
    client.close();
  });

  it('refuses a message over its size, announced (SIZE=) or sent, and writes nothing', async () => {
    const before = outboxFiles().length;
    const client = await greeted();
    await client.command('EHLO client.example');
    expect(await client.command('MAIL FROM:<a@b.example> SIZE=100000')).toEqual(['552 5.3.4 Message size exceeds fixed maximum message size']);
    expect(await client.command('MAIL FROM:<a@b.example>')).toEqual(['250 2.1.0 Ok']);
    await client.command('RCPT TO:<x@y.example>');
    await client.command('DATA');
    expect(await client.send(dataPayload(`Subject: big\r\n\r\n${'y'.repeat(70)}\r\n`.repeat(1200)))).toEqual(['552 5.3.4 Message size exceeds fixed maximum message size']);
    // The transaction is over: a new one starts with MAIL.
    expect(await client.command('RCPT TO:<x@y.example>')).toEqual(['503 5.5.1 Need MAIL before RCPT']);
    client.close();
    expect(outboxFiles()).toHaveLength(before);
  });
});
