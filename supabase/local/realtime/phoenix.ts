/**
 * The Phoenix channel wire format as realtime-js (through @supabase/phoenix) speaks it.
 *
 * - vsn 1.0.0: every frame is a JSON object `{join_ref, ref, topic, event, payload}`.
 * - vsn 2.0.0 (realtime-js' default): text frames are JSON arrays
 *   `[join_ref, ref, topic, event, payload]`; a client broadcast whose payload has a string
 *   `event` arrives as a binary "user broadcast push" (kind 3), and the server may answer with
 *   a binary "user broadcast" (kind 4) — see realtime-js lib/serializer.ts.
 */

/** Serializer versions realtime-js can ask for with the `vsn` query parameter. */
export type Vsn = '1.0.0' | '2.0.0';

/** Parses the `vsn` query parameter; Phoenix treats a missing one as 1.0.0. */
export function parseVsn(value: string | null): Vsn | undefined {
  if (value === null || value === '1.0.0') return '1.0.0';
  if (value === '2.0.0') return '2.0.0';
  return undefined;
}

/** A user broadcast body: the event name and its payload, kept as JSON text or raw bytes. */
export interface BroadcastBody {
  event: string;
  /** Valid JSON text of the user payload (absent for binary payloads). */
  json?: string;
  /** Raw bytes of a binary payload (vsn 2.0.0 only). */
  binary?: Buffer;
  /** Extra keys a JSON push carried next to type/event/payload, forwarded unchanged. */
  extra?: Record<string, unknown>;
}

/** One decoded client message. */
export type InboundMessage =
  | { kind: 'message'; joinRef: string | null; ref: string | null; topic: string; event: string; payload: unknown }
  | { kind: 'broadcast'; joinRef: string | null; ref: string | null; topic: string; body: BroadcastBody };

/** A frame that could not be understood; the socket answers nothing and keeps going. */
export class ProtocolError extends Error {}

const userBroadcastPush = 3;
const userBroadcast = 4;
const binaryEncoding = 0;
const jsonEncoding = 1;

function refValue(value: unknown, what: string): string | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string') return value;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  throw new ProtocolError(`${what} must be a string or null`);
}

function requiredString(value: unknown, what: string): string {
  if (typeof value !== 'string' || value.length === 0) throw new ProtocolError(`${what} must be a non-empty string`);
  return value;
}

/** A plain JSON object (not an array, not null). */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/**
 * Splits a JSON `{type: 'broadcast', event, payload, ...}` push into a broadcast body, so JSON
 * and binary pushes fan out through one path.
 */
function broadcastFromJson(payload: unknown): BroadcastBody | undefined {
  if (!isRecord(payload) || typeof payload.event !== 'string') return undefined;
  const { type: _type, event, payload: userPayload, ...extra } = payload;
  return {
    event,
    json: userPayload === undefined ? undefined : JSON.stringify(userPayload),
    extra: Object.keys(extra).length ? extra : undefined,
  };
}

function decodeText(text: string, vsn: Vsn): InboundMessage {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new ProtocolError('frame is not valid JSON');
  }
  let joinRef: unknown, ref: unknown, topic: unknown, event: unknown, payload: unknown;
  if (vsn === '2.0.0') {
    if (!Array.isArray(parsed) || parsed.length !== 5) throw new ProtocolError('vsn 2.0.0 frames are [join_ref, ref, topic, event, payload]');
    [joinRef, ref, topic, event, payload] = parsed as unknown[];
  } else {
    if (!isRecord(parsed)) throw new ProtocolError('vsn 1.0.0 frames are JSON objects');
    ({ join_ref: joinRef, ref, topic, event, payload } = parsed);
  }
  const message = {
    joinRef: refValue(joinRef, 'join_ref'),
    ref: refValue(ref, 'ref'),
    topic: requiredString(topic, 'topic'),
    event: requiredString(event, 'event'),
  };
  if (message.event === 'broadcast') {
    const body = broadcastFromJson(payload);
    if (body) return { kind: 'broadcast', ...message, body };
  }
  return { kind: 'message', ...message, payload: payload ?? {} };
}

