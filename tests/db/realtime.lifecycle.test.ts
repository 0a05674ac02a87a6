import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { createClient, type RealtimePostgresChangesPayload, type SupabaseClient } from '@supabase/supabase-js';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { RealtimeService } from '../../supabase/local/realtime/RealtimeService.ts';
import { createApiServer } from '../../supabase/local/server.ts';
import { db, stack } from '../support/clients.ts';
import { waitFor } from '../support/waitFor.ts';
import { closeAll, Inbox, realtimeClient, subscribed } from './realtime.helpers.ts';

/**
 * Lifecycle tests run against a realtime service of their own (on the shared database), so
 * they can read its stats() directly and give it a small send buffer.
 */
const sql = db();
let service: RealtimeService;
let server: Server;
let apiUrl = '';
const clients: SupabaseClient[] = [];
const rawSockets: WebSocket[] = [];

function ownClient(): SupabaseClient {
  const c = createClient(apiUrl, stack.anonKey, {
    auth: { persistSession: false, autoRefreshToken: false },
    realtime: { transport: WebSocket as never },
  });
  clients.push(c);
  return c;
}

/** A bare WebSocket speaking vsn 1.0.0 JSON, to control reading and see raw frames. */
async function rawSocket(): Promise<{ ws: WebSocket; frames: Inbox<Record<string, unknown>> }> {
  const ws = new WebSocket(`${apiUrl.replace('http', 'ws')}/realtime/v1/websocket?apikey=${stack.anonKey}&vsn=1.0.0`);
  rawSockets.push(ws);
  const frames = new Inbox<Record<string, unknown>>();
  ws.on('message', (data) => frames.push(JSON.parse(String(data)) as Record<string, unknown>));
  await new Promise((resolve, reject) => {
    ws.once('open', resolve);
    ws.once('error', reject);
  });
  return { ws, frames };
}

beforeAll(async () => {
  service = new RealtimeService({ databaseUrl: stack.dbUrl, jwtSecret: stack.jwtSecret, maxBufferedBytes: 1024 * 1024 });
  await service.start();
  server = createApiServer({ keys: { jwtSecret: stack.jwtSecret, anonKey: stack.anonKey, serviceRoleKey: stack.serviceRoleKey }, services: {}, upgrades: { '/realtime/v1': service } });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  apiUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  await sql.unsafe(`
    create table rtl_item (id serial primary key, label text);
    alter publication supabase_realtime add table rtl_item;
  `);
});

// Each test starts with nobody on the service: the clients an earlier test left connected (the
// flood test's two, a raw socket) would count in the stats a test compares.
beforeEach(async () => {
  for (const ws of rawSockets.splice(0)) ws.terminate();
  const left = clients.splice(0);
  await closeAll(...left);
  await Promise.all(left.map((supabase) => supabase.realtime.disconnect()));
  await waitFor('the service to drop the sockets of earlier tests', async () => service.stats().connections === 0, 5_000);
});

afterAll(async () => {
  await closeAll(...clients);
  await service.stop();
  await new Promise((r) => server.close(r));
  await sql.unsafe('drop table rtl_item');
  await sql.end();
});

