import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClient, type SupabaseClient } from '@supabase/supabase-js';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import ws from 'ws';
import { startStack, type Stack } from '../../supabase/local/stack.ts';
import { freePort } from '../support/globalSetup.ts';
import { SlackFake } from '../support/slackFake.ts';
import { createUser, testPassword, type TestUser } from '../support/users.ts';

/**
 * Alerts to the team's Slack channel (#15), end to end: the channel's incoming webhook is set by
 * an admin (a secret nobody else reads), an alert queues one message for it, and the notify
 * function posts it to a local stand-in that answers as Slack documents (no_service,
 * channel_is_archived, 429 with Retry-After). The function posts only under the allowed
 * origin, so a stored URL cannot send it anywhere else.
 */

const slack = new SlackFake().hook('/services/T1/B1/good').hook('/services/T1/B1/archived').archive('/services/T1/B1/archived');
let own: Stack;
let dataDir: string;
const workspace = '40000000-0000-4000-8000-0000000a4001';
const people = {} as Record<'admin' | 'buyer', TestUser>;
const sessions = {} as Record<'admin' | 'buyer', SupabaseClient>;

interface Row {
  status: string;
  attempts: number;
  last_error: string | null;
  later: boolean;
}

async function slackRows(): Promise<Row[]> {
  return own.sql<Row[]>`select status, attempts, last_error, not_before > now() as later from public.alert_notifications
    where workspace_id = ${workspace} and channel = 'slack' order by created_at`;
}

async function setHook(url: string, changes: Record<string, unknown> = {}): Promise<void> {
  await sessions.admin.from('alert_slack').delete().eq('workspace_id', workspace);
  const { error } = await sessions.admin.from('alert_slack').insert({ workspace_id: workspace, webhook_url: url, locale: 'en', time_zone: 'Europe/Berlin', ...changes });
  expect(error).toBeNull();
}

async function runDelivery(): Promise<void> {
  const response = await fetch(`${own.apiUrl}/functions/v1/notify`, { method: 'POST', headers: { authorization: `Bearer ${own.keys.serviceRoleKey}`, 'content-type': 'application/json' }, body: '{}' });
  await response.body?.cancel();
}

beforeAll(async () => {
  await slack.start();
  dataDir = mkdtempSync(join(tmpdir(), 'arbidesk-slack-'));
  own = await startStack({ dataDir, apiPort: 0, dbPort: await freePort(), functionSecrets: { SLACK_WEBHOOK_ORIGIN: `${slack.url}/services/` } });
  await own.sql`insert into public.workspaces (id, name) values (${workspace}, 'Slack team')`;
  people.admin = await createUser(own.sql, 'slack-admin');
  people.buyer = await createUser(own.sql, 'slack-buyer');
  await own.sql`insert into public.workspace_members values (${workspace}, ${people.admin.id}, 'admin'), (${workspace}, ${people.buyer.id}, 'media_buyer')`;
  for (const who of ['admin', 'buyer'] as const) {
    const client = createClient(own.apiUrl, own.keys.anonKey, { auth: { persistSession: false }, realtime: { transport: ws as never } });
    const { error } = await client.auth.signInWithPassword({ email: people[who].email, password: testPassword });
    if (error) throw error;
    sessions[who] = client;
  }
}, 120_000);

beforeEach(async () => {
  await own.sql`delete from public.alerts where workspace_id = ${workspace}`;
  await own.sql`delete from public.alert_slack where workspace_id = ${workspace}`;
  slack.messages.length = 0;
});

afterAll(async () => {
  await own?.stop();
  await slack.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('alerts in Slack', () => {
  it('the admin\'s webhook gets one message per alert, in the channel\'s language; nobody else reads or sets the webhook', async () => {
    const { error: forged } = await sessions.buyer.from('alert_slack').insert({ workspace_id: workspace, webhook_url: `${slack.url}/services/T1/B1/good` });
    expect(forged?.code).toBe('42501');
    await setHook(`${slack.url}/services/T1/B1/good`);
    const { data: hidden } = await sessions.buyer.from('alert_slack').select('webhook_url').eq('workspace_id', workspace);
    expect(hidden).toEqual([]);

    await own.sql`select private.raise_alert(${workspace}, 'load_failed', 'warning', 'load', 'l-1', '{"file_name": "spend.csv", "error": "Line 3: no date"}')`;
    await expect.poll(() => slack.messages.length, { timeout: 20_000, interval: 100 }).toBe(1);
    expect(slack.messages[0]).toMatchObject({ path: '/services/T1/B1/good', text: '⚠️ The load of “spend.csv” failed: Line 3: no date' });
    // Seen again: no second message.
    await own.sql`select private.raise_alert(${workspace}, 'load_failed', 'warning', 'load', 'l-1', '{"file_name": "spend.csv", "error": "Line 3: no date"}')`;
    await runDelivery();
    expect(slack.messages).toHaveLength(1);
    expect(await slackRows()).toEqual([{ status: 'sent', attempts: 1, last_error: null, later: false }]);
  }, 60_000);

  it('posts only what reaches the channel\'s severity and kinds', async () => {
    await setHook(`${slack.url}/services/T1/B1/good`, { min_severity: 'critical', kinds: ['cap_reached'] });
    await own.sql`select private.raise_alert(${workspace}, 'load_failed', 'critical', 'load', 'l-2', '{}')`;
    await own.sql`select private.raise_alert(${workspace}, 'cap_reached', 'critical', 'offer', 'o-1', '{"offer": "Golden Fox", "used": 20, "limit": 20}')`;
    await expect.poll(() => slack.messages.length, { timeout: 20_000, interval: 100 }).toBe(1);
    expect(slack.messages[0]?.text).toBe('🔴 Cap of “Golden Fox” reached: 20 of 20');
  }, 60_000);

  it('a 429 puts the message off by Retry-After; an archived channel or a removed hook fails it for good; a URL outside Slack is never posted to', async () => {
    slack.limit('/services/T1/B1/good', 30);
    await setHook(`${slack.url}/services/T1/B1/good`);
    await own.sql`select private.raise_alert(${workspace}, 'load_failed', 'warning', 'load', 'l-3', '{}')`;
    await expect.poll(async () => (await slackRows())[0]?.attempts, { timeout: 20_000, interval: 100 }).toBe(1);
    expect(await slackRows()).toEqual([{ status: 'queued', attempts: 1, last_error: 'Slack 429: rate_limited', later: true }]);
    slack.limit('/services/T1/B1/good', 0);

    for (const [hook, error] of [
      [`${slack.url}/services/T1/B1/archived`, 'Slack 410: channel_is_archived'],
      [`${slack.url}/services/T1/B1/removed`, 'Slack 404: no_service'],
      ['https://intranet.example/hook', `Not a Slack incoming-webhook URL (it must start with ${slack.url}/services/)`],
    ] as const) {
      await own.sql`delete from public.alerts where workspace_id = ${workspace}`;
      await setHook(hook);
      await own.sql`select private.raise_alert(${workspace}, 'load_failed', 'warning', 'load', 'l-4', '{}')`;
      await expect.poll(async () => (await slackRows())[0]?.status, { timeout: 20_000, interval: 100 }).toBe('failed');
      expect((await slackRows())[0]?.last_error).toBe(error);
    }
    expect(slack.messages).toEqual([]);
  }, 60_000);
});
