import { endpointAllowed, parseOriginAllowlist } from '../_shared/alerts/webPush/origins.ts';
import { sendWebPush, type PushResult } from '../_shared/alerts/webPush/send.ts';
import { readVapidKeys, type VapidKeys } from '../_shared/alerts/webPush/vapid.ts';
import { alertsOf } from './dueAlerts.ts';
import type { DeliveryContext, DueRow, Verdict } from './deliver.ts';
import type { TransactionSql } from 'postgres';
import type { SendOutcome } from '../_shared/alerts/telegram.ts';
import { alertPush, type PushAlert } from './webPushMessage.ts';

/** The project's Web Push settings: its VAPID keys (or why there are none) and the push services it posts to. */
export interface WebPushSettings {
  vapid: VapidKeys | string;
  origins: ReturnType<typeof parseOriginAllowlist>;
}

/** From the function's secrets; a malformed WEB_PUSH_ORIGINS stops web push only (with the reason), not the other channels. */
export function webPushSettings(env: (name: string) => string | undefined): WebPushSettings {
  const vapid = readVapidKeys(env);
  try {
    return { vapid, origins: parseOriginAllowlist(env('WEB_PUSH_ORIGINS')) };
  } catch (error) {
    return { vapid: (error as Error).message, origins: [] };
  }
}

interface Subscription {
  id: string;
  endpoint: string;
  p256dh: string;
  auth: string;
}

/** A subscription that is not under a known push service is never requested. */
const notAPushService: PushResult = { outcome: 'failed', error: 'The endpoint is not under a push service of WEB_PUSH_ORIGINS; it was not requested' };

/**
 * The person's due alerts as one notification on each of their browsers (kind 'web'). The row
 * is sent when any device took it; a device the push service says is gone is removed; when
 * none took it, the row waits for a retry if any device may take it later, else it fails.
 */
export async function webPush(ctx: DeliveryContext, tx: TransactionSql, rows: readonly DueRow[]): Promise<SendOutcome | Verdict> {
  const person = rows[0]!;
  const settings = ctx.webPush;
  if (!settings) return { status: 'skipped', error: 'The project has no VAPID keys' };
  const vapid = settings.vapid;
  if (typeof vapid === 'string') return { status: 'skipped', error: vapid };
  const subscriptions = await tx<Subscription[]>`
    select id, endpoint, p256dh, auth from public.push_subscriptions where user_id = ${person.user_id} and kind = 'web' order by created_at`;
  if (!subscriptions.length) return { status: 'skipped', error: 'No browser of this person has notifications on' };

  const { message } = await alertPush(pushAlerts(rows), person.locale, person.time_zone);
  const results = await Promise.all(
    subscriptions.map((s) => (endpointAllowed(s.endpoint, settings.origins) ? sendWebPush(s, message, vapid) : Promise.resolve(notAPushService))),
  );
  const idsWhere = (outcome: PushResult['outcome']) => subscriptions.filter((_, i) => results[i]!.outcome === outcome).map((s) => s.id);
  const gone = idsWhere('gone');
  if (gone.length) await tx`delete from public.push_subscriptions where id = any(${gone}::uuid[])`;
  const sent = idsWhere('sent');
  if (sent.length) await tx`update public.push_subscriptions set last_sent_at = now() where id = any(${sent}::uuid[])`;
  return verdictOf(results);
}

/** Each alert once (alertsOf: a repeat only when nothing newer is due), with what its link needs. */
function pushAlerts(rows: readonly DueRow[]): PushAlert[] {
  const ids = [...new Set(rows.map((r) => r.alert_id))];
  // alertsOf keeps the alerts in the order they first appear in the rows.
  return alertsOf(rows).map((alert, i) => {
    const row = rows.find((r) => r.alert_id === ids[i])!;
    return { ...alert, alert_id: row.alert_id, subject_type: row.subject_type, subject_id: row.subject_id };
  });
}

function verdictOf(results: readonly PushResult[]): SendOutcome | Verdict {
  const errors = [...new Set(results.flatMap((r) => ('error' in r ? [r.error] : [])))].join('; ');
  if (results.some((r) => r.outcome === 'sent')) return errors ? { status: 'sent', error: `Not every device: ${errors}` } : { sent: true };
  const retries = results.flatMap((r) => (r.outcome === 'retry' ? [r] : []));
  if (retries.length) {
    const waits = retries.flatMap((r) => (r.retryAfterSeconds === undefined ? [] : [r.retryAfterSeconds]));
    return { sent: false, retry: true, error: errors, retryAfterSeconds: waits.length ? Math.max(...waits) : undefined };
  }
  if (results.every((r) => r.outcome === 'gone')) return { status: 'skipped', error: `Every browser of this person unsubscribed (removed): ${errors}` };
  return { sent: false, retry: false, error: errors };
}
