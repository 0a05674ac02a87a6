import type { Sql, TransactionSql } from 'postgres';
import type { Locale } from '../_shared/alerts/messages.ts';
import type { SendOutcome } from '../_shared/alerts/telegram.ts';
import { senders } from './channels.ts';
import type { MailSettings } from './email.ts';
import type { NativePushSettings } from './nativePush.ts';
import { isPaced, Pacer } from './pacing.ts';
import type { WebPushSettings } from './webPush.ts';

/**
 * Works through the due rows of the alert outbox (20261208140000_alert_notifications.sql):
 * the rows due to one person on one channel go as one message; each row ends sent, failed
 * (trying again cannot help), skipped (the channel is not linked, or the alert ended before
 * it could be told), or stays queued for a retry (a 429's retry_after, else backing off).
 */

export interface TelegramSettings {
  apiUrl: string;
  /** The bot's token (the TELEGRAM_BOT_TOKEN secret); without it nothing goes to Telegram. */
  token?: string;
}

export interface DeliveryContext {
  sql: Sql;
  telegram: TelegramSettings;
  /** Webhook URLs are posted to only under this origin (SLACK_WEBHOOK_ORIGIN; Slack's own host by default). */
  slackOrigin: string;
  /** FCM for the Capacitor app (FIREBASE_SERVICE_ACCOUNT and the rest: nativePush.ts). */
  nativePush: NativePushSettings;
  /** The mail server (SMTP_* secrets) and the app's address the emails link to. */
  mail?: MailSettings;
  /** VAPID keys and the push services' origins (web_push); without it web push is skipped. */
  webPush?: WebPushSettings;
  /** Rows claimed per transaction. */
  batch?: number;
}

export interface DeliveryOutcome {
  sent: number;
  retried: number;
  failed: number;
  skipped: number;
}

export interface DueRow {
  id: string;
  alert_id: string;
  workspace_id: string;
  /** Null for the workspace's Slack channel. */
  user_id: string | null;
  channel: string;
  /** fired, raised, escalated or repeated. */
  reason: string;
  attempts: number;
  kind: string;
  severity: string;
  params: Record<string, unknown>;
  alert_status: string;
  locale: Locale;
  time_zone: string;
  telegram_id: string | null;
  slack_url: string | null;
  /** The person's account address, for the email channel. */
  email: string | null;
  subject_type: string;
  subject_id: string;
}

/** Tries before a row counts as failed, and the back-off between them (30 s, 1, 2, 4 min). */
const maxAttempts = 5;
const backoffSeconds = (attempts: number) => 30 * 2 ** attempts;

/** Rows per run: a run is one short invocation, far inside a hosted function's limits; the minute job takes the rest. */
const maxRowsPerRun = 500;

async function claimDue(tx: TransactionSql, batch: number): Promise<DueRow[]> {
  return tx<DueRow[]>`
    select n.id, n.alert_id, n.workspace_id, n.user_id, n.channel, n.reason, n.attempts, a.kind, a.severity, a.params, a.status as alert_status,
      coalesce(p.locale, s.locale, 'en') as locale, coalesce(p.time_zone, s.time_zone, 'UTC') as time_zone,
      p.telegram_id::text as telegram_id, s.webhook_url as slack_url, u.email,
      a.subject_type, a.subject_id
    from public.alert_notifications n
    join public.alerts a on a.id = n.alert_id
    left join public.profiles p on p.user_id = n.user_id
    left join public.alert_slack s on n.channel = 'slack' and s.workspace_id = n.workspace_id and s.enabled
    left join auth.users u on n.channel = 'email' and u.id = n.user_id
    where n.status = 'queued' and n.not_before <= now()
    order by n.not_before, n.created_at
    limit ${batch}
    for update of n skip locked`;
}

export type Verdict = { status: 'sent' | 'failed' | 'skipped'; error?: string } | { status: 'queued'; error: string; retryAfterSeconds?: number };

/** The sender of each channel (channels.ts); a channel without one is skipped with the reason. */
async function send(ctx: DeliveryContext, tx: TransactionSql, rows: readonly DueRow[]): Promise<Verdict> {
  const sender = senders[rows[0]!.channel];
  if (!sender) return { status: 'skipped', error: `${rows[0]!.channel} delivery is not available yet` };
  return toVerdict(await sender(ctx, tx, rows));
}

function toVerdict(outcome: SendOutcome | Verdict): Verdict {
  if ('status' in outcome) return outcome;
  if (outcome.sent) return { status: 'sent' };
  if (!outcome.retry) return { status: 'failed', error: outcome.error };
  return { status: 'queued', error: outcome.error, retryAfterSeconds: outcome.retryAfterSeconds };
}

