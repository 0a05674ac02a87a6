import type { Sql } from 'postgres';
import { answerCallback, sendTelegram } from '../_shared/alerts/telegram.ts';
import { HttpError, json } from '../_shared/http.ts';

/**
 * The bot's webhook (https://core.telegram.org/bots/api#setwebhook): Telegram POSTs each
 * Update here with the secret given to setWebhook in X-Telegram-Bot-Api-Secret-Token, which is
 * how a request is known to come from Telegram (there is no JWT: verify_jwt is off for this
 * function). "/start CODE" links the chat to the person who asked the app for that code; an
 * "Acknowledge" button acknowledges the alert as the chat's person. Every update is answered
 * 200 (Telegram sends a refused one again and again).
 */

export interface BotContext {
  sql: Sql;
  apiUrl: string;
  token?: string;
  /** The secret_token given to setWebhook; without it the webhook takes nothing. */
  secret?: string;
}

interface Update {
  message?: { chat?: { id?: number }; from?: { language_code?: string }; text?: string };
  callback_query?: { id?: string; from?: { id?: number; language_code?: string }; data?: string };
}

type Lang = 'ru' | 'en';
const langOf = (code: string | undefined): Lang => (code?.startsWith('ru') ? 'ru' : 'en');

const replies = {
  linked: { ru: 'Готово: оповещения ArbiDesk будут приходить в этот чат.', en: 'Done: ArbiDesk alerts will come to this chat.' },
  badCode: {
    ru: 'Код неверный, уже использован или устарел. Получите новый в профиле ArbiDesk (действует 15 минут).',
    en: 'This code is wrong, used or expired. Get a new one in your ArbiDesk profile (it works for 15 minutes).',
  },
  howTo: {
    ru: 'Чтобы получать оповещения, получите код в профиле ArbiDesk и отправьте его сюда: /start КОД',
    en: 'To get alerts here, get a code in your ArbiDesk profile and send it here: /start CODE',
  },
  acknowledged: { ru: 'Отмечено: вы видели это оповещение.', en: 'Acknowledged.' },
  forbidden: { ru: 'Участники только для чтения не отмечают оповещения.', en: 'Read-only members cannot acknowledge alerts.' },
  unknown: { ru: 'Это оповещение не найдено или чат не привязан.', en: 'This alert is not found, or this chat is not linked.' },
};

/** Equal strings, compared in time that does not depend on where they differ. */
function sameSecret(a: string, b: string): boolean {
  const x = new TextEncoder().encode(a);
  const y = new TextEncoder().encode(b);
  let difference = x.length ^ y.length;
  for (let i = 0; i < Math.max(x.length, y.length); i++) difference |= (x[i] ?? 0) ^ (y[i] ?? 0);
  return difference === 0;
}

async function reply(ctx: BotContext, chat: number, text: string): Promise<void> {
  if (ctx.token) await sendTelegram(ctx.apiUrl, ctx.token, String(chat), text);
}

async function onMessage(ctx: BotContext, message: NonNullable<Update['message']>): Promise<void> {
  const chat = message.chat?.id;
  const text = message.text?.trim() ?? '';
  if (chat === undefined) return;
  const lang = langOf(message.from?.language_code);
  const start = /^\/start(?:@\w+)?(?:\s+(\S+))?$/.exec(text);
  if (!start?.[1]) return reply(ctx, chat, replies.howTo[lang]);
  const [linked] = await ctx.sql<{ person: string | null; locale: Lang | null }[]>`
    select l.person, (select p.locale from public.profiles p where p.user_id = l.person) as locale
    from (select private.telegram_link(${start[1]}, ${chat}) as person) l`;
  if (!linked?.person) return reply(ctx, chat, replies.badCode[lang]);
  return reply(ctx, chat, replies.linked[linked.locale ?? lang]);
}

async function onButton(ctx: BotContext, query: NonNullable<Update['callback_query']>): Promise<void> {
  const alert = /^ack:([0-9a-f-]{36})$/.exec(query.data ?? '')?.[1];
  const chat = query.from?.id;
  if (!query.id || !alert || chat === undefined) return;
  const [result] = await ctx.sql<{ outcome: keyof typeof replies }[]>`select private.acknowledge_alert_from_chat(${alert}, ${chat}) as outcome`;
  if (ctx.token) await answerCallback(ctx.apiUrl, ctx.token, query.id, replies[result?.outcome ?? 'unknown'][langOf(query.from?.language_code)]);
}

export async function telegramBot(req: Request, ctx: BotContext): Promise<Response> {
  if (req.method !== 'POST') throw new HttpError(405, 'method_not_allowed', 'Telegram sends updates with POST');
  const given = req.headers.get('x-telegram-bot-api-secret-token') ?? '';
  if (!ctx.secret || !sameSecret(given, ctx.secret)) throw new HttpError(401, 'unauthorized', 'Not an update from Telegram');
  const update = (await req.json().catch(() => ({}))) as Update;
  if (update.message) await onMessage(ctx, update.message);
  else if (update.callback_query) await onButton(ctx, update.callback_query);
  return json({ ok: true });
}
