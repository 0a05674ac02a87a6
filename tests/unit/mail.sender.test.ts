import { describe, expect, it } from 'vitest';
import type { DeliveryContext, DueRow } from '../../functions/notify/deliver.ts';
import { email, type MailSettings } from '../../functions/notify/email.ts';

/**
 * The email channel's answers before any connection: a project without a mail server skips
 * the rows (the log says why), wrong secrets fail them with what to fix, and a person without
 * an address is skipped. Delivery itself is in tests/db/notify.email, notify.smtp, notify.tls.
 */

const row: DueRow = {
  id: '00000000-0000-4000-8000-000000000001', alert_id: '00000000-0000-4000-8000-000000000002',
  workspace_id: '00000000-0000-4000-8000-000000000003', user_id: '00000000-0000-4000-8000-000000000004',
  channel: 'email', reason: 'fired', attempts: 0, kind: 'load_failed', severity: 'warning', params: { file_name: 'a.csv', error: 'x' },
  alert_status: 'firing', locale: 'ru', time_zone: 'Europe/Moscow', telegram_id: null, slack_url: null, email: 'buyer@team.example', subject_type: 'load', subject_id: 'l1',
};

function send(mail: MailSettings | undefined, rows: DueRow[] = [row]) {
  const ctx: DeliveryContext = { sql: undefined as never, telegram: { apiUrl: 'http://127.0.0.1:9' }, slackOrigin: 'https://hooks.slack.com/', nativePush: { apiUrl: 'http://127.0.0.1:9', iidUrl: 'http://127.0.0.1:9', apnsSandbox: false }, mail };
  return email(ctx, undefined as never, rows);
}

const smtp = { host: '127.0.0.1', port: 2525, tls: 'none' as const, timeoutMs: 1000 };

describe('the email channel', () => {
  it('skips the rows when the project has no mail server', async () => {
    expect(await send(undefined)).toEqual({ status: 'skipped', error: 'The project has no mail server (SMTP_HOST)' });
    expect(await send({ from: { address: 'alerts@team.example' } })).toEqual({ status: 'skipped', error: 'The project has no mail server (SMTP_HOST)' });
  });

  it('fails them with what to fix when the secrets are wrong', async () => {
    expect(await send({ smtp: { problem: 'SMTP_TLS must be implicit, starttls or none, not ssl' }, from: { address: 'alerts@team.example' } }))
      .toEqual({ status: 'failed', error: 'SMTP_TLS must be implicit, starttls or none, not ssl' });
    expect(await send({ smtp })).toEqual({ status: 'failed', error: 'SMTP_FROM is not an address ("ArbiDesk <alerts@example.com>")' });
  });

  it('skips a person without a usable address, never putting one with a line break into a command', async () => {
    const from = { address: 'alerts@team.example' };
    expect(await send({ smtp, from }, [{ ...row, email: null }])).toEqual({ status: 'skipped', error: 'This person has no email address' });
    expect(await send({ smtp, from }, [{ ...row, email: 'a@b.example>\r\nRCPT TO:<c@d.example' }])).toEqual({ status: 'skipped', error: 'This person has no email address' });
  });
});
