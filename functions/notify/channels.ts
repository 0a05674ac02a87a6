import type { TransactionSql } from 'postgres';
import { alertMessage, type Locale } from '../_shared/alerts/messages.ts';
import { sendSlack } from '../_shared/alerts/slack.ts';
import { sendTelegram, type InlineKeyboard, type SendOutcome } from '../_shared/alerts/telegram.ts';
import type { DeliveryContext, DueRow, Verdict } from './deliver.ts';
import { alertsOf } from './dueAlerts.ts';
import { email } from './email.ts';
import { nativePush } from './nativePush.ts';
import { webPush } from './webPush.ts';

/**
 * One sender per channel of the outbox. A sender gets the due rows of one person (or the
 * workspace's channel) on its channel, all of firing alerts, and tells them in one message;
 * it answers what happened, and deliver.ts records it on every row. `tx` is the claiming
 * transaction, for a channel that reads or tidies its own addresses (push subscriptions).
 */
export type Sender = (ctx: DeliveryContext, tx: TransactionSql, rows: readonly DueRow[]) => Promise<SendOutcome | Verdict>;

/** An "Acknowledge" button per alert of the message (the bot's webhook acknowledges as the chat's person); at most 8. */
function acknowledgeButtons(rows: readonly DueRow[], locale: Locale): InlineKeyboard {
  const label = locale === 'ru' ? 'Принято' : 'Acknowledge';
  const alerts = [...new Set(rows.map((r) => r.alert_id))].slice(0, 8);
  return {
    inline_keyboard: alerts.map((id, i) => [{ text: alerts.length === 1 ? `✓ ${label}` : `✓ ${label} ${i + 1}`, callback_data: `ack:${id}` }]),
  };
}

const telegram: Sender = async (ctx, _tx, rows) => {
  const person = rows[0]!;
  if (!person.telegram_id) return { status: 'skipped', error: 'Telegram is not linked to this person' };
  if (!ctx.telegram.token) return { status: 'skipped', error: 'The project has no Telegram bot (TELEGRAM_BOT_TOKEN)' };
  const text = alertMessage(alertsOf(rows), person.locale, person.time_zone);
  return sendTelegram(ctx.telegram.apiUrl, ctx.telegram.token, person.telegram_id, text, acknowledgeButtons(rows, person.locale));
};

/** The workspace's channel; only a URL under the allowed origin is posted to (never an address inside the project). */
const slack: Sender = async (ctx, _tx, rows) => {
  const channel = rows[0]!;
  if (!channel.slack_url) return { status: 'skipped', error: 'The workspace has no Slack channel now' };
  if (!channel.slack_url.startsWith(ctx.slackOrigin)) return { status: 'failed', error: `Not a Slack incoming-webhook URL (it must start with ${ctx.slackOrigin})` };
  return sendSlack(channel.slack_url, alertMessage(alertsOf(rows), channel.locale, channel.time_zone));
};

export const senders: Partial<Record<string, Sender>> = { telegram, slack, email, native_push: nativePush, web_push: webPush };
