import type { RealtimePresenceJoinPayload, RealtimePresenceLeavePayload, SupabaseClient } from '@supabase/supabase-js';
import { afterAll, describe, expect, it } from 'vitest';
import { closeAll, Inbox, realtimeClient, sleep, subscribed } from './realtime.helpers.ts';

type Meta = { user: string; status?: string };
type PresenceEvent = { event: 'join'; payload: RealtimePresenceJoinPayload<Meta> } | { event: 'leave'; payload: RealtimePresenceLeavePayload<Meta> } | { event: 'sync' };

const clients: SupabaseClient[] = [];

async function newClient(): Promise<SupabaseClient> {
  const c = await realtimeClient();
  clients.push(c);
  return c;
}

/** A channel with presence bindings that records every presence event. */
async function member(supabase: SupabaseClient, topic: string, key: string) {
  const events = new Inbox<PresenceEvent>();
  const channel = supabase
    .channel(topic, { config: { presence: { key } } })
    .on('presence', { event: 'sync' }, () => events.push({ event: 'sync' }))
    .on('presence', { event: 'join' }, (payload: RealtimePresenceJoinPayload<Meta>) => events.push({ event: 'join', payload }))
    .on('presence', { event: 'leave' }, (payload: RealtimePresenceLeavePayload<Meta>) => events.push({ event: 'leave', payload }));
  await subscribed(channel);
  return { channel, events };
}

function keys(state: Record<string, unknown[]>): string[] {
  return Object.keys(state).sort();
}

afterAll(async () => {
  await closeAll(...clients);
});

describe('presence', () => {
  it('syncs state, joins, updates and leaves between members', async () => {
    const [sa, sb] = await Promise.all([newClient(), newClient()]);
    const a = await member(sa, 'rtp-room', 'alice');
    // The initial state arrives as a sync even when empty.
    await a.events.until((e) => e.some((x) => x.event === 'sync'), 'the first sync');
    expect(a.channel.presenceState()).toEqual({});

    expect(await a.channel.track({ user: 'alice', status: 'online' })).toBe('ok');
    await a.events.until((e) => e.some((x) => x.event === 'join'), 'own join');

    const b = await member(sb, 'rtp-room', 'bob');
    await b.events.until(() => keys(b.channel.presenceState()).includes('alice'), 'alice in the state');
    expect(b.channel.presenceState().alice).toEqual([expect.objectContaining({ user: 'alice', status: 'online', presence_ref: expect.any(String) })]);

    expect(await b.channel.track({ user: 'bob' })).toBe('ok');
    await a.events.until(() => keys(a.channel.presenceState()).join() === 'alice,bob', 'bob to join');
    const join = a.events.items.find((e) => e.event === 'join' && e.payload.key === 'bob');
    expect(join).toMatchObject({ payload: { key: 'bob', newPresences: [{ user: 'bob' }] } });

    // Tracking again replaces the meta: still one presence for the key.
    await a.channel.track({ user: 'alice', status: 'away' });
    await b.events.until(() => (b.channel.presenceState<Meta>().alice ?? [])[0]?.status === 'away', 'the update');
    expect(b.channel.presenceState().alice).toHaveLength(1);

    expect(await b.channel.untrack()).toBe('ok');
    await a.events.until(() => keys(a.channel.presenceState()).join() === 'alice', 'bob to leave');
    const leave = a.events.items.find((e) => e.event === 'leave' && e.payload.key === 'bob');
    expect(leave).toMatchObject({ payload: { key: 'bob', leftPresences: [{ user: 'bob' }] } });
  });

  it('removes the presences of a client that disconnects', async () => {
    const [sa, sb] = await Promise.all([newClient(), newClient()]);
    const a = await member(sa, 'rtp-disconnect', 'stay');
    const b = await member(sb, 'rtp-disconnect', 'go');
    await b.channel.track({ user: 'go' });
    await a.events.until(() => keys(a.channel.presenceState()).includes('go'), 'the join');
    await sb.realtime.disconnect();
    await a.events.until(() => !keys(a.channel.presenceState()).includes('go'), 'the leave');
  });

  it('groups two connections of one key', async () => {
    const [s1, s2, s3] = await Promise.all([newClient(), newClient(), newClient()]);
    const tab1 = await member(s1, 'rtp-tabs', 'carol');
    const tab2 = await member(s2, 'rtp-tabs', 'carol');
    await tab1.channel.track({ user: 'carol', status: 'tab1' });
    await tab2.channel.track({ user: 'carol', status: 'tab2' });
    // Joining after both tracked: the watcher learns them from presence_state. (A client that
    // saw the second join live would keep a stale meta: supabase/supabase-js#2565.)
    const watcher = await member(s3, 'rtp-tabs', 'dave');
    await watcher.events.until(() => (watcher.channel.presenceState().carol ?? []).length === 2, 'two metas');
    await tab1.channel.untrack();
    await watcher.events.until(() => (watcher.channel.presenceState().carol ?? []).length === 1, 'one meta left');
    expect(watcher.channel.presenceState<Meta>().carol![0]!.status).toBe('tab2');
  });

  it('does not send presence to channels without it', async () => {
    const [s1, s2] = await Promise.all([newClient(), newClient()]);
    const tracker = await member(s1, 'rtp-quiet', 'eve');
    const plain = new Inbox();
    await subscribed(s2.channel('rtp-quiet').on('broadcast', { event: '*' }, plain.push));
    await tracker.channel.track({ user: 'eve' });
    await sleep();
    expect(plain.items).toEqual([]);
  });
});
