import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import postgres, { type Sql } from 'postgres';
import { WebSocket, WebSocketServer, type RawData } from 'ws';
import type { Service, UpgradeService } from '../server.ts';
import { ChannelAuthorizer, type Extension } from './authorization.ts';
import { handleBroadcastApi, type ApiBroadcast } from './broadcastApi.ts';
import { Catalog, changesPublication } from './catalog.ts';
import { ReplicationStream, type RowValues, type Transaction } from './changes.ts';
import { parseJoinPayload, type JoinConfig } from './joinPayload.ts';
import {
  broadcastPayloadJson,
  decodeFrame,
  encodeBinaryBroadcast,
  encodeMessage,
  encodeRaw,
  isRecord,
  parseVsn,
  ProtocolError,
  type BroadcastBody,
  type InboundMessage,
  type Vsn,
} from './phoenix.ts';
import { PostgresChanges, type ChangeSubscriber, type SubscribeResult } from './postgresChanges.ts';
import { PresenceRegistry, type PresenceDiff } from './presence.ts';
import { RowEvaluator } from './rlsFilter.ts';
import { TokenError, verifyAccessToken, type VerifiedToken } from './tokens.ts';

/** The publication Supabase Realtime reads realtime.messages from (broadcast from the database). */
export const messagesPublication = 'supabase_realtime_messages_publication';

/** How the realtime service is set up. */
export interface RealtimeOptions {
  /** A superuser connection string (the stack's database). */
  databaseUrl: string;
  /** The project's JWT secret, to verify access tokens. */
  jwtSecret: string;
  log?: (line: string) => void;
  /** A client whose unsent data passes this many bytes is disconnected (default 4 MiB). */
  maxBufferedBytes?: number;
  /** Largest frame a client may send (default 3 MB, Supabase's broadcast limit). */
  maxPayloadBytes?: number;
  /** A socket silent for this long is closed (Phoenix: 60 s; realtime-js beats every 25 s). */
  idleTimeoutMs?: number;
  /** Connections for RLS checks and authorization (default 4). */
  poolSize?: number;
}

/** Counts of live server-side state, to check that nothing leaks. */
export interface RealtimeStats {
  connections: number;
  channels: number;
  postgresChanges: number;
  presences: number;
  topics: number;
  replicationReady: boolean;
}

interface ChannelPolicies {
  broadcastRead: boolean;
  presenceRead: boolean;
  /** Evaluated on first use, as Supabase does; reset when the token changes. */
  broadcastWrite?: boolean;
  presenceWrite?: boolean;
}

/** Supabase's default max_channels_per_client. */
const maxChannelsPerSocket = 100;
/** Messages of one socket waiting to be handled before the socket is dropped. */
const maxPendingMessages = 1_000;

/** Longest a timer may wait (setTimeout overflows past 2^31-1 ms); expiry is re-armed after. */
const maxTimerMs = 3_600_000;

/** One WebSocket. Its messages are handled one at a time, in order. */
class Connection {
  readonly channels = new Map<string, Channel>();
  lastSeen = Date.now();
  closed = false;
  private chain: Promise<void> = Promise.resolve();
  private pending = 0;

  constructor(
    readonly ws: WebSocket,
    readonly vsn: Vsn,
    /** The socket's token (its `apikey`), used by joins that carry no access_token. */
    readonly defaultToken: string,
    private readonly maxBuffered: number,
  ) {}

  /**
   * Queues a frame without waiting for it. A client that does not read fast enough is
   * dropped rather than buffered without bound: others never wait on it.
   */
  send(frame: string | Buffer, binary = false): void {
    if (this.closed || this.ws.readyState !== WebSocket.OPEN) return;
    if (this.ws.bufferedAmount > this.maxBuffered) {
      this.ws.terminate();
      return;
    }
    this.ws.send(frame, { binary });
  }

  /**
   * Runs `task` after the previous message's handling, never concurrently with it. A client
   * that sends faster than its messages can be handled is dropped instead of queued forever.
   */
  enqueue(task: () => Promise<void>, onError: (error: unknown) => void): void {
    if (++this.pending > maxPendingMessages) {
      this.ws.terminate();
      return;
    }
    this.chain = this.chain
      .then(task)
      .catch(onError)
      .finally(() => this.pending--);
  }
}

let channelSeq = 0;

