/**
 * sendMessage of the Telegram Bot API (https://core.telegram.org/bots/api#sendmessage), and
 * what its answers mean for a delivery: every answer is JSON {ok, result} or {ok: false,
 * error_code, description, parameters?: {retry_after}}.
 */

export type SendOutcome =
  | { sent: true }
  /** Try again, not before `retryAfterSeconds` when the service said so. */
  | { sent: false; retry: true; retryAfterSeconds?: number; error: string }
  /** Trying again cannot help: the person blocked the bot, the chat is gone. */
  | { sent: false; retry: false; error: string };

interface TelegramAnswer {
  ok: boolean;
  error_code?: number;
  description?: string;
  parameters?: { retry_after?: number };
}

/** Buttons under a message (https://core.telegram.org/bots/api#inlinekeyboardmarkup); callback_data is at most 64 bytes. */
export interface InlineKeyboard {
  inline_keyboard: { text: string; callback_data: string }[][];
}

/** A Bot API method called with a JSON body. */
async function call(apiUrl: string, token: string, method: string, body: unknown): Promise<Response> {
  return fetch(`${apiUrl.replace(/\/$/, '')}/bot${token}/${method}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(10_000),
  });
}

export async function sendTelegram(apiUrl: string, token: string, chatId: string, text: string, keyboard?: InlineKeyboard): Promise<SendOutcome> {
  let response: Response;
  try {
    response = await call(apiUrl, token, 'sendMessage', {
      chat_id: chatId,
      // A message is at most 4096 characters; a long group is cut, not refused.
      text: text.length > 4096 ? `${text.slice(0, 4095)}…` : text,
      disable_web_page_preview: true,
      ...(keyboard ? { reply_markup: keyboard } : {}),
    });
  } catch (error) {
    return { sent: false, retry: true, error: `Telegram unreachable: ${(error as Error).message}` };
  }
  const answer = (await response.json().catch(() => ({ ok: false, description: `HTTP ${response.status}` }))) as TelegramAnswer;
  if (response.ok && answer.ok) return { sent: true };
  const error = `Telegram ${answer.error_code ?? response.status}: ${answer.description ?? 'no description'}`;
  if (response.status === 429) return { sent: false, retry: true, retryAfterSeconds: answer.parameters?.retry_after, error };
  // 403: the bot was blocked or kicked; 400: chat not found, and the like.
  if (response.status === 403 || response.status === 400) return { sent: false, retry: false, error };
  // 401 (a wrong token: the project's to fix), 5xx, the rest: again later.
  return { sent: false, retry: true, error };
}

/** The answer to a button press (https://core.telegram.org/bots/api#answercallbackquery): a short notice in the chat. Best effort. */
export async function answerCallback(apiUrl: string, token: string, callbackQueryId: string, text: string): Promise<void> {
  await call(apiUrl, token, 'answerCallbackQuery', { callback_query_id: callbackQueryId, text }).then((r) => r.body?.cancel(), () => undefined);
}
