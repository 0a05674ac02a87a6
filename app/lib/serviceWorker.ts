import { Capacitor } from '@capacitor/core';
import { Workbox } from 'workbox-window';

const updateCheckMs = 60 * 60_000;

/**
 * Registers app/sw.ts (built to /sw.js). When a newer version has installed and waits,
 * `onUpdateWaiting` gets a function that activates it and reloads the page: the person
 * decides when, so a form being filled in is never lost.
 */
export function registerServiceWorker(onUpdateWaiting: (activate: () => void) => void): void {
  // The native shells load the app from the device; the dev server has no service worker.
  if (!('serviceWorker' in navigator) || import.meta.env.DEV || Capacitor.isNativePlatform()) return;
  const workbox = new Workbox('/sw.js', { scope: '/' });
  workbox.addEventListener('waiting', () => {
    onUpdateWaiting(() => {
      workbox.addEventListener('controlling', () => window.location.reload());
      workbox.messageSkipWaiting();
    });
  });
  workbox.register().catch((error: unknown) => console.warn('The service worker did not register; the app works, but not offline.', error));
  setInterval(() => void workbox.update(), updateCheckMs);
}
