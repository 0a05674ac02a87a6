import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startStack, type Stack } from '../../supabase/local/stack.ts';
import { readMessage } from '../../supabase/local/mail/readMessage.ts';
import { memberByEmail } from '../support/alertPeople.ts';
import { freePort } from '../support/globalSetup.ts';
import { SmtpFake } from '../support/smtpFake.ts';
import { serverCertificate, type TestCertificate } from '../support/testCertificate.ts';
import type { TestUser } from '../support/users.ts';

/**
 * Alert emails over TLS, as production sends them: implicit TLS on 465 (SMTP_TLS=implicit,
 * Deno.connectTls) and STARTTLS (SMTP_TLS=starttls, Deno.startTls before logging in). The
 * server's certificate is checked: a throwaway CA made here, which each stack's Deno trusts
 * through DENO_CERT. A stack per mode, since SMTP_TLS is a secret of the whole project.
 */

const workspace = '40000000-0000-4000-8000-0000000a3201';
let dir: string;
let certificate: TestCertificate;

/** A stack whose functions send through `fake` with `tls`, and one member who wants cap alerts by email. */
function project(tls: 'implicit' | 'starttls') {
  const fake = new SmtpFake({ user: 'arbidesk@team.example', pass: 'app-password-1' });
  const state = { fake } as { fake: SmtpFake; own: Stack; person: TestUser };
  beforeAll(async () => {
    if (tls === 'starttls') fake.tls = certificate;
    await fake.start(0, tls === 'implicit' ? certificate : undefined);
    state.own = await startStack({
      dataDir: join(dir, tls), apiPort: 0, dbPort: await freePort(),
      functionSecrets: {
        SMTP_HOST: '127.0.0.1', SMTP_PORT: String(fake.port), SMTP_TLS: tls,
        SMTP_USER: fake.credentials.user, SMTP_PASS: fake.credentials.pass, SMTP_FROM: 'alerts@team.example',
        // Deno's own setting for extra trusted certificates (as a self-hosted provider's CA would be).
        DENO_CERT: certificate.caFile,
      },
    });
    await state.own.sql`insert into public.workspaces (id, name) values (${workspace}, 'TLS team')`;
    state.person = await memberByEmail(state.own.sql, workspace, 'tls-manager', 'affiliate_manager', 'en', 'Asia/Almaty', ['cap_reached']);
  }, 120_000);
  beforeEach(async () => {
    await state.own.sql`delete from public.alerts where workspace_id = ${workspace}`;
    fake.clear();
  });
  afterAll(async () => {
    await state.own?.stop();
    await fake.stop();
  });
  return state;
}

/**
 * A cap reached: one email row for the member; resolves with it once delivery has answered
 * (a run asked for here too: a cold function can outlast the trigger's pg_net request).
 */
async function capReached(own: Stack, offer: string): Promise<{ status: string; last_error: string | null }> {
  await own.sql`select private.raise_alert(${workspace}, 'cap_reached', 'critical', 'offer', ${offer}, ${JSON.stringify({ offer: 'Golden Fox', geo: 'KZ', used: 20, limit: 20 })}::text::jsonb)`;
  const run = await fetch(`${own.apiUrl}/functions/v1/notify`, { method: 'POST', headers: { authorization: `Bearer ${own.keys.serviceRoleKey}` } });
  expect(run.status).toBe(200);
  const row = async () => (await own.sql<{ status: string; last_error: string | null }[]>`select status, last_error
    from public.alert_notifications where workspace_id = ${workspace} and channel = 'email' and status <> 'queued'`)[0];
  await expect.poll(row, { timeout: 30_000, interval: 100 }).toBeDefined();
  return (await row())!;
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'arbidesk-tls-'));
  certificate = serverCertificate(dir);
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('alert emails over implicit TLS (port 465)', () => {
  const p = project('implicit');

  it('speaks TLS from the first byte, then logs in and sends', async () => {
    expect(await capReached(p.own, 'o1')).toEqual({ status: 'sent', last_error: null });
    expect(p.fake.commands.map((c) => c.split(' ')[0])).toEqual(['EHLO', 'AUTH', 'MAIL', 'RCPT', 'DATA', 'QUIT']);
    expect(p.fake.received[0]).toMatchObject({ user: p.fake.credentials.user, to: [p.person.email] });
    expect(readMessage(p.fake.received[0]?.data ?? '').subject).toBe('ArbiDesk: Cap of “Golden Fox · KZ” reached: 20 of 20');
  }, 60_000);
});

describe('alert emails over STARTTLS', () => {
  const p = project('starttls');

  it('upgrades to TLS, says EHLO again, and only then logs in and sends', async () => {
    expect(await capReached(p.own, 'o1')).toEqual({ status: 'sent', last_error: null });
    // Before the handshake the client sees only STARTTLS offered; what follows went through TLS.
    expect(p.fake.commands.map((c) => c.split(' ')[0])).toEqual(['EHLO', 'STARTTLS', 'EHLO', 'AUTH', 'MAIL', 'RCPT', 'DATA', 'QUIT']);
    expect(p.fake.received[0]).toMatchObject({ user: p.fake.credentials.user, to: [p.person.email] });
    expect(readMessage(p.fake.received[0]?.data ?? '').subject).toBe('ArbiDesk: Cap of “Golden Fox · KZ” reached: 20 of 20');
  }, 60_000);

  it('a server that does not offer STARTTLS gets no password: the email fails, saying why', async () => {
    const tls = p.fake.tls;
    p.fake.tls = null;
    try {
      expect(await capReached(p.own, 'o2')).toEqual({ status: 'failed', last_error: 'SMTP: 127.0.0.1 does not offer STARTTLS (SMTP_TLS=starttls)' });
    } finally {
      p.fake.tls = tls;
    }
    expect(p.fake.commands.map((c) => c.split(' ')[0])).toEqual(['EHLO', 'QUIT']);
  }, 60_000);
});
