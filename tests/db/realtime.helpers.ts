import { randomUUID } from 'node:crypto';
import type { RealtimeChannel, SupabaseClient } from '@supabase/supabase-js';
import { signJwt } from '../../supabase/local/jwt.ts';
import { client, stack } from '../support/clients.ts';

/** How long a "never receives" assertion waits. */
export const quietMs = 500;

/** A signed-in user's JWT as Supabase Auth mints it; `expiresIn` in seconds (negative: expired). */
export function userJwt(sub: string = randomUUID(), claims: Record<string, unknown> = {}, expiresIn = 3600): string {
  const now = Math.floor(Date.now() / 1000);
  return signJwt({ sub, role: 'authenticated', aud: 'authenticated', iat: now, exp: now + expiresIn, ...claims }, stack.jwtSecret);
}

/** A supabase-js client whose realtime connection uses `token` (as after sign-in). */
export async function realtimeClient(token?: string): Promise<SupabaseClient> {
  const supabase = client();
  if (token) await supabase.realtime.setAuth(token);
  return supabase;
}

/** Subscribes and resolves on SUBSCRIBED; rejects with the server's reason otherwise. */
export function subscribed(channel: RealtimeChannel, timeoutMs = 10_000): Promise<RealtimeChannel> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('subscribe timed out')), timeoutMs);
    channel.subscribe((status, error) => {
      if (status === 'SUBSCRIBED') {
        clearTimeout(timer);
        resolve(channel);
      } else if (status === 'CHANNEL_ERROR' || status === 'TIMED_OUT') {
        clearTimeout(timer);
        reject(error ?? new Error(status));
      }
    });
  });
}

/** Subscribes and resolves with the error a refused join reports. */
export function refused(channel: RealtimeChannel, timeoutMs = 10_000): Promise<Error> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('no answer to the join')), timeoutMs);
    channel.subscribe((status, error) => {
      if (status === 'SUBSCRIBED') {
        clearTimeout(timer);
        reject(new Error('the join was accepted'));
      } else if (status === 'CHANNEL_ERROR') {
        clearTimeout(timer);
        resolve(error ?? new Error(status));
      }
    });
  });
}

/** Collects events and waits for them. */
export class Inbox<T = Record<string, unknown>> {
  readonly items: T[] = [];
  private waiters: { predicate: (items: T[]) => boolean; resolve: () => void }[] = [];

  /** A callback to pass to `channel.on(...)`. */
  readonly push = (item: T): void => {
    this.items.push(item);
    this.waiters = this.waiters.filter((w) => {
      if (!w.predicate(this.items)) return true;
      w.resolve();
      return false;
    });
  };

  /** Waits until `predicate(items)` holds. */
  until(predicate: (items: T[]) => boolean, what = 'events', timeoutMs = 5_000): Promise<T[]> {
    if (predicate(this.items)) return Promise.resolve(this.items);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`timed out waiting for ${what}; got ${this.items.length}: ${JSON.stringify(this.items).slice(0, 2000)}`)), timeoutMs);
      this.waiters.push({
        predicate,
        resolve: () => {
          clearTimeout(timer);
          resolve(this.items);
        },
      });
    });
  }

  /** Waits until at least `n` events arrived. */
  count(n: number, timeoutMs = 5_000): Promise<T[]> {
    return this.until((items) => items.length >= n, `${n} events`, timeoutMs);
  }
}

/** Waits `ms` (for "nothing more arrives" checks). */
export function sleep(ms = quietMs): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** Removes every channel of the clients and closes their sockets. */
export async function closeAll(...clients: SupabaseClient[]): Promise<void> {
  await Promise.all(clients.map((c) => c.removeAllChannels()));
}