function decodeBinary(data: Buffer): InboundMessage {
  // kind, join_ref length, ref length, topic length, event length, metadata length, encoding
  const headerLength = 7;
  if (data.length < headerLength || data[0] !== userBroadcastPush) throw new ProtocolError('unsupported binary frame');
  const [joinRefLength, refLength, topicLength, eventLength, metaLength, encoding] = [data[1]!, data[2]!, data[3]!, data[4]!, data[5]!, data[6]!];
  let offset = headerLength;
  const take = (length: number): string => {
    if (offset + length > data.length) throw new ProtocolError('truncated binary frame');
    // realtime-js writes these fields one char code per byte.
    const text = data.toString('latin1', offset, offset + length);
    offset += length;
    return text;
  };
  const joinRef = take(joinRefLength);
  const ref = take(refLength);
  const topic = take(topicLength);
  const event = take(eventLength);
  take(metaLength); // metadata: realtime-js sends none by default and Supabase ignores it
  const rest = data.subarray(offset);
  if (!topic || !event) throw new ProtocolError('binary broadcast needs a topic and an event');
  const body: BroadcastBody = { event };
  if (encoding === jsonEncoding) {
    const json = rest.toString('utf8');
    try {
      JSON.parse(json);
    } catch {
      throw new ProtocolError('binary broadcast payload is not valid JSON');
    }
    body.json = json;
  } else if (encoding === binaryEncoding) {
    body.binary = Buffer.from(rest);
  } else {
    throw new ProtocolError('unknown payload encoding');
  }
  return { kind: 'broadcast', joinRef: joinRef || null, ref: ref || null, topic, body };
}

/** Decodes one WebSocket frame from a client. Throws ProtocolError on anything malformed. */
export function decodeFrame(data: Buffer, isBinary: boolean, vsn: Vsn): InboundMessage {
  if (isBinary) {
    if (vsn !== '2.0.0') throw new ProtocolError('binary frames need vsn 2.0.0');
    return decodeBinary(data);
  }
  return decodeText(data.toString('utf8'), vsn);
}

/**
 * Encodes a server message whose payload is already JSON text, so fan-out serialises a payload
 * once and reuses it for every subscriber.
 */
export function encodeRaw(vsn: Vsn, joinRef: string | null, ref: string | null, topic: string, event: string, payloadJson: string): string {
  if (vsn === '2.0.0') {
    return `[${JSON.stringify(joinRef)},${JSON.stringify(ref)},${JSON.stringify(topic)},${JSON.stringify(event)},${payloadJson}]`;
  }
  return `{"join_ref":${JSON.stringify(joinRef)},"ref":${JSON.stringify(ref)},"topic":${JSON.stringify(topic)},"event":${JSON.stringify(event)},"payload":${payloadJson}}`;
}

/** Encodes a server message. */
export function encodeMessage(vsn: Vsn, joinRef: string | null, ref: string | null, topic: string, event: string, payload: unknown): string {
  return encodeRaw(vsn, joinRef, ref, topic, event, JSON.stringify(payload ?? {}));
}

/** The `{type: 'broadcast', event, payload}` JSON a subscriber receives for a JSON broadcast. */
export function broadcastPayloadJson(body: BroadcastBody, meta?: Record<string, unknown>): string {
  const head = body.extra ? JSON.stringify({ ...body.extra, type: 'broadcast', event: body.event }).slice(0, -1) : `{"type":"broadcast","event":${JSON.stringify(body.event)}`;
  const payload = body.json === undefined ? '' : `,"payload":${body.json}`;
  const metaJson = meta ? `,"meta":${JSON.stringify(meta)}` : '';
  return `${head}${payload}${metaJson}}`;
}

/**
 * A binary user broadcast (kind 4) for a vsn 2.0.0 client:
 * kind, topic length, event length, metadata length, encoding, then the fields and the payload.
 */
export function encodeBinaryBroadcast(topic: string, body: BroadcastBody, meta?: Record<string, unknown>): Buffer {
  const topicBytes = Buffer.from(topic, 'utf8');
  const eventBytes = Buffer.from(body.event, 'utf8');
  const metaBytes = Buffer.from(meta ? JSON.stringify(meta) : '', 'utf8');
  const payload = body.binary ?? Buffer.from(body.json ?? '{}', 'utf8');
  if (topicBytes.length > 255 || eventBytes.length > 255 || metaBytes.length > 255) throw new ProtocolError('topic, event or metadata longer than 255 bytes');
  const header = Buffer.from([userBroadcast, topicBytes.length, eventBytes.length, metaBytes.length, body.binary ? binaryEncoding : jsonEncoding]);
  return Buffer.concat([header, topicBytes, eventBytes, metaBytes, payload]);
}
