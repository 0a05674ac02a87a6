import { randomBytes } from 'node:crypto';

/** A tracked presence: the client's payload plus Phoenix's reference to this version of it. */
export interface PresenceMeta {
  [key: string]: unknown;
  phx_ref: string;
  phx_ref_prev?: string;
}

/** Phoenix.Presence's shape: metas grouped by presence key. */
export type PresenceMap = Record<string, { metas: PresenceMeta[] }>;

/** A `presence_diff` payload. */
export interface PresenceDiff {
  joins: PresenceMap;
  leaves: PresenceMap;
}

function newRef(): string {
  return randomBytes(9).toString('base64url');
}

/**
 * Presence state of every topic on this server, as Phoenix.Presence keeps it: per topic, per
 * presence key, one meta per tracking channel (the same user in two tabs is one key, two metas).
 */
export class PresenceRegistry {
  private topics = new Map<string, Map<string, Map<number, { meta: PresenceMeta; json: string }>>>();

  /**
   * Tracks (or updates) a channel's presence and returns the diffs to broadcast: none when the
   * payload did not change (Supabase answers ok and sends nothing), one for a first track.
   *
   * An update is sent as a leave of the old meta, then a join of the new one. Phoenix sends both
   * in one diff, which realtime-js 2.109 mishandles: building the join event strips `phx_ref`
   * from the old meta, the leave then matches nothing and the member shows twice
   * (supabase/supabase-js#2565). Two diffs give every client the same final state.
   */
  track(topic: string, key: string, channelId: number, payload: Record<string, unknown>): PresenceDiff[] {
    let keys = this.topics.get(topic);
    if (!keys) this.topics.set(topic, (keys = new Map()));
    let channels = keys.get(key);
    if (!channels) keys.set(key, (channels = new Map()));
    const json = JSON.stringify(payload);
    const previous = channels.get(channelId);
    if (previous?.json === json) return [];
    const meta: PresenceMeta = { ...payload, phx_ref: newRef() };
    if (previous) meta.phx_ref_prev = previous.meta.phx_ref;
    channels.set(channelId, { meta, json });
    const join: PresenceDiff = { joins: { [key]: { metas: [meta] } }, leaves: {} };
    return previous ? [{ joins: {}, leaves: { [key]: { metas: [previous.meta] } } }, join] : [join];
  }

  /** Removes a channel's presence; returns the leave diff, or undefined if it tracked nothing. */
  untrack(topic: string, key: string, channelId: number): PresenceDiff | undefined {
    const keys = this.topics.get(topic);
    const channels = keys?.get(key);
    const previous = channels?.get(channelId);
    if (!keys || !channels || !previous) return undefined;
    channels.delete(channelId);
    if (!channels.size) keys.delete(key);
    if (!keys.size) this.topics.delete(topic);
    return { joins: {}, leaves: { [key]: { metas: [previous.meta] } } };
  }

  /** The full state of a topic, the `presence_state` payload. */
  state(topic: string): PresenceMap {
    const out: PresenceMap = {};
    for (const [key, channels] of this.topics.get(topic) ?? []) out[key] = { metas: [...channels.values()].map((c) => c.meta) };
    return out;
  }

  /** Number of tracked presences (for leak checks). */
  size(): number {
    let n = 0;
    for (const keys of this.topics.values()) for (const channels of keys.values()) n += channels.size;
    return n;
  }
}
