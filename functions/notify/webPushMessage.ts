import { toBase64Url } from '../_shared/alerts/webPush/base64url.ts';
import type { Urgency, WebPushMessage } from '../_shared/alerts/webPush/send.ts';
import { alertNotification, type AlertForText, type Locale } from '../_shared/alerts/messages.ts';

/**
 * What a push about a person's due alerts carries: the notification's words in their
 * language and zone, where tapping it leads, and the push service's handling (urgency, TTL,
 * topic). app/sw.ts reads the payload.
 */

/** An alert of the push (each once), with what its link needs. */
export interface PushAlert extends AlertForText {
  alert_id: string;
  subject_type: string;
  subject_id: string;
}

/** The payload app/sw.ts shows: `tag` makes a newer notification about the same alerts replace the shown one. */
export interface PushPayload {
  title: string;
  body: string;
  url: string;
  tag: string;
  alert_ids: string[];
}

/** A device offline overnight still gets the alert in the morning; older news is left to the alert centre. */
export const pushTtlSeconds = 12 * 3600;

const urgencyOf: Record<string, Urgency> = { critical: 'high', warning: 'normal', info: 'low' };
const severityRank: Record<string, number> = { critical: 0, warning: 1, info: 2 };

/** One alert opens the page of what it is about; several, the alert centre. */
export function pushLink(alerts: readonly PushAlert[]): string {
  const [only] = alerts;
  if (alerts.length !== 1 || !only) return '/app/alerts';
  switch (only.subject_type) {
    case 'load':
      return `/app/loads/${encodeURIComponent(only.subject_id)}`;
    case 'program':
      return `/app/programs/${encodeURIComponent(only.subject_id)}`;
    case 'offer':
      // A cap counted per GEO is about "<offer>/<GEO>": the offer's page.
      return `/app/offers/${encodeURIComponent(only.subject_id.split('/')[0] ?? '')}`;
    default:
      return '/app/alerts';
  }
}

/** RFC 8030 Topic (≤ 32 base64url characters) of a set of alerts: 24 bytes of the SHA-256 of their sorted ids. */
export async function pushTopic(alertIds: readonly string[]): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode([...alertIds].sort().join(',')));
  return toBase64Url(new Uint8Array(digest).slice(0, 24));
}

export async function alertPush(alerts: readonly PushAlert[], locale: Locale, timeZone: string): Promise<{ payload: PushPayload; message: WebPushMessage }> {
  const ids = [...new Set(alerts.map((a) => a.alert_id))];
  const topic = await pushTopic(ids);
  const { title, body } = alertNotification(alerts, locale, timeZone);
  const payload: PushPayload = { title, body, url: pushLink(alerts), tag: `alerts-${topic}`, alert_ids: ids };
  const worst = [...alerts].sort((a, b) => (severityRank[a.severity] ?? 3) - (severityRank[b.severity] ?? 3))[0];
  return { payload, message: { payload: JSON.stringify(payload), ttlSeconds: pushTtlSeconds, urgency: urgencyOf[worst?.severity ?? ''] ?? 'normal', topic } };
}
