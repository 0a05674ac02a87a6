import { describe, expect, it } from 'vitest';
import { applicationServerKey, deviceName, pushAvailability } from '../../app/lib/webPush.ts';

/** What the profile says about this browser before asking anything (app/lib/webPush.ts). */
describe('Web Push availability in the app', () => {
  const key = 'BP4z9KsN6nGRTbVYI_c7VJSPQTBtkgcy27mlmlMoZIIgDll6e3vCYLocInmYWAmS6TlzAC8wEqKK6PBru3jl7A8';
  const side = (userAgent: string, options: { standalone?: boolean; push?: boolean; platform?: string; touch?: number } = {}) => ({
    navigator: { userAgent, platform: options.platform ?? 'Linux x86_64', maxTouchPoints: options.touch ?? 0, standalone: options.standalone, ...(options.push === false ? {} : { serviceWorker: {} }) } as unknown as Navigator,
    window: { matchMedia: () => ({ matches: options.standalone === true }), ...(options.push === false ? {} : { PushManager: class {}, Notification: class {} }) } as unknown as Window & typeof globalThis,
  });
  const iphone = 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1';
  const ipadAsMac = 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15';
  const chromeAndroid = 'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36';

  it('iPhone and iPad (even one that says it is a Mac) need the app on the Home Screen; installed, they may', () => {
    expect(pushAvailability(key, side(iphone, { push: false }))).toBe('ios-not-installed');
    expect(pushAvailability(key, side(ipadAsMac, { platform: 'MacIntel', touch: 5, push: false }))).toBe('ios-not-installed');
    expect(pushAvailability(key, side(iphone, { standalone: true }))).toBe('available');
    expect(pushAvailability(key, side(ipadAsMac, { platform: 'MacIntel', touch: 0 }))).toBe('available');
  });

  it('a browser without the Push API cannot; without the project\'s key nobody can', () => {
    expect(pushAvailability(key, side(chromeAndroid, { push: false }))).toBe('unsupported');
    expect(pushAvailability(undefined, side(chromeAndroid))).toBe('not-configured');
    expect(pushAvailability(key, side(chromeAndroid))).toBe('available');
  });

  it('names a device by browser and system, in no language, and takes the key as bytes', () => {
    expect(deviceName(chromeAndroid)).toBe('Chrome · Android');
    expect(deviceName(iphone)).toBe('Safari · iPhone');
    expect(deviceName('Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0')).toBe('Firefox · Windows');
    expect(deviceName('Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0')).toBe('Edge · Windows');
    expect(Buffer.from(applicationServerKey(key)).toString('base64url')).toBe(key);
    expect(applicationServerKey(key)).toHaveLength(65);
  });
});
