import type { SupabaseClient } from '@supabase/supabase-js';
import { dataOf } from './dataApi.ts';
import { array, nonEmptyText, nullable, object, oneOf, readAs, text, uuid } from './guards.ts';

/**
 * Web Push on this browser (#15): whether it can take notifications, subscribing with the
 * project's VAPID public key (config.json's vapidPublicKey), registering the subscription
 * through register_push_subscription(), and turning it off again. The person's devices of every
 * kind (browsers and the native app) are listed and removed under RLS (own rows only).
 */

/** Why this browser can or cannot take notifications. */
export type PushAvailability =
  /** No service worker or Push API (an old browser, a private window in some browsers). */
  | 'unsupported'
  /** iPhone/iPad Safari: push exists only in the app added to the Home Screen (iOS 16.4+). */
  | 'ios-not-installed'
  /** The project has no VAPID key (config.json names none). */
  | 'not-configured'
  | 'available';

/** What the browser says now about notifications for this site. */
export type PushState = 'unsupported' | 'ios-not-installed' | 'not-configured' | 'denied' | 'off' | 'on';

interface BrowserSide {
  navigator: Navigator;
  window: Window & typeof globalThis;
}

const browser = (): BrowserSide => ({ navigator, window });

function isIos(nav: Navigator): boolean {
  // iPadOS reports itself as a Mac; only its touch screen tells it apart.
  return /iPad|iPhone|iPod/.test(nav.userAgent) || (nav.platform === 'MacIntel' && nav.maxTouchPoints > 1);
}

function installed(side: BrowserSide): boolean {
  return side.window.matchMedia?.('(display-mode: standalone)').matches === true || (side.navigator as Navigator & { standalone?: boolean }).standalone === true;
}

export function pushAvailability(vapidPublicKey: string | undefined, side: BrowserSide = browser()): PushAvailability {
  if (isIos(side.navigator) && !installed(side)) return 'ios-not-installed';
  if (!('serviceWorker' in side.navigator) || !('PushManager' in side.window) || !('Notification' in side.window)) return 'unsupported';
  if (!vapidPublicKey) return 'not-configured';
  return 'available';
}

/** The applicationServerKey as PushManager.subscribe takes it. */
export function applicationServerKey(base64url: string): Uint8Array<ArrayBuffer> {
  const base64 = base64url.replace(/-/g, '+').replace(/_/g, '/');
  return Uint8Array.from(atob(base64.padEnd(Math.ceil(base64.length / 4) * 4, '=')), (c) => c.charCodeAt(0));
}

