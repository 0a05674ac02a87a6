import type { TransactionSql } from 'postgres';
import { ApnsImportError, importApnsTokens } from '../_shared/alerts/apnsImport.ts';
import { sendFcm, type FcmMessage, type FcmResult } from '../_shared/alerts/fcm.ts';
import { GoogleAuthError, parseServiceAccount, type ServiceAccount } from '../_shared/alerts/googleAuth.ts';
import { alertMessage, type Locale } from '../_shared/alerts/messages.ts';
import type { Sender } from './channels.ts';
import type { DueRow, Verdict } from './deliver.ts';
import { alertsOf } from './dueAlerts.ts';

/**
 * The `native_push` channel: the person's due alerts as one notification to each phone of
 * theirs with the Capacitor app (push_subscriptions of kind fcm, and apns until exchanged),
 * through FCM HTTP v1. Dead tokens are removed; the rows end sent when any phone took it.
 */

export interface NativePushSettings {
  /** The service account's key file (the FIREBASE_SERVICE_ACCOUNT secret); without it nothing goes to phones. */
  serviceAccount?: string;
  /** FCM_API_URL: https://fcm.googleapis.com, or a stand-in. */
  apiUrl: string;
  /** IID_API_URL: https://iid.googleapis.com, or a stand-in. */
  iidUrl: string;
  /** FCM_IOS_BUNDLE_ID: the iOS app's bundle id, to exchange its APNs tokens. */
  iosBundleId?: string;
  /** FCM_APNS_SANDBOX=true for development builds, whose APNs tokens are sandbox ones. */
  apnsSandbox: boolean;
}

interface Device {
  id: string;
  kind: 'fcm' | 'apns';
  endpoint: string;
  created_at: Date;
}

/** Where the app opens when the notification is tapped: the alert centre, which opens each alert's subject. */
const alertCentre = '/app/alerts';

/** Notification title and body: the shared wording, its heading (several alerts) as the title. */
export function pushText(rows: readonly DueRow[], locale: Locale, timeZone: string): { title: string; body: string } {
  const alerts = alertsOf(rows);
  const text = alertMessage(alerts, locale, timeZone);
  const [title, body] = alerts.length > 1 ? [text.slice(0, text.indexOf('\n')), text.slice(text.indexOf('\n') + 1)] : ['ArbiDesk', text];
  // FCM takes 4 KB a message; a long group is cut rather than refused.
  return { title, body: body.length > 1000 ? `${body.slice(0, 999)}…` : body };
}

/** One alert replaces its own earlier notification (a severity rise); a group replaces the same group. */
async function collapseKey(alertIds: readonly string[]): Promise<string> {
  if (alertIds.length === 1) return `alert-${alertIds[0]}`;
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode([...alertIds].sort().join(',')));
  return `alerts-${[...new Uint8Array(digest).slice(0, 8)].map((b) => b.toString(16).padStart(2, '0')).join('')}`;
}

/** The message for the person's due rows, without the device's token. */
export async function nativePushMessage(rows: readonly DueRow[]): Promise<Omit<FcmMessage, 'token'>> {
  const person = rows[0]!;
  const alertIds = [...new Set(rows.map((r) => r.alert_id))];
  const critical = rows.some((r) => r.severity === 'critical');
  const tag = await collapseKey(alertIds);
  return {
    notification: pushText(rows, person.locale, person.time_zone),
    data: { url: alertCentre, alert_ids: alertIds.join(',') },
    // HIGH wakes a phone in Doze; Android asks it only for what the person must see now.
    android: { priority: critical ? 'HIGH' : 'NORMAL', collapse_key: tag, notification: { tag, channel_id: critical ? 'critical_alerts' : 'alerts' } },
    apns: {
      headers: { 'apns-priority': critical ? '10' : '5', 'apns-collapse-id': tag },
      payload: { aps: { sound: 'default', 'thread-id': `workspace-${person.workspace_id}` } },
    },
  };
}

/**
 * Gives an exchanged APNs row its FCM token. One phone has one token: when another row holds
 * it already, the later registration wins, so a phone that changed hands tells only the
 * person signed in on it now.
 */
async function becomeFcm(tx: TransactionSql, device: Device, registrationToken: string): Promise<void> {
  const [other] = await tx<{ id: string; newer: boolean }[]>`
    select id, created_at > ${device.created_at} as newer from public.push_subscriptions where endpoint = ${registrationToken} and id <> ${device.id}`;
  if (other?.newer) {
    await tx`delete from public.push_subscriptions where id = ${device.id}`;
    return;
  }
  if (other) await tx`delete from public.push_subscriptions where id = ${other.id}`;
  await tx`update public.push_subscriptions set kind = 'fcm', endpoint = ${registrationToken} where id = ${device.id}`;
}

