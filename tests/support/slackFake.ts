import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A local stand-in for Slack incoming webhooks (https://api.slack.com/messaging/webhooks): Slack
 * cannot be reached from here. A POST of JSON {text} to a known hook answers 200 "ok"; errors
 * come as Slack documents them, a code in plain text with the status: 400 invalid_payload /
 * no_text, 404 no_service for an unknown or removed hook, 410 channel_is_archived, and 429 with
 * Retry-After when rate-limited.
 */
export interface SlackMessage {
  path: string;
  text: string;
  at: number;
}

export class SlackFake {
  readonly messages: SlackMessage[] = [];
  private readonly hooks = new Set<string>();
  private readonly archived = new Set<string>();
  private readonly limitedUntil = new Map<string, number>();
  private server?: Server;

  /** A hook that posts to a channel, e.g. /services/T000/B000/XXXX. */
  hook(path: string): this {
    this.hooks.add(path);
    return this;
  }

  archive(path: string): this {
    this.archived.add(path);
    return this;
  }

  /** Answers 429 with Retry-After for the next `seconds`. */
  limit(path: string, seconds: number): this {
    this.limitedUntil.set(path, Date.now() + seconds * 1000);
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
        const answer = this.answer(req.method ?? '', req.url ?? '', body);
        res.writeHead(answer.status, { 'content-type': 'text/plain', ...answer.headers });
        res.end(answer.text);
      });
    });
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => this.server?.close(() => resolve()) ?? resolve());
  }

  private answer(method: string, path: string, body: string): { status: number; text: string; headers?: Record<string, string> } {
    if (method !== 'POST' || !this.hooks.has(path)) return { status: 404, text: 'no_service' };
    if (this.archived.has(path)) return { status: 410, text: 'channel_is_archived' };
    const until = this.limitedUntil.get(path) ?? 0;
    if (until > Date.now()) return { status: 429, text: 'rate_limited', headers: { 'retry-after': String(Math.ceil((until - Date.now()) / 1000)) } };
    let payload: { text?: unknown };
    try {
      payload = JSON.parse(body) as typeof payload;
    } catch {
      return { status: 400, text: 'invalid_payload' };
    }
    if (typeof payload.text !== 'string' || payload.text === '') return { status: 400, text: 'no_text' };
    this.messages.push({ path, text: payload.text, at: Date.now() });
    return { status: 200, text: 'ok' };
  }
}