function toBase64Url(buffer: ArrayBuffer | null): string {
  if (!buffer) return '';
  return btoa(String.fromCharCode(...new Uint8Array(buffer))).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/** What the person sees in their list of devices, in any language: "Chrome · Android", "Safari · iPhone". */
export function deviceName(userAgent: string): string {
  const browserName = /Edg\//.test(userAgent) ? 'Edge'
    : /Firefox\//.test(userAgent) ? 'Firefox'
    : /(Chrome|CriOS)\//.test(userAgent) ? 'Chrome'
    : /Safari\//.test(userAgent) ? 'Safari'
    : 'Browser';
  const system = /iPhone/.test(userAgent) ? 'iPhone'
    : /iPad/.test(userAgent) ? 'iPad'
    : /Android/.test(userAgent) ? 'Android'
    : /Windows/.test(userAgent) ? 'Windows'
    : /Mac OS X|Macintosh/.test(userAgent) ? 'macOS'
    : /Linux/.test(userAgent) ? 'Linux'
    : '';
  return system ? `${browserName} · ${system}` : browserName;
}

async function registration(): Promise<ServiceWorkerRegistration | undefined> {
  return navigator.serviceWorker.getRegistration();
}

/** This browser's state now (no prompt). */
export async function pushState(vapidPublicKey: string | undefined): Promise<PushState> {
  const availability = pushAvailability(vapidPublicKey);
  if (availability !== 'available') return availability;
  if (Notification.permission === 'denied') return 'denied';
  const subscription = await (await registration())?.pushManager.getSubscription();
  return subscription && Notification.permission === 'granted' ? 'on' : 'off';
}

/** The browser's push service refused the subscription (unreachable, or the browser does not allow it here). */
export class PushSubscribeError extends Error {
  constructor(cause: unknown) {
    super(cause instanceof Error ? cause.message : String(cause));
    this.name = 'PushSubscribeError';
  }
}

export interface PushDevice {
  id: string;
  kind: 'web' | 'fcm' | 'apns';
  platform: 'web' | 'android' | 'ios';
  deviceName: string | null;
  endpoint: string;
  createdAt: string;
  lastSentAt: string | null;
}

const readDevice = object({
  id: uuid,
  kind: oneOf(['web', 'fcm', 'apns'] as const),
  platform: oneOf(['web', 'android', 'ios'] as const),
  device_name: nullable(text),
  endpoint: nonEmptyText,
  created_at: nonEmptyText,
  last_sent_at: nullable(text),
});

export function createWebPushApi(client: SupabaseClient) {
  return {
    /**
     * Asks the person (the browser's prompt: call it from a tap), subscribes with the project's
     * key and registers the subscription for the signed-in person. Answers the state after it.
     */
    async turnOn(vapidPublicKey: string): Promise<PushState> {
      const permission = await Notification.requestPermission();
      if (permission === 'denied') return 'denied';
      if (permission !== 'granted') return 'off';
      const worker = await navigator.serviceWorker.ready;
      const key = applicationServerKey(vapidPublicKey);
      let subscription = await worker.pushManager.getSubscription();
      // A subscription made with another key (the project's key changed) cannot be pushed to: make a new one.
      const existingKey = subscription?.options.applicationServerKey;
      if (subscription && existingKey && toBase64Url(existingKey) !== toBase64Url(key.buffer)) {
        await subscription.unsubscribe();
        subscription = null;
      }
      subscription ??= await worker.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: key }).catch((error: unknown) => {
        throw new PushSubscribeError(error);
      });
      dataOf(await client.rpc('register_push_subscription', {
        kind: 'web',
        endpoint: subscription.endpoint,
        platform: 'web',
        p256dh: toBase64Url(subscription.getKey('p256dh')),
        auth: toBase64Url(subscription.getKey('auth')),
        device_name: deviceName(navigator.userAgent),
      }));
      return 'on';
    },

    /** Unsubscribes this browser and removes its row, so nothing is pushed to it any more. */
    async turnOff(): Promise<void> {
      const subscription = await (await registration())?.pushManager.getSubscription();
      if (!subscription) return;
      dataOf(await client.from('push_subscriptions').delete().eq('endpoint', subscription.endpoint));
      await subscription.unsubscribe();
    },

    /** The endpoint of this browser's subscription, to mark it in the list. */
    async thisEndpoint(): Promise<string | null> {
      if (!('serviceWorker' in navigator) || !('PushManager' in window)) return null;
      return (await (await registration())?.pushManager.getSubscription())?.endpoint ?? null;
    },

    async devices(): Promise<PushDevice[]> {
      const rows = dataOf(await client.from('push_subscriptions').select('id, kind, platform, device_name, endpoint, created_at, last_sent_at').order('created_at', { ascending: false }));
      return readAs(array(readDevice), rows, 'push_subscriptions').map((r) => ({
        id: r.id, kind: r.kind, platform: r.platform, deviceName: r.device_name, endpoint: r.endpoint, createdAt: r.created_at, lastSentAt: r.last_sent_at,
      }));
    },

    async removeDevice(id: string): Promise<void> {
      dataOf(await client.from('push_subscriptions').delete().eq('id', id));
    },
  };
}

export type WebPushApi = ReturnType<typeof createWebPushApi>;
