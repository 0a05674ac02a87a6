import type { IncomingMessage, ServerResponse } from 'node:http';
import { BodyTooLargeError, bearerToken, send, sendJson, readBody } from '../http.ts';
import { isRecord, type BroadcastBody } from './phoenix.ts';
import { TokenError, verifyAccessToken, type VerifiedToken } from './tokens.ts';

/** A broadcast accepted by the REST endpoint. */
export interface ApiBroadcast {
  topic: string;
  private: boolean;
  body: BroadcastBody;
}

/** What the REST broadcast endpoint needs from the realtime service. */
export interface BroadcastApiContext {
  jwtSecret: string;
  /** May this token write broadcasts to the private topic (RLS on realtime.messages)? */
  authorize(topic: string, token: VerifiedToken): Promise<boolean>;
  deliver(message: ApiBroadcast): void;
}

const maxBodyBytes = 3_000_000;

/**
 * Supabase Realtime's REST broadcast (RealtimeWeb.BroadcastController), used by realtime-js'
 * `httpSend()` and by `send()` on a channel that is not joined:
 * - `POST /api/broadcast` with `{messages: [{topic, event, payload, private?}]}`;
 * - `POST /api/broadcast/<topic>/events/<event>[?private=true]` with the payload as the body
 *   (JSON, or bytes as application/octet-stream).
 * Both answer 202. A private message the caller may not write is dropped, as Supabase does.
 */
export async function handleBroadcastApi(req: IncomingMessage, res: ServerResponse, url: URL, path: string, ctx: BroadcastApiContext): Promise<void> {
  const single = /^\/api\/broadcast\/([^/]+)\/events\/([^/]+)\/?$/.exec(path);
  if (req.method !== 'POST' || (!single && path.replace(/\/+$/, '') !== '/api/broadcast')) {
    sendJson(res, 404, { message: 'Not found' });
    return;
  }
  const header = req.headers.apikey;
  const raw = bearerToken(req) ?? (typeof header === 'string' ? header : undefined) ?? url.searchParams.get('apikey') ?? '';
  let token: VerifiedToken;
  try {
    token = verifyAccessToken(raw, ctx.jwtSecret);
  } catch (error) {
    if (error instanceof TokenError) {
      sendJson(res, 401, { message: error.message });
      return;
    }
    throw error;
  }
  let body: Buffer;
  try {
    body = await readBody(req, maxBodyBytes);
  } catch (error) {
    if (error instanceof BodyTooLargeError) {
      sendJson(res, 413, { message: error.message });
      return;
    }
    throw error;
  }

  const messages: ApiBroadcast[] = [];
  if (single) {
    const topic = decodeURIComponent(single[1]!);
    const event = decodeURIComponent(single[2]!);
    const isBinary = (req.headers['content-type'] ?? '').startsWith('application/octet-stream');
    if (isBinary) {
      messages.push({ topic, private: url.searchParams.get('private') === 'true', body: { event, binary: body } });
    } else {
      const text = body.toString('utf8');
      try {
        JSON.parse(text);
      } catch {
        sendJson(res, 422, { errors: { payload: ['is invalid JSON'] } });
        return;
      }
      messages.push({ topic, private: url.searchParams.get('private') === 'true', body: { event, json: text } });
    }
  } else {
    let parsed: unknown;
    try {
      parsed = JSON.parse(body.toString('utf8'));
    } catch {
      sendJson(res, 422, { errors: { messages: ['is invalid JSON'] } });
      return;
    }
    const list = isRecord(parsed) ? parsed.messages : undefined;
    if (!Array.isArray(list) || !list.length) {
      sendJson(res, 422, { errors: { messages: ["can't be blank"] } });
      return;
    }
    for (const item of list) {
      if (!isRecord(item) || typeof item.topic !== 'string' || !item.topic || typeof item.event !== 'string' || !item.event || !isRecord(item.payload)) {
        sendJson(res, 422, { errors: { messages: ['each message needs a topic, an event and a payload object'] } });
        return;
      }
      messages.push({ topic: item.topic, private: item.private === true, body: { event: item.event, json: JSON.stringify(item.payload) } });
    }
  }
  const allowed = new Map<string, boolean>();
  for (const message of messages) {
    if (message.private) {
      if (!allowed.has(message.topic)) allowed.set(message.topic, await ctx.authorize(message.topic, token).catch(() => false));
      if (!allowed.get(message.topic)) continue;
    }
    ctx.deliver(message);
  }
  send(res, 202, null);
}