/** One joined topic on one socket. */
class Channel implements ChangeSubscriber {
  readonly id = ++channelSeq;
  active = true;
  presenceEnabled: boolean;
  tracked = false;
  policies: ChannelPolicies | undefined;
  expiryTimer: NodeJS.Timeout | undefined;

  constructor(
    readonly conn: Connection,
    readonly topic: string,
    readonly subTopic: string,
    readonly joinRef: string | null,
    readonly config: JoinConfig,
    public token: VerifiedToken,
    readonly presenceKey: string,
  ) {
    this.presenceEnabled = config.presence.enabled;
  }

  get vsn(): Vsn {
    return this.conn.vsn;
  }

  /** Public and private channels of the same name are different topics (Supabase's tenant_topic). */
  get topicKey(): string {
    return topicKey(this.subTopic, this.config.private);
  }

  send(frame: string): void {
    this.conn.send(frame);
  }

  push(event: string, payload: unknown): void {
    this.conn.send(encodeMessage(this.vsn, this.joinRef, null, this.topic, event, payload));
  }

  reply(ref: string | null, status: 'ok' | 'error', response: unknown = {}): void {
    this.conn.send(encodeMessage(this.vsn, this.joinRef, ref, this.topic, 'phx_reply', { status, response }));
  }
}

function topicKey(subTopic: string, isPrivate: boolean): string {
  return `${isPrivate ? 'private' : 'public'}:${subTopic}`;
}