async function record(tx: TransactionSql, rows: DueRow[], verdict: Verdict): Promise<keyof DeliveryOutcome> {
  const ids = rows.map((r) => r.id);
  if (verdict.status === 'queued') {
    const attempts = Math.max(...rows.map((r) => r.attempts)) + 1;
    if (attempts >= maxAttempts) {
      await tx`update public.alert_notifications set status = 'failed', attempts = attempts + 1, last_error = ${verdict.error} where id = any(${ids}::uuid[])`;
      return 'failed';
    }
    const wait = verdict.retryAfterSeconds ?? backoffSeconds(attempts - 1);
    await tx`update public.alert_notifications set attempts = attempts + 1, last_error = ${verdict.error},
      not_before = now() + make_interval(secs => ${wait}) where id = any(${ids}::uuid[])`;
    return 'retried';
  }
  await tx`update public.alert_notifications set status = ${verdict.status}, attempts = attempts + ${verdict.status === 'skipped' ? 0 : 1},
    last_error = ${verdict.error ?? null}, sent_at = ${verdict.status === 'sent' ? tx`clock_timestamp()` : null} where id = any(${ids}::uuid[])`;
  return verdict.status;
}

/** Whom a group's message goes to: a person, or (Slack) the workspace's channel. */
const destinationOf = (row: DueRow) => row.user_id ?? `workspace ${row.workspace_id}`;

/**
 * The last send to each paced destination of the batch, read after locking the destinations
 * (in one order, so two runs never wait on each other in a circle): a concurrent run that sent
 * to the same chat has committed by then, and its send counts for the pace.
 */
async function lastSends(tx: TransactionSql, groups: readonly DueRow[][]): Promise<Map<string, Date>> {
  const paced = [...new Set(groups.filter((rows) => isPaced(rows[0]!.channel)).map((rows) => `${rows[0]!.channel} ${destinationOf(rows[0]!)}`))].sort();
  for (const key of paced) await tx`select pg_advisory_xact_lock(hashtextextended(${`notify ${key}`}, 0))`;
  if (!paced.length) return new Map();
  const rows = await tx<{ key: string; at: Date }[]>`
    select n.channel || ' ' || coalesce(n.user_id::text, 'workspace ' || n.workspace_id) as key, max(n.sent_at) as at
    from public.alert_notifications n
    where n.sent_at is not null and n.channel || ' ' || coalesce(n.user_id::text, 'workspace ' || n.workspace_id) = any(${paced}::text[])
      and n.sent_at > now() - interval '1 minute'
    group by 1`;
  return new Map(rows.map((r) => [r.key, r.at]));
}

/** One transaction: claim a batch, send a message per person and channel, record each row's end. */
async function deliverBatch(ctx: DeliveryContext, batch: number, outcome: DeliveryOutcome, pacer: Pacer): Promise<number> {
  return ctx.sql.begin(async (tx) => {
    const due = await claimDue(tx, batch);
    const groups = new Map<string, DueRow[]>();
    for (const row of due) {
      const key = `${destinationOf(row)} ${row.channel}`;
      groups.set(key, [...(groups.get(key) ?? []), row]);
    }
    const sentBefore = await lastSends(tx, [...groups.values()]);
    for (const rows of groups.values()) {
      // An alert that ended while its message waited (quiet hours, a retry) is no longer news.
      const ended = rows.filter((r) => r.alert_status !== 'firing');
      if (ended.length) outcome[await record(tx, ended, { status: 'skipped', error: 'The alert ended before it was told' })] += ended.length;
      const live = rows.filter((r) => r.alert_status === 'firing');
      if (!live.length) continue;
      const { channel } = live[0]!;
      const destination = destinationOf(live[0]!);
      await pacer.wait(channel, destination, sentBefore.get(`${channel} ${destination}`) ?? null);
      const verdict = await send(ctx, tx, live);
      if (verdict.status === 'sent') pacer.sent(channel, destination);
      outcome[await record(tx, live, verdict)] += live.length;
    }
    return due.length;
  });
}

export async function deliverDue(ctx: DeliveryContext): Promise<DeliveryOutcome> {
  const batch = ctx.batch ?? 100;
  const outcome: DeliveryOutcome = { sent: 0, retried: 0, failed: 0, skipped: 0 };
  const pacer = new Pacer();
  for (let handled = 0; handled < maxRowsPerRun; ) {
    const claimed = await deliverBatch(ctx, batch, outcome, pacer);
    if (claimed === 0) break;
    handled += claimed;
  }
  return outcome;
}
