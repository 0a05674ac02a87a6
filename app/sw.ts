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

// The first install takes over the open page, so the shell is cached for offline use at once.
clientsClaim();