function toBuffer(data: RawData): Buffer {
  if (Buffer.isBuffer(data)) return data;
  if (Array.isArray(data)) return Buffer.concat(data);
  return Buffer.from(data);
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * Supabase Realtime for the local stack, at `/realtime/v1/websocket`: the Phoenix channel
 * protocol of realtime-js with broadcast, presence, postgres_changes (from logical replication,
 * checked against RLS per subscriber) and private channels authorized by RLS on
 * realtime.messages. Also serves `/realtime/v1/api/broadcast`, the REST broadcast endpoint.
 */
export class RealtimeService implements UpgradeService, Service {
  private readonly wss: WebSocketServer;
  private readonly connections = new Set<Connection>();
  private readonly topics = new Map<string, Set<Channel>>();
  private readonly presence = new PresenceRegistry();
  private readonly sql: Sql;
  private readonly catalog: Catalog;
  private readonly changes: PostgresChanges;
  private readonly replication: ReplicationStream;
  private readonly authorizer: ChannelAuthorizer;
  private readonly maxBuffered: number;
  private readonly idleTimeoutMs: number;
  private sweepTimer: NodeJS.Timeout | undefined;
  private cleanupTimer: NodeJS.Timeout | undefined;

  private readonly log: (line: string) => void;

  constructor(private readonly options: RealtimeOptions) {
    this.log = options.log ?? ((line) => console.error(line));
    this.maxBuffered = options.maxBufferedBytes ?? 4 * 1024 * 1024;
    this.idleTimeoutMs = options.idleTimeoutMs ?? 60_000;
    this.wss = new WebSocketServer({ noServer: true, maxPayload: options.maxPayloadBytes ?? 3_000_000, perMessageDeflate: false });
    const poolSize = options.poolSize ?? 4;
    this.sql = postgres(options.databaseUrl, {
      // RLS checks may hold `poolSize` connections at once; two more serve catalog reads and joins.
      max: poolSize + 2,
      onnotice: () => {},
      idle_timeout: 60,
      // PostgREST's search path: policies and the functions they call resolve names as for REST.
      connection: { application_name: 'arbidesk-realtime', search_path: 'public, extensions', TimeZone: 'UTC' },
    });
    this.catalog = new Catalog(this.sql);
    this.authorizer = new ChannelAuthorizer(this.sql);
    this.changes = new PostgresChanges(this.catalog, new RowEvaluator(this.sql, poolSize, this.log), {
      log: this.log,
      onBacklog: (paused) => (paused ? this.replication.pause() : this.replication.resume()),
    });
    this.replication = new ReplicationStream({
      url: options.databaseUrl,
      publications: [changesPublication, messagesPublication],
      onTransaction: (tx) => this.onTransaction(tx),
      onRelation: (relid) => this.catalog.forgetTable(relid),
      log: this.log,
    });
  }

  /**
   * Starts listening for schema changes and the replication stream. If replication cannot
   * start (a server without wal_level=logical), broadcast and presence still work and
   * postgres_changes waits for the stream, which keeps retrying.
   */
  async start(): Promise<void> {
    await this.catalog.listen();
    try {
      await this.replication.start();
    } catch (error) {
      this.log(`[realtime] logical replication unavailable (${errorText(error)}); postgres_changes will start when it connects`);
    }
    this.sweepTimer = setInterval(() => this.sweep(), Math.min(15_000, this.idleTimeoutMs));
    this.sweepTimer.unref();
    // Supabase keeps realtime.messages for a few days (daily partitions); so do we.
    this.cleanupTimer = setInterval(() => {
      this.sql`delete from realtime.messages where inserted_at < now() - interval '3 days'`.catch(() => undefined);
    }, 3_600_000);
    this.cleanupTimer.unref();
  }

  /** Closes every socket and the database connections (dropping the temporary slot). */
  async stop(): Promise<void> {
    clearInterval(this.sweepTimer);
    clearInterval(this.cleanupTimer);
    for (const conn of [...this.connections]) {
      conn.ws.terminate();
      this.onClose(conn);
    }
    this.wss.close();
    await this.replication.stop();
    await this.catalog.close();
    await this.sql.end({ timeout: 5 });
  }

  /** Live state counts; all zero (but replicationReady) once every client has gone. */
  stats(): RealtimeStats {
    let channels = 0;
    for (const conn of this.connections) channels += conn.channels.size;
    return {
      connections: this.connections.size,
      channels,
      postgresChanges: this.changes.size(),
      presences: this.presence.size(),
      topics: this.topics.size,
      replicationReady: this.replication.ready,
    };
  }

  /** UpgradeService: takes over `/realtime/v1/websocket` (the API key was checked by the gateway). */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer, url: URL): void {
    if (url.pathname.replace(/\/+$/, '') !== '/realtime/v1/websocket') {
      socket.end('HTTP/1.1 404 Not Found\r\nconnection: close\r\n\r\n');
      return;
    }
    const vsn = parseVsn(url.searchParams.get('vsn'));
    if (!vsn) {
      socket.end('HTTP/1.1 400 Bad Request\r\nconnection: close\r\n\r\n');
      return;
    }
    const header = req.headers.apikey;
    const apikey = (typeof header === 'string' ? header : undefined) ?? url.searchParams.get('apikey') ?? '';
    const token = url.searchParams.get('access_token') ?? apikey;
    this.wss.handleUpgrade(req, socket, head, (ws) => this.accept(ws, vsn, token));
  }

  /** Service: the REST broadcast endpoint (`POST /realtime/v1/api/broadcast`). */
  async handle(req: IncomingMessage, res: ServerResponse, url: URL, path: string): Promise<void> {
    await handleBroadcastApi(req, res, url, path, {
      jwtSecret: this.options.jwtSecret,
      authorize: (topic, token) => this.authorizer.write(topic, token, 'broadcast'),
      deliver: (message) => this.deliverApiBroadcast(message),
    });
  }

  private accept(ws: WebSocket, vsn: Vsn, token: string): void {
    const conn = new Connection(ws, vsn, token, this.maxBuffered);
    this.connections.add(conn);
    ws.on('message', (data, isBinary) => this.onFrame(conn, data, isBinary));
    ws.on('close', () => this.onClose(conn));
    ws.on('error', () => ws.terminate());
  }

  private onFrame(conn: Connection, data: RawData, isBinary: boolean): void {
    conn.lastSeen = Date.now();
    let message: InboundMessage;
    try {
      message = decodeFrame(toBuffer(data), isBinary, conn.vsn);
    } catch (error) {
      if (!(error instanceof ProtocolError)) throw error;
      return; // as Phoenix, a frame that is not a message is dropped
    }
    if (message.kind === 'message' && message.topic === 'phoenix') {
      // Heartbeats skip the queue: a slow join must not make the client think the socket died.
      if (message.event === 'heartbeat') conn.send(encodeMessage(conn.vsn, null, message.ref, 'phoenix', 'phx_reply', { status: 'ok', response: {} }));
      return;
    }
    conn.enqueue(
      () => this.route(conn, message),
      (error) => this.log(`[realtime] ${message.topic} ${message.kind === 'message' ? message.event : 'broadcast'}: ${errorText(error)}`),
    );
  }

  private onClose(conn: Connection): void {
    if (conn.closed) return;
    conn.closed = true;
    this.connections.delete(conn);
    for (const channel of [...conn.channels.values()]) this.closeChannel(channel, false);
  }

  private sweep(): void {
    const cutoff = Date.now() - this.idleTimeoutMs;
    for (const conn of this.connections) if (conn.lastSeen < cutoff) conn.ws.terminate();
  }

  private async route(conn: Connection, message: InboundMessage): Promise<void> {
    if (conn.closed) return;
    if (message.kind === 'message' && message.event === 'phx_join') return this.join(conn, message);
    const channel = conn.channels.get(message.topic);
    if (!channel) {
      // Phoenix answers a leave of an unknown topic with ok, anything else with "unmatched topic".
      const leaving = message.kind === 'message' && message.event === 'phx_leave';
      conn.send(encodeMessage(conn.vsn, message.joinRef, message.ref, message.topic, 'phx_reply', leaving ? { status: 'ok', response: {} } : { status: 'error', response: { reason: 'unmatched topic' } }));
      return;
    }
    if (message.kind === 'broadcast') return this.broadcastFromClient(channel, message.ref, message.body);
    switch (message.event) {
      case 'phx_leave':
        channel.reply(message.ref, 'ok');
        this.closeChannel(channel, false);
        return;
      case 'presence':
        return this.presenceFromClient(channel, message.ref, message.payload);
      case 'access_token':
        return this.refreshToken(channel, message.payload);
      default:
        return; // Supabase ignores other client events
    }
  }

  private async join(conn: Connection, message: Extract<InboundMessage, { kind: 'message' }>): Promise<void> {
    const { topic, joinRef, ref } = message;
    const refuse = (reason: string) => conn.send(encodeMessage(conn.vsn, joinRef, ref, topic, 'phx_reply', { status: 'error', response: { reason } }));
    if (!topic.startsWith('realtime:')) return refuse('unmatched topic');
    const subTopic = topic.slice('realtime:'.length);
    if (!subTopic) return refuse('TopicNameRequired: You must provide a topic name');
    // A second join of a topic replaces the first (Phoenix closes the old channel).
    const existing = conn.channels.get(topic);
    if (existing) this.closeChannel(existing, true);
    if (conn.channels.size >= maxChannelsPerSocket) return refuse('ChannelRateLimitReached: Too many channels');

    const join = parseJoinPayload(message.payload);
    const raw = join.accessToken && !join.accessToken.startsWith('sb_') ? join.accessToken : conn.defaultToken;
    let token: VerifiedToken;
    try {
      token = verifyAccessToken(raw, this.options.jwtSecret);
    } catch (error) {
      if (error instanceof TokenError) return refuse(error.reason);
      throw error;
    }
    const channel = new Channel(conn, topic, subTopic, joinRef, join.config, token, join.config.presence.key || randomUUID());

    if (join.config.private) {
      try {
        const read = await this.authorizer.read(subTopic, token);
        channel.policies = { broadcastRead: read.broadcast, presenceRead: read.presence };
      } catch (error) {
        this.log(`[realtime] authorization of ${subTopic} failed: ${errorText(error)}`);
        return refuse(`Unauthorized: You do not have permissions to read from this Channel topic: ${subTopic}`);
      }
      if (!channel.policies.broadcastRead && !channel.policies.presenceRead) {
        return refuse(`Unauthorized: You do not have permissions to read from this Channel topic: ${subTopic}`);
      }
    }
    if (conn.closed) return;

    conn.channels.set(topic, channel);
    let members = this.topics.get(channel.topicKey);
    if (!members) this.topics.set(channel.topicKey, (members = new Set()));
    members.add(channel);

    // Subscribed before the reply, so a client that waits for SUBSCRIBED misses no change after.
    let pg: SubscribeResult = { reply: [] };
    try {
      if (join.config.postgresChanges.length) pg = await this.changes.subscribe(channel, join.config.postgresChanges);
    } catch (error) {
      this.log(`[realtime] join of ${subTopic} failed: ${errorText(error)}`);
      this.closeChannel(channel, false);
      return refuse('UnknownErrorOnChannel: Unknown Error on Channel');
    }
    if (!channel.active) return;
    channel.reply(ref, 'ok', { postgres_changes: pg.reply });
    this.armExpiry(channel);
    if (join.config.postgresChanges.length) {
      channel.push('system', pg.error
        ? { extension: 'postgres_changes', status: 'error', message: pg.error, channel: subTopic }
        : { extension: 'postgres_changes', status: 'ok', message: 'Subscribed to PostgreSQL', channel: subTopic });
    }
    if (join.config.broadcast.replicationReady) {
      const ready = this.replication.ready;
      channel.push('system', { extension: 'system', status: ready ? 'ok' : 'error', message: ready ? 'Replication connection established' : 'Replication connection was not established in time', channel: subTopic });
    }
    if (channel.presenceEnabled) this.syncPresence(channel);
  }

  /** Ends a channel's server-side life; `notify` sends phx_close (the server closed it, not the client). */
  private closeChannel(channel: Channel, notify: boolean): void {
    if (!channel.active) return;
    channel.active = false;
    clearTimeout(channel.expiryTimer);
    const { conn } = channel;
    if (conn.channels.get(channel.topic) === channel) conn.channels.delete(channel.topic);
    const members = this.topics.get(channel.topicKey);
    members?.delete(channel);
    if (members && !members.size) this.topics.delete(channel.topicKey);
    this.changes.unsubscribe(channel);
    if (channel.tracked) {
      channel.tracked = false;
      const diff = this.presence.untrack(channel.topicKey, channel.presenceKey, channel.id);
      if (diff) this.broadcastPresenceDiff(channel.topicKey, diff);
    }
    if (notify) conn.send(encodeMessage(conn.vsn, channel.joinRef, channel.joinRef, channel.topic, 'phx_close', {}));
  }

  /** Supabase's shutdown_response: a `system` error, then the channel closes. */
  private shutdown(channel: Channel, message: string): void {
    channel.push('system', { extension: 'system', status: 'error', message, channel: channel.subTopic });
    this.closeChannel(channel, true);
  }

  /** Closes the channel when its token expires, as Supabase's confirm_token timer does. */
  private armExpiry(channel: Channel): void {
    clearTimeout(channel.expiryTimer);
    const delay = channel.token.exp * 1000 - Date.now();
    channel.expiryTimer = setTimeout(() => {
      if (!channel.active) return;
      const left = channel.token.exp * 1000 - Date.now();
      if (left > 0) return this.armExpiry(channel);
      this.shutdown(channel, `Token has expired ${Math.floor(-left / 1000)} seconds ago`);
    }, Math.max(0, Math.min(delay, maxTimerMs)));
    channel.expiryTimer.unref();
  }

  private async refreshToken(channel: Channel, payload: unknown): Promise<void> {
    const raw = isRecord(payload) ? payload.access_token : undefined;
    // Supabase ignores a missing token, an unchanged one and publishable keys (sb_…).
    if (typeof raw !== 'string' || !raw || raw.startsWith('sb_') || raw === channel.token.token) return;
    let token: VerifiedToken;
    try {
      token = verifyAccessToken(raw, this.options.jwtSecret);
    } catch (error) {
      if (error instanceof TokenError) return this.shutdown(channel, error.message);
      throw error;
    }
    if (channel.config.private && channel.policies) {
      let read;
      try {
        read = await this.authorizer.read(channel.subTopic, token);
      } catch {
        return this.shutdown(channel, 'Realtime was unable to connect to the project database');
      }
      if (!channel.active) return;
      if ((channel.policies.broadcastRead && !read.broadcast) || (channel.policies.presenceRead && !read.presence)) {
        return this.shutdown(channel, `You no longer have permission to read from this Channel topic: ${channel.subTopic}`);
      }
      channel.policies = { broadcastRead: read.broadcast, presenceRead: read.presence };
    }
    // From here on, RLS checks for this channel's postgres_changes use the new claims.
    channel.token = token;
    const problem = await this.changes.revalidate(channel);
    if (problem) return this.shutdown(channel, problem);
    this.armExpiry(channel);
  }

  private async allowedToWrite(channel: Channel, extension: Extension): Promise<boolean> {
    const policies = channel.policies;
    if (!channel.config.private || !policies) return true;
    const key = extension === 'broadcast' ? 'broadcastWrite' : 'presenceWrite';
    if (policies[key] === undefined) {
      policies[key] = await this.authorizer.write(channel.subTopic, channel.token, extension).catch((error: unknown) => {
        this.log(`[realtime] write authorization of ${channel.subTopic} failed: ${errorText(error)}`);
        return false;
      });
    }
    return policies[key] === true;
  }

  private async broadcastFromClient(channel: Channel, ref: string | null, body: BroadcastBody): Promise<void> {
    // Supabase drops a private channel's broadcast without write permission, silently.
    if (!(await this.allowedToWrite(channel, 'broadcast'))) return;
    if (!channel.active) return;
    this.fanOut(channel.topicKey, channel.topic, body, undefined, channel.config.broadcast.self ? undefined : channel);
    if (channel.config.broadcast.ack) channel.reply(ref, 'ok');
  }

  /**
   * Sends a broadcast to every channel of a topic. Frames are encoded once per protocol version
   * and handed to each socket without waiting.
   */
  private fanOut(key: string, topic: string, body: BroadcastBody, meta?: Record<string, unknown>, except?: Channel): number {
    const members = this.topics.get(key);
    if (!members) return 0;
    const text: Partial<Record<Vsn, Buffer>> = {};
    let binary: Buffer | undefined;
    let sent = 0;
    for (const member of members) {
      if (member === except || !member.active) continue;
      if (member.policies && !member.policies.broadcastRead) continue;
      if (body.binary) {
        if (member.vsn !== '2.0.0') continue; // vsn 1.0.0 cannot carry binary payloads
        binary ??= encodeBinaryBroadcast(topic, body, meta);
        member.conn.send(binary, true);
      } else {
        const frame = (text[member.vsn] ??= Buffer.from(encodeRaw(member.vsn, null, null, topic, 'broadcast', broadcastPayloadJson(body, meta))));
        member.conn.send(frame, false);
      }
      sent++;
    }
    return sent;
  }

  private async presenceFromClient(channel: Channel, ref: string | null, payload: unknown): Promise<void> {
    if (!isRecord(payload) || typeof payload.event !== 'string') return channel.reply(ref, 'ok');
    const event = payload.event.toLowerCase();
    if (event === 'untrack') {
      const diff = this.presence.untrack(channel.topicKey, channel.presenceKey, channel.id);
      channel.tracked = false;
      channel.reply(ref, 'ok');
      if (diff) this.broadcastPresenceDiff(channel.topicKey, diff);
      return;
    }
    if (event !== 'track') return channel.reply(ref, 'error');
    if (!(await this.allowedToWrite(channel, 'presence'))) return channel.reply(ref, 'error');
    if (!channel.active) return;
    const meta = payload.payload === undefined ? {} : payload.payload;
    if (!isRecord(meta)) return channel.reply(ref, 'error', { reason: 'Presence track payload must be a map' });
    // A track can be what enables presence: the state goes first (without this presence),
    // then the diff with it, so the client sees its own join once.
    if (!channel.presenceEnabled) {
      channel.presenceEnabled = true;
      this.syncPresence(channel);
    }
    const diffs = this.presence.track(channel.topicKey, channel.presenceKey, channel.id, meta);
    channel.tracked = true;
    channel.reply(ref, 'ok');
    for (const diff of diffs) this.broadcastPresenceDiff(channel.topicKey, diff);
  }

  private syncPresence(channel: Channel): void {
    if (channel.policies && !channel.policies.presenceRead) return;
    channel.push('presence_state', this.presence.state(channel.topicKey));
  }

  private broadcastPresenceDiff(key: string, diff: PresenceDiff): void {
    const members = this.topics.get(key);
    if (!members) return;
    const json = JSON.stringify(diff);
    const frames: Partial<Record<Vsn, Buffer>> = {};
    for (const member of members) {
      if (!member.active || !member.presenceEnabled) continue;
      if (member.policies && !member.policies.presenceRead) continue;
      member.conn.send((frames[member.vsn] ??= Buffer.from(encodeRaw(member.vsn, null, null, member.topic, 'presence_diff', json))));
    }
  }

  private onTransaction(tx: Transaction): void {
    for (const change of tx.changes) {
      if (change.kind === 'INSERT' && change.schema === 'realtime' && change.table === 'messages' && change.newRow) this.broadcastFromDatabase(change.newRow);
    }
    this.changes.enqueue(tx);
  }

  /** A row inserted into realtime.messages (realtime.send, broadcast_changes) becomes a broadcast. */
  private broadcastFromDatabase(row: RowValues): void {
    const { topic, event, extension, payload, id } = row;
    if (extension !== 'broadcast' || !topic || !event) return;
    const body: BroadcastBody = { event, json: payload ?? 'null' };
    this.fanOut(topicKey(topic, row.private === 't'), `realtime:${topic}`, body, id ? { id } : undefined);
  }

  private deliverApiBroadcast(message: ApiBroadcast): void {
    this.fanOut(topicKey(message.topic, message.private), `realtime:${message.topic}`, message.body);
  }
}
