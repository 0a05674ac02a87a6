import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
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
 * Alert emails over STARTTLS (RFC 3207, SMTP_TLS=starttls): the `notify` function upgrades
 * the connection with Deno.startTls before it logs in, checking the server's certificate (a
 * throwaway one made here, which the function's Deno trusts through DENO_CERT), and never sends
 * the password when the server does not offer STARTTLS.
 */

const fake = new SmtpFake({ user: 'arbidesk@team.example', pass: 'app-password-1' });
let own: Stack;
let dir: string;
let person: TestUser;
const workspace = '40000000-0000-4000-8000-0000000a3201';

async function emailRow(): Promise<{ status: string; last_error: string | null } | undefined> {
  const [row] = await own.sql<{ status: string; last_error: string | null }[]>`select status, last_error
    from public.alert_notifications where workspace_id = ${workspace} and channel = 'email' and status <> 'queued'`;
  return row;
}

async function capReached(offer: string): Promise<void> {
  await own.sql`select private.raise_alert(${workspace}, 'cap_reached', 'critical', 'offer', ${offer}, ${JSON.stringify({ offer: 'Golden Fox', geo: 'KZ', used: 20, limit: 20 })}::text::jsonb)`;
  await expect.poll(emailRow, { timeout: 30_000, interval: 100 }).toBeDefined();
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'arbidesk-starttls-'));
  // A throwaway CA and the server's certificate for 127.0.0.1 signed by it (a CA's own
  // certificate may not stand for a server: rustls, under Deno, refuses that).
  const file = (name: string) => join(dir, name);
  const openssl = (...args: string[]) => execFileSync('openssl', args, { stdio: 'ignore' });
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes'];
  openssl('req', '-x509', ...ec, '-keyout', file('ca.key'), '-out', file('ca.pem'), '-days', '2', '-subj', '/CN=ArbiDesk test CA',
    '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign');
  openssl('req', ...ec, '-keyout', file('key.pem'), '-out', file('server.csr'), '-subj', '/CN=127.0.0.1');
  writeFileSync(file('server.ext'), 'subjectAltName=IP:127.0.0.1\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n');
  openssl('x509', '-req', '-in', file('server.csr'), '-CA', file('ca.pem'), '-CAkey', file('ca.key'), '-CAcreateserial',
    '-out', file('cert.pem'), '-days', '2', '-extfile', file('server.ext'));
  fake.tls = { key: readFileSync(file('key.pem'), 'utf8'), cert: readFileSync(file('cert.pem'), 'utf8') };
  await fake.start();
  own = await startStack({
    dataDir: join(dir, 'data'), apiPort: 0, dbPort: await freePort(),
    functionSecrets: {
      SMTP_HOST: '127.0.0.1', SMTP_PORT: String(fake.port), SMTP_TLS: 'starttls',
      SMTP_USER: fake.credentials.user, SMTP_PASS: fake.credentials.pass, SMTP_FROM: 'alerts@team.example',
      // Deno's own setting for extra trusted certificates (as a self-hosted provider's CA would be).
      DENO_CERT: file('ca.pem'),
    },
  });
  await own.sql`insert into public.workspaces (id, name) values (${workspace}, 'STARTTLS team')`;
  person = await memberByEmail(own.sql, workspace, 'tls-manager', 'affiliate_manager', 'en', 'Asia/Almaty', ['cap_reached']);
}, 120_000);

beforeEach(async () => {
  await own.sql`delete from public.alerts where workspace_id = ${workspace}`;
  fake.clear();
});

afterAll(async () => {
  await own?.stop();
  await fake.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('alert emails over STARTTLS', () => {
  it('upgrades to TLS, says EHLO again, and only then logs in and sends', async () => {
    await capReached('o1');
    expect(await emailRow()).toEqual({ status: 'sent', last_error: null });
    // Before the handshake the client sees only STARTTLS offered; what follows went through TLS.
    expect(fake.commands.map((c) => c.split(' ')[0])).toEqual(['EHLO', 'STARTTLS', 'EHLO', 'AUTH', 'MAIL', 'RCPT', 'DATA', 'QUIT']);
    expect(fake.received).toHaveLength(1);
    expect(fake.received[0]).toMatchObject({ user: fake.credentials.user, to: [person.email] });
    expect(readMessage(fake.received[0]?.data ?? '').subject).toBe('ArbiDesk: Cap of “Golden Fox · KZ” reached: 20 of 20');
  }, 60_000);

  it('a server that does not offer STARTTLS gets no password: the email fails, saying why', async () => {
    const tls = fake.tls;
    fake.tls = null;
    try {
      await capReached('o2');
    } finally {
      fake.tls = tls;
    }
    expect(await emailRow()).toEqual({ status: 'failed', last_error: 'SMTP: 127.0.0.1 does not offer STARTTLS (SMTP_TLS=starttls)' });
    expect(fake.commands.map((c) => c.split(' ')[0])).toEqual(['EHLO', 'QUIT']);
  }, 60_000);
});
