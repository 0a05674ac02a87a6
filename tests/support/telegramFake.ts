import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A local stand-in for the Telegram Bot API's sendMessage and answerCallbackQuery
 * (https://core.telegram.org/bots/api#making-requests): the bot API cannot be reached from
 * here. It answers as Telegram documents it — {ok: true, result: Message}, or {ok: false,
 * error_code, description, parameters?: {retry_after}} with the same HTTP status — for a
 * wrong token (401), a chat that blocked the bot (403), an unknown chat (400), and flood
 * control (429 with retry_after).
 */
export interface SentMessage {
  chatId: string;
  text: string;
  at: number;
  /** The inline keyboard's buttons, if any. */
  buttons: { text: string; callback_data: string }[];
}

export interface CallbackAnswer {
  callbackQueryId: string;
  text: string;
}

export class TelegramFake {
  readonly messages: SentMessage[] = [];
  readonly callbackAnswers: CallbackAnswer[] = [];
  private readonly chats = new Set<string>();
  private readonly blocked = new Set<string>();
  private readonly floodUntil = new Map<string, number>();
  private server?: Server;
  private nextMessageId = 1;

  constructor(private readonly token: string) {}

  /** A chat that has started the bot. */
  chat(chatId: string): this {
    this.chats.add(chatId);
    return this;
  }

  /** The person blocked the bot. */
  block(chatId: string): this {
    this.blocked.add(chatId);
    return this;
  }

  /** Flood control for a chat: sendMessage answers 429 for the next `seconds`. */
  flood(chatId: string, seconds: number): this {
    this.floodUntil.set(chatId, Date.now() + seconds * 1000);
    return this;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server?.address() as AddressInfo).port}`;
  }

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk) => (body += chunk));
      req.on('end', () => {
        const answer = this.answer(req.url ?? '', body);
        res.writeHead(answer.status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(answer.body));
      });
    });
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => this.server?.close(() => resolve()) ?? resolve());
  }

  private answer(path: string, body: string): { status: number; body: unknown } {
    const error = (status: number, description: string, parameters?: { retry_after: number }) =>
      ({ status, body: { ok: false, error_code: status, description, ...(parameters ? { parameters } : {}) } });
    const match = /^\/bot([^/]+)\/(sendMessage|answerCallbackQuery)$/.exec(path);
    if (!match) return error(404, 'Not Found');
    if (match[1] !== this.token) return error(401, 'Unauthorized');
    let request: { chat_id?: string | number; text?: string; reply_markup?: { inline_keyboard?: { text: string; callback_data: string }[][] }; callback_query_id?: string };
    try {
      request = JSON.parse(body) as typeof request;
    } catch {
      return error(400, 'Bad Request: message text is empty');
    }
    if (match[2] === 'answerCallbackQuery') {
      if (!request.callback_query_id) return error(400, 'Bad Request: query is too old and response timeout expired or query ID is invalid');
      this.callbackAnswers.push({ callbackQueryId: request.callback_query_id, text: request.text ?? '' });
      return { status: 200, body: { ok: true, result: true } };
    }
    const chatId = String(request.chat_id ?? '');
    if (!request.text) return error(400, 'Bad Request: message text is empty');
    if (this.blocked.has(chatId)) return error(403, 'Forbidden: bot was blocked by the user');
    if (!this.chats.has(chatId)) return error(400, 'Bad Request: chat not found');
    const flood = this.floodUntil.get(chatId) ?? 0;
    if (flood > Date.now()) {
      const retryAfter = Math.ceil((flood - Date.now()) / 1000);
      return error(429, `Too Many Requests: retry after ${retryAfter}`, { retry_after: retryAfter });
    }
    this.messages.push({ chatId, text: request.text, at: Date.now(), buttons: (request.reply_markup?.inline_keyboard ?? []).flat() });
    return { status: 200, body: { ok: true, result: { message_id: this.nextMessageId++, chat: { id: Number(chatId), type: 'private' }, date: Math.floor(Date.now() / 1000), text: request.text } } };
  }
}
