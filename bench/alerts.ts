import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClient } from '@supabase/supabase-js';
import ws from 'ws';
import { demoUsers } from '../supabase/local/demoUsers.ts';
import { startStack } from '../supabase/local/stack.ts';
import { freePort } from '../tests/support/globalSetup.ts';
import { PushServiceFake } from '../tests/support/pushServiceFake.ts';
import { PushSubscriber } from '../tests/support/pushSubscriber.ts';
import { TelegramFake } from '../tests/support/telegramFake.ts';
import type { SuiteResult } from './report.ts';
import { formatMs, summarize } from './stats.ts';

/**
 * Issue #15's benchmark: from a load that crosses a cap finishing, to the alert row, to the
 * message leaving the notify function (received by a local Telegram stand-in), with the
 * hosted Edge Function limits on. Each round: a new capped offer (5 first deposits a day),
 * then a file of 5 of its first deposits uploaded through the etl function; the load's
 * commit recounts the caps, the cap's usage raises `cap_reached`, the outbox's trigger asks
 * the notify function through pg_net, which sends to the buyer's chat and, as Web Push
 * (encrypted and VAPID-signed), to the buyer's browser on a local push service.
 */
export async function alertsBench(options: { rounds?: number; log?: (line: string) => void } = {}): Promise<SuiteResult> {
  const rounds = options.rounds ?? 12;
  const log = options.log ?? (() => undefined);
  const token = '42:BENCH';
  const telegram = new TelegramFake(token).chat('7001');
  await telegram.start();
  const push = new PushServiceFake();
  await push.start();
  const dataDir = mkdtempSync(join(tmpdir(), 'arbidesk-bench-alerts-'));
  const stack = await startStack({
    dataDir, apiPort: 0, dbPort: await freePort(),
    functionSecrets: { TELEGRAM_BOT_TOKEN: token, TELEGRAM_API_URL: telegram.url, WEB_PUSH_ORIGINS: push.origin, DENO_CERT: push.caFile },
  });
  try {
    const sql = stack.sql;
    const client = createClient(stack.apiUrl, stack.keys.anonKey, { auth: { persistSession: false }, realtime: { transport: ws as never } });
    const { data } = await client.auth.signInWithPassword({ email: 'buyer@demo.arbidesk.local', password: demoUsers.password });
    const accessToken = data.session?.access_token ?? '';
    const buyer = data.user?.id ?? '';
    const [workspace] = await sql`insert into public.workspaces (name) values ('Bench alerts') returning id`;
    await sql`insert into public.workspace_members values (${workspace?.id}, ${buyer}, 'media_buyer')`;
    await sql`update public.profiles set telegram_id = 7001, locale = 'ru', quiet_hours_start = null, quiet_hours_end = null where user_id = ${buyer}`;
    const browser = new PushSubscriber();
    await sql`insert into public.push_subscriptions (user_id, kind, endpoint, p256dh, auth, platform, device_name)
      values (${buyer}, 'web', ${push.subscribe(stack.vapidPublicKey)}, ${browser.keys.p256dh}, ${browser.keys.auth}, 'web', 'Bench browser')`;
    const [program] = await sql`insert into public.affiliate_programs (workspace_id, name, time_zone) values (${workspace?.id}, 'Bench program', 'UTC') returning id`;

    const toAlert: number[] = [];
    const toSent: number[] = [];
    const toPushed: number[] = [];
    const total: number[] = [];
    for (let round = 1; round <= rounds; round++) {
      const code = `bench-cap-${round}`;
      const [cap] = await sql`insert into public.cap_policies (workspace_id, name, cap_limit) values (${workspace?.id}, ${`${code} cap`}, 5) returning id`;
      const [offer] = await sql`insert into public.offers (workspace_id, code, name, program_id) values (${workspace?.id}, ${code}, ${`Offer ${round}`}, ${program?.id}) returning id`;
      await sql`insert into public.offer_versions (workspace_id, offer_id, valid_from, rate, currency, cap_policy_id)
        values (${workspace?.id}, ${offer?.id}, '2020-01-01T00:00:00Z', 10, 'USD', ${cap?.id})`;
      await sql`insert into public.offer_mapping (workspace_id, offer_id, tw_offer_id) values (${workspace?.id}, ${offer?.id}, ${code})`;
      // Five first deposits within the last minutes: today's period, in UTC.
      const now = Date.now();
      const lines = Array.from({ length: 5 }, (_, i) => `${code}-e${i},${new Date(now - (5 - i) * 60_000).toISOString()},first_deposit,c1,${code},RU,40,USD`);
      const file = `event_id,event_time,event_type,campaign_id,offer_id,geo,payout,currency\n${lines.join('\n')}\n`;
      const messagesBefore = telegram.messages.length;
      const pushesBefore = push.messages.length;
      // The delivery keeps Telegram's pace of one message a second per chat (functions/notify/pacing.ts):
      // rounds start over a second after the last message, so the figures are latency, not that wait.
      const lastAt = telegram.messages.at(-1)?.at;
      if (lastAt !== undefined) await new Promise((resolve) => setTimeout(resolve, Math.max(0, lastAt + 1_100 - Date.now())));
      const started = Date.now();
      const response = await fetch(`${stack.apiUrl}/functions/v1/etl?workspace_id=${workspace?.id}&file_name=${code}.csv&source=tw_events`, {
        method: 'POST', headers: { authorization: `Bearer ${accessToken}`, apikey: stack.keys.anonKey, 'content-type': 'text/csv' }, body: file,
      });
      const answer = (await response.json()) as { load?: { status?: string } };
      if (answer.load?.status !== 'done') throw new Error(`round ${round}: the load ended ${answer.load?.status ?? response.status}`);
      // Wall-clock moments from one clock (this machine): the load's finished_at, the alert row's
      // creation as the poll sees it, and the stand-in's receipt of the message.
      let alertSeenAt = 0;
      while (Date.now() - started < 30_000) {
        if (!alertSeenAt) {
          const [row] = await sql`select 1 from public.alerts where workspace_id = ${workspace?.id} and kind = 'cap_reached' and subject_id = ${offer?.id}::text`;
          if (row) alertSeenAt = Date.now();
        }
        if (alertSeenAt && telegram.messages.length > messagesBefore && push.messages.length > pushesBefore) break;
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
      const sentAt = telegram.messages.at(-1)?.at;
      const pushedAt = push.messages.at(-1)?.at;
      if (!alertSeenAt || telegram.messages.length === messagesBefore || sentAt === undefined || push.messages.length === pushesBefore || pushedAt === undefined) {
        const usage = await sql`select status, used::float8, effective_limit::float8 from public.cap_usage where offer_id = ${offer?.id}`;
        const outbox = await sql`select channel, status, last_error from public.alert_notifications where workspace_id = ${workspace?.id}`;
        throw new Error(`round ${round}: no alert, message or push within 30 s (usage ${JSON.stringify(usage)}, outbox ${JSON.stringify(outbox)})`);
      }
      const [finished] = await sql<{ ms: number }[]>`select extract(epoch from finished_at) * 1000 as ms from public.etl_loads
        where workspace_id = ${workspace?.id} and file_name = ${`${code}.csv`}`;
      const done = Number(finished?.ms);
      toAlert.push(Math.max(0, alertSeenAt - done));
      toSent.push(sentAt - done);
      toPushed.push(pushedAt - done);
      total.push(sentAt - started);
      log(`alerts: round ${round}: load done → alert seen ${formatMs(alertSeenAt - done)} ms, → Telegram ${formatMs(sentAt - done)} ms, → Web Push ${formatMs(pushedAt - done)} ms; upload → Telegram ${formatMs(sentAt - started)} ms`);
    }
    const a = summarize(toAlert);
    const s = summarize(toSent);
    const t = summarize(total);
    const w = summarize(toPushed);
    return {
      suite: 'alerts',
      tables: [{
        title: `Cap reached → alert → Telegram and Web Push, ${rounds} rounds (5-row load through the etl function, hosted limits on)`,
        columns: ['from', 'to', 'p50', 'p95'],
        rows: [
          ['load done (its finished_at)', 'cap_reached alert row seen (5 ms poll)', formatMs(a.p50), formatMs(a.p95)],
          ['load done (its finished_at)', 'message received by the Telegram stand-in', formatMs(s.p50), formatMs(s.p95)],
          ['load done (its finished_at)', 'Web Push request received by the push service stand-in', formatMs(w.p50), formatMs(w.p95)],
          ['upload sent', 'message received by the Telegram stand-in', formatMs(t.p50), formatMs(t.p95)],
        ],
      }],
      aims: [
        { label: 'a load crossing a cap → the message leaving the function, p95', target: '≤ 5 s', actual: `${formatMs(s.p95)} ms`, met: s.p95 <= 5_000 },
        { label: 'a load crossing a cap → the Web Push request leaving the function, p95', target: '≤ 5 s', actual: `${formatMs(w.p95)} ms`, met: w.p95 <= 5_000 },
      ],
      notes: [
        'Telegram is a local stand-in of the Bot API (it cannot be reached from here); the time includes the notify function\'s request to it.',
        'Web Push goes to a local HTTPS push service (tests/support/pushServiceFake.ts) that verifies the VAPID JWT; the time includes the RFC 8291 encryption and signing.',
      ],
    };
  } finally {
    await stack.stop();
    await telegram.stop();
    await push.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}
