import { describe, expect, it } from 'vitest';
import { buildMessage, encodeHeaderText, mailDate, parseMailbox, quotedPrintable } from '../../functions/_shared/alerts/mime.ts';
import { dataPayload, parseReplyLine, replyOutcome, smtpSettings } from '../../functions/_shared/alerts/smtp.ts';
import { readMessage } from '../../supabase/local/mail/readMessage.ts';
import { alertEmail } from '../support/alertEmail.ts';

/**
 * An alert email as the notify function writes it (RFC 5322 with MIME) and as DATA carries it
 * (RFC 5321 §4.5.2), read back by the local mail server's reader.
 */

const base = alertEmail();

const lines = (message: string) => message.split('\r\n');

describe('alert email (MIME)', () => {
  it('encodes a Russian subject as RFC 2047 words of at most 75 characters, each whole UTF-8 characters, and reads back the same', () => {
    const encoded = encodeHeaderText(base.subject);
    const words = encoded.split('\r\n ');
    expect(words.length).toBeGreaterThan(1);
    for (const word of words) {
      expect(word).toMatch(/^=\?UTF-8\?B\?[A-Za-z0-9+/=]+\?=$/);
      expect(word.length).toBeLessThanOrEqual(75);
      // Each word decodes alone: no character is cut between two.
      expect(Buffer.from(word.slice(10, -2), 'base64').toString('utf8')).not.toContain('\uFFFD');
    }
    const message = buildMessage(base);
    expect(readMessage(message).subject).toBe(base.subject);
    expect(encodeHeaderText('Cap reached')).toBe('Cap reached');
  });

  it('is multipart/alternative: text then HTML, each quoted-printable UTF-8, between boundaries the bodies cannot contain', () => {
    const message = buildMessage(base);
    const boundary = /boundary="([^"]+)"/.exec(message)?.[1] ?? '';
    expect(boundary).toMatch(/^=_arbidesk_[0-9a-f]{24}$/);
    const delimiters = lines(message).filter((line) => line.startsWith(`--${boundary}`));
    expect(delimiters).toEqual([`--${boundary}`, `--${boundary}`, `--${boundary}--`]);
    expect(message.split(`--${boundary}`).slice(1, 3).map((part) => /Content-Type: ([^;]+)/.exec(part)?.[1])).toEqual(['text/plain', 'text/html']);
    const read = readMessage(message);
    expect(read.text).toBe(base.text);
    expect(read.html).toBe(base.html);
    expect(read.headers.get('auto-submitted')).toBe('auto-generated');
    expect(read.headers.get('date')).toBe('Mon, 16 Mar 2026 17:05:09 +0000');
    expect(read.headers.get('message-id')).toBe('<alert-notification.1@arbidesk.example>');
    expect(read.headers.get('from')).toBe('"ArbiDesk" <alerts@arbidesk.example>');
    expect(read.headers.get('to')).toBe('buyer@team.example');
    expect(read.headers.get('mime-version')).toBe('1.0');
  });

  it('keeps header lines within 78 characters and body lines within 76 (998 is SMTP\'s limit), however long the alert, and 7-bit', () => {
    const long = { ...base, text: `Загрузка «spend.csv» не удалась: ${'Строка 7: нет даты; '.repeat(200)}`, html: `<p>${'x'.repeat(5000)}</p>` };
    const message = buildMessage(long);
    const blank = message.indexOf('\r\n\r\n');
    const head = message.slice(0, blank);
    const body = message.slice(blank + 4);
    expect(Math.max(...lines(head).map((line) => line.length))).toBeLessThanOrEqual(78);
    expect(Math.max(...lines(body).map((line) => line.length))).toBeLessThanOrEqual(76);
    expect(message).toMatch(/^[\x00-\x7f]*$/);
    expect(readMessage(message).text).toBe(long.text);
    expect(readMessage(message).html).toBe(long.html);
  });

  it('quoted-printable: "=" and a line-ending space are encoded, soft breaks never split an =XX', () => {
    expect(quotedPrintable('a=b ')).toBe('a=3Db=20');
    expect(quotedPrintable('a b\nc')).toBe('a b\r\nc');
    const qp = quotedPrintable('ж'.repeat(40));
    for (const line of qp.split('\r\n')) {
      expect(line.length).toBeLessThanOrEqual(76);
      expect(line.replace(/=$/, '')).toMatch(/^(=[0-9A-F]{2})+$/);
    }
  });

  it('reads mailboxes and writes RFC 5322 dates in UTC', () => {
    expect(parseMailbox('ArbiDesk <alerts@arbidesk.example>')).toEqual({ name: 'ArbiDesk', address: 'alerts@arbidesk.example' });
    expect(parseMailbox('alerts@arbidesk.example')).toEqual({ address: 'alerts@arbidesk.example' });
    expect(parseMailbox('alerts@arbidesk.example\r\nBcc: x@y.z')).toBeUndefined();
    expect(parseMailbox('not an address')).toBeUndefined();
    expect(mailDate(new Date('2026-12-08T03:05:16Z'))).toBe('Tue, 08 Dec 2026 03:05:16 +0000');
  });
});