/**
 * Exchanges every APNs token still waiting (up to 100 a run), not only this person's: a phone
 * re-registered by someone else is moved to them before anyone's message goes to its token.
 * Answers what this person's APNs devices came to when they could not be exchanged.
 */
async function exchangeApnsTokens(tx: TransactionSql, settings: NativePushSettings, account: ServiceAccount, userId: string): Promise<FcmResult[]> {
  const waiting = await tx<(Device & { user_id: string })[]>`
    select id, kind, endpoint, created_at, user_id from public.push_subscriptions where kind = 'apns'
    order by user_id = ${userId} desc, created_at limit 100 for update skip locked`;
  if (!waiting.length) return [];
  const own = waiting.filter((d) => d.user_id === userId);
  if (!settings.iosBundleId) return own.map(() => ({ outcome: 'failed', error: 'FCM_IOS_BUNDLE_ID is not set: iPhones cannot be reached' }));
  let results;
  try {
    results = await importApnsTokens({ account, iidUrl: settings.iidUrl, bundleId: settings.iosBundleId, sandbox: settings.apnsSandbox }, waiting.map((d) => d.endpoint));
  } catch (error) {
    const transient = error instanceof ApnsImportError && error.transient;
    return own.map(() => ({ outcome: transient ? 'retry' : 'failed', error: (error as Error).message }));
  }
  const refused: FcmResult[] = [];
  for (const [i, device] of waiting.entries()) {
    const result = results[i]!;
    if ('registrationToken' in result) await becomeFcm(tx, device, result.registrationToken);
    else if (device.user_id === userId) refused.push({ outcome: 'failed', error: result.error });
  }
  return refused;
}

/** The rows' end from what each phone's message came to: sent if any phone took it. */
function verdictOf(attempts: readonly FcmResult[]): Verdict {
  const sent = attempts.filter((a) => a.outcome === 'sent').length;
  const problems = attempts.filter((a): a is Exclude<FcmResult, { outcome: 'sent' }> => a.outcome !== 'sent');
  const errors = [...new Set(problems.map((a) => (a.outcome === 'gone' ? `${a.error} (the device was removed)` : a.error)))].join('; ');
  if (sent) return { status: 'sent', error: problems.length ? `${problems.length} of ${attempts.length} devices: ${errors}` : undefined };
  const retries = problems.filter((a) => a.outcome === 'retry');
  if (retries.length) {
    const waits = retries.map((a) => a.retryAfterSeconds).filter((s): s is number => s !== undefined);
    return { status: 'queued', error: errors, retryAfterSeconds: waits.length ? Math.max(...waits) : undefined };
  }
  return { status: 'failed', error: errors };
}

const noDevice: Verdict = { status: 'skipped', error: 'No phone with the app has agreed to notifications for this person' };

export const nativePush: Sender = async (ctx, tx, rows) => {
  const person = rows[0]!;
  const settings = ctx.nativePush;
  const userId = person.user_id!;
  const any = await tx`select 1 from public.push_subscriptions where user_id = ${userId} and kind in ('fcm', 'apns') limit 1`;
  if (!any.length) return noDevice;
  if (!settings.serviceAccount) return { status: 'skipped', error: 'The project has no Firebase service account (FIREBASE_SERVICE_ACCOUNT)' };
  let account: ServiceAccount;
  try {
    account = parseServiceAccount(settings.serviceAccount);
  } catch (error) {
    return { status: 'failed', error: error instanceof GoogleAuthError ? error.message : String(error) };
  }

  const attempts: FcmResult[] = await exchangeApnsTokens(tx, settings, account, userId);
  const phones = await tx<Device[]>`select id, kind, endpoint, created_at from public.push_subscriptions where user_id = ${userId} and kind = 'fcm' order by created_at`;
  // The phone may just have moved to the person who signed in on it since.
  if (!phones.length && !attempts.length) return noDevice;
  const message = await nativePushMessage(rows);
  for (const phone of phones) {
    const result = await sendFcm({ account, apiUrl: settings.apiUrl }, { ...message, token: phone.endpoint });
    attempts.push(result);
    if (result.outcome === 'sent') await tx`update public.push_subscriptions set last_sent_at = now() where id = ${phone.id}`;
    if (result.outcome === 'gone') await tx`delete from public.push_subscriptions where id = ${phone.id}`;
  }
  return verdictOf(attempts);
};