describe('realtime lifecycle', () => {
  it('answers heartbeats', async () => {
    const supabase = await realtimeClient();
    clients.push(supabase);
    const beats = new Inbox<string>();
    supabase.realtime.onHeartbeat((status) => beats.push(status));
    await subscribed(supabase.channel('rtl-heartbeat'));
    await supabase.realtime.sendHeartbeat();
    await beats.until((s) => s.includes('ok'), 'a heartbeat reply');
  });

  it('speaks vsn 1.0.0 and answers unknown topics as Phoenix does', async () => {
    const { ws, frames } = await rawSocket();
    ws.send(JSON.stringify({ topic: 'realtime:rtl-raw', event: 'phx_join', payload: { config: {} }, ref: '1', join_ref: '1' }));
    ws.send(JSON.stringify({ topic: 'realtime:rtl-nowhere', event: 'broadcast', payload: { type: 'broadcast', event: 'x', payload: {} }, ref: '2', join_ref: '9' }));
    ws.send('not json at all');
    ws.send(JSON.stringify({ topic: 'phoenix', event: 'heartbeat', payload: {}, ref: '3', join_ref: null }));
    await frames.count(3);
    expect(frames.items).toEqual(
      expect.arrayContaining([
        { topic: 'realtime:rtl-raw', event: 'phx_reply', payload: { status: 'ok', response: { postgres_changes: [] } }, ref: '1', join_ref: '1' },
        { topic: 'realtime:rtl-nowhere', event: 'phx_reply', payload: { status: 'error', response: { reason: 'unmatched topic' } }, ref: '2', join_ref: '9' },
        { topic: 'phoenix', event: 'phx_reply', payload: { status: 'ok', response: {} }, ref: '3', join_ref: null },
      ]),
    );
    ws.close();
  });

  it('frees everything when clients leave, and resumes cleanly when they reconnect', async () => {
    const users = Array.from({ length: 10 }, () => ownClient());
    const inboxes = users.map(() => new Inbox<RealtimePostgresChangesPayload<{ label: string }>>());
    const joins = users.map(() => new Inbox<string>());
    users.forEach((supabase, i) => {
      supabase
        .channel('rtl-room', { config: { presence: { key: `user-${i}` } } })
        .on('postgres_changes', { event: 'INSERT', schema: 'public', table: 'rtl_item' }, inboxes[i]!.push)
        .on('presence', { event: 'sync' }, () => {})
        .subscribe((status) => joins[i]!.push(status));
    });
    await Promise.all(joins.map((j) => j.until((s) => s.filter((x) => x === 'SUBSCRIBED').length === 1, 'the join')));
    await Promise.all(users.map((supabase) => supabase.getChannels()[0]!.track({ here: true })));
    expect(service.stats()).toMatchObject({ connections: 10, channels: 10, postgresChanges: 10, presences: 10, topics: 1 });

    // The network drops: every socket closes, the server must forget them all.
    await Promise.all(users.map((supabase) => supabase.realtime.disconnect()));
    await waitFor('the server to drop the sockets', async () => service.stats().connections === 0, 5_000);
    expect(service.stats()).toMatchObject({ connections: 0, channels: 0, postgresChanges: 0, presences: 0, topics: 0 });

    // Back online: realtime-js reconnects and rejoins the channels.
    users.forEach((supabase) => supabase.realtime.connect());
    await Promise.all(joins.map((j) => j.until((s) => s.filter((x) => x === 'SUBSCRIBED').length === 2, 'the rejoin')));
    expect(service.stats()).toMatchObject({ connections: 10, channels: 10, postgresChanges: 10 });

    await sql`insert into rtl_item (label) values ('after reconnect')`;
    await Promise.all(inboxes.map((inbox) => inbox.count(1)));
    await new Promise((r) => setTimeout(r, 300));
    for (const inbox of inboxes) expect(inbox.items.map((c) => (c.new as { label?: string }).label)).toEqual(['after reconnect']);

    await Promise.all(users.map((supabase) => supabase.removeAllChannels()));
    await waitFor('the server to forget the channels', async () => service.stats().channels === 0, 5_000);
    expect(service.stats()).toMatchObject({ channels: 0, postgresChanges: 0, presences: 0, topics: 0 });
  });

  it('drops a client that stops reading, without holding up the others', async () => {
    const slow = await rawSocket();
    slow.ws.send(JSON.stringify({ topic: 'realtime:rtl-flood', event: 'phx_join', payload: { config: {} }, ref: '1', join_ref: '1' }));
    await slow.frames.count(1);
    // Stop reading: the server's send buffer for this socket can only grow.
    slow.ws.pause();

    const fast = ownClient();
    const received = new Inbox();
    await subscribed(fast.channel('rtl-flood').on('broadcast', { event: 'blob' }, received.push));
    const sender = await subscribed(ownClient().channel('rtl-flood'));
    const connectionsBefore = service.stats().connections;
    const blob = 'x'.repeat(8 * 1024);
    const total = 3000;
    for (let i = 0; i < total; i++) {
      await sender.send({ type: 'broadcast', event: 'blob', payload: { i, blob } });
      // This process reads for the fast client too: let it, as a real client would.
      if (i % 50 === 49) await new Promise((r) => setTimeout(r, 5));
    }

    await received.count(total, 20_000);
    // The paused client cannot see its socket close (it reads nothing), the server can.
    await waitFor('the slow client to be dropped', async () => service.stats().connections === connectionsBefore - 1, 5_000);
    slow.ws.terminate();
  });
});