describe('SMTP pieces', () => {
  it('DATA dot-stuffs lines that start with "." and ends with the lone dot, lines in CRLF', () => {
    const payload = dataPayload(buildMessage(base));
    expect(payload.endsWith('\r\n.\r\n')).toBe(true);
    expect(payload).toContain('\r\n..hidden line');
    expect(dataPayload('a\n.\n..b\nc')).toBe('a\r\n..\r\n...b\r\nc\r\n.\r\n');
    // The only line that is a lone dot is the end.
    expect(lines(payload).filter((line) => line === '.')).toHaveLength(1);
  });

  it('reads reply lines, and tells "try later" (4xx) from "failed" (5xx) with the server\'s text', () => {
    expect(parseReplyLine('250-arbidesk.local greets me')).toEqual({ code: 250, last: false, text: 'arbidesk.local greets me' });
    expect(parseReplyLine('221')).toEqual({ code: 221, last: true, text: '' });
    expect(() => parseReplyLine('hello')).toThrow('not a reply line');
    expect(replyOutcome({ code: 451, lines: ['4.3.0 Try again later'] }, 'end of data')).toEqual({ sent: false, retry: true, error: 'SMTP 451 4.3.0 Try again later (end of data)' });
    expect(replyOutcome({ code: 550, lines: ['5.1.1 <x@y.z>: Recipient address rejected:', 'User unknown'] }, 'RCPT TO'))
      .toEqual({ sent: false, retry: false, error: 'SMTP 550 5.1.1 <x@y.z>: Recipient address rejected: User unknown (RCPT TO)' });
  });

  it('reads the SMTP_* secrets: implicit TLS on 465 by default, STARTTLS elsewhere, a wrong SMTP_TLS named', () => {
    const env = (vars: Record<string, string>) => (name: string) => vars[name];
    expect(smtpSettings(env({}))).toBeUndefined();
    expect(smtpSettings(env({ SMTP_HOST: 'smtp.example', SMTP_USER: 'u', SMTP_PASS: 'p' }))).toEqual({ host: 'smtp.example', port: 465, tls: 'implicit', user: 'u', pass: 'p', timeoutMs: 20_000 });
    expect(smtpSettings(env({ SMTP_HOST: 'email-smtp.eu-west-1.amazonaws.com', SMTP_PORT: '2587' }))).toMatchObject({ port: 2587, tls: 'starttls', user: undefined });
    expect(smtpSettings(env({ SMTP_HOST: 'h', SMTP_TLS: 'ssl' }))).toEqual({ problem: 'SMTP_TLS must be implicit, starttls or none, not ssl' });
  });
});
