/// <reference lib="webworker" />
import { clientsClaim } from 'workbox-core';
import { cleanupOutdatedCaches, createHandlerBoundToURL, precacheAndRoute, type PrecacheEntry } from 'workbox-precaching';
import { NavigationRoute, registerRoute } from 'workbox-routing';
import { NetworkFirst } from 'workbox-strategies';

declare const self: ServiceWorkerGlobalScope & { __WB_MANIFEST: (PrecacheEntry | string)[] };

// The app shell: every file of the build, so the app opens without a network.
precacheAndRoute(self.__WB_MANIFEST);
cleanupOutdatedCaches();

// Every route of the app (/app/summary, /invite/<token>) is the same index.html.
registerRoute(new NavigationRoute(createHandlerBoundToURL('index.html')));

// Which backend to talk to: fresh when online, the last answer when not, so the shell starts
// offline too. The page read it before this worker controlled it, so install stores a copy.
const configCache = 'arbidesk-config';
registerRoute(({ url, sameOrigin }) => sameOrigin && url.pathname === '/config.json', new NetworkFirst({ cacheName: configCache, networkTimeoutSeconds: 3 }));
self.addEventListener('install', (event) => {
  event.waitUntil(
    caches
      .open(configCache)
      .then((cache) => cache.add('/config.json'))
      .catch((error: unknown) => console.warn('config.json is not cached yet; it will be on the next online start.', error)),
  );
});

// The update prompt (lib/serviceWorker.ts) activates a waiting version when the person agrees.
self.addEventListener('message', (event) => {
  if (event.data && typeof event.data === 'object' && 'type' in event.data && event.data.type === 'SKIP_WAITING') void self.skipWaiting();
});

// Alerts as Web Push (functions/notify/webPush.ts): every push shows a notification, as
// userVisibleOnly promises (Safari revokes a subscription whose pushes show nothing). The
// payload is {title, body, url, tag, alert_ids}; a push that cannot be read still shows one.
interface AlertPush {
  title: string;
  body: string;
  url: string;
  tag: string;
}

function readPush(data: PushMessageData | null): AlertPush {
  const fallback = self.navigator.language.startsWith('ru')
    ? { title: 'ArbiDesk', body: 'Новое оповещение', url: '/app/alerts', tag: 'alerts' }
    : { title: 'ArbiDesk', body: 'New alert', url: '/app/alerts', tag: 'alerts' };
  try {
    const payload = data?.json() as Partial<AlertPush> | undefined;
    if (!payload || typeof payload.title !== 'string') return fallback;
    return {
      title: payload.title,
      body: typeof payload.body === 'string' ? payload.body : '',
      url: typeof payload.url === 'string' ? payload.url : fallback.url,
      tag: typeof payload.tag === 'string' ? payload.tag : fallback.tag,
    };
  } catch {
    return fallback;
  }
}

self.addEventListener('push', (event) => {
  const alert = readPush(event.data);
  // The same tag replaces the shown notification about the same alerts instead of stacking another.
  event.waitUntil(self.registration.showNotification(alert.title, { body: alert.body, tag: alert.tag, data: { url: alert.url }, icon: '/icons/icon-192.png', badge: '/icons/icon-192.png' }));
});

// A tap opens the alert's page in the open app window (focused), else in a new one. Only paths of this app.
self.addEventListener('notificationclick', (event) => {
  event.notification.close();
  const data = event.notification.data as { url?: unknown } | null;
  const asked = new URL(typeof data?.url === 'string' ? data.url : '/app/alerts', self.location.origin);
  const target = asked.origin === self.location.origin ? asked.href : new URL('/app/alerts', self.location.origin).href;
  event.waitUntil((async () => {
    const windows = await self.clients.matchAll({ type: 'window', includeUncontrolled: true });
    const open = windows.find((client) => new URL(client.url).origin === self.location.origin);
    if (open) {
      const focused = await open.focus();
      // navigate() works only for a window this worker controls; an uncontrolled one gets a new window.
      const navigated = await focused.navigate(target).catch(() => null);
      if (navigated) return;
    }
    await self.clients.openWindow(target);
  })());
});

// The first install takes over the open page, so the shell is cached for offline use at once.
clientsClaim();
