import type { PermissionState } from '@capacitor/core';
import type { Channel, PushNotificationsPlugin } from '@capacitor/push-notifications';
import { describe, expect, it } from 'vitest';
import { NativePush, nativeDevice, nativePush, pushLinkOf, type NativeDevice } from '../../app/lib/nativePush.ts';

/**
 * The phone's side of native push. The native plugin and the OS's push service cannot run
 * here; a stand-in plays @capacitor/push-notifications as its definitions document it:
 * permissions answered 'prompt' until asked, `register()` answering with the 'registration'
 * event, a tap arriving as 'pushNotificationActionPerformed'.
 */
class PluginStandIn {
  readonly channels: Channel[] = [];
  readonly listeners = new Map<string, (event: never) => void>();
  registered = 0;
  unregistered = 0;
  asked = 0;

  constructor(private permission: PermissionState, private readonly answer: PermissionState, private readonly token: string) {}

  asPlugin(): PushNotificationsPlugin {
    return {
      addListener: async (event: string, listener: (event: never) => void) => {
        this.listeners.set(event, listener);
        return { remove: async () => void this.listeners.delete(event) };
      },
      createChannel: async (channel: Channel) => void this.channels.push(channel),
      checkPermissions: async () => ({ receive: this.permission }),
      requestPermissions: async () => {
        this.asked += 1;
        this.permission = this.answer;
        return { receive: this.permission };
      },
      register: async () => {
        this.registered += 1;
        this.emit('registration', { value: this.token });
      },
      unregister: async () => void (this.unregistered += 1),
    } as unknown as PushNotificationsPlugin;
  }

  emit(event: string, payload: unknown): void {
    this.listeners.get(event)?.(payload as never);
  }

  tap(data: unknown): void {
    this.emit('pushNotificationActionPerformed', { actionId: 'tap', notification: { id: '1', data } });
  }
}

const channels = { alerts: 'Оповещения', critical: 'Критические оповещения' };

function setUp(platform: string, permission: PermissionState, answer: PermissionState, token = 'device-token-1') {
  const standIn = new PluginStandIn(permission, answer, token);
  const registered: NativeDevice[] = [];
  const push = new NativePush(async () => standIn.asPlugin(), platform);
  const register = async (device: NativeDevice) => void registered.push(device);
  return { standIn, registered, push, register };
}

describe('native push on a phone', () => {
  it('on Android asks once, creates the alert channels in the person\'s language, and registers the FCM token', async () => {
    const { standIn, registered, push, register } = setUp('android', 'prompt', 'granted', 'fcm-token');
    expect(await push.enable(register, channels)).toBe('registered');
    await Promise.resolve();
    expect(standIn.asked).toBe(1);
    expect(registered).toEqual([{ kind: 'fcm', endpoint: 'fcm-token', platform: 'android' }]);
    expect(standIn.channels.map((c) => [c.id, c.name, c.importance])).toEqual([['alerts', 'Оповещения', 4], ['critical_alerts', 'Критические оповещения', 5]]);
  });

  it('on iOS registers the APNs token as kind apns, for the server to exchange; no Android channels', async () => {
    const { standIn, registered, push, register } = setUp('ios', 'granted', 'granted', 'a1b2'.repeat(16));
    expect(await push.enable(register, channels)).toBe('registered');
    await Promise.resolve();
    expect(standIn.asked).toBe(0);
    expect(registered).toEqual([{ kind: 'apns', endpoint: 'a1b2'.repeat(16), platform: 'ios' }]);
    expect(standIn.channels).toEqual([]);
  });

  it('does not register when the person says no, and does not ask again once answered', async () => {
    const refused = setUp('android', 'prompt', 'denied');
    expect(await refused.push.enable(refused.register, channels)).toBe('denied');
    expect([refused.standIn.registered, refused.registered.length]).toEqual([0, 0]);
    const answered = setUp('ios', 'denied', 'granted');
    expect(await answered.push.enable(answered.register, channels)).toBe('denied');
    expect(answered.standIn.asked).toBe(0);
  });

  it('a phone shared by two people registers again for whoever signs in next', async () => {
    const { standIn, push } = setUp('android', 'granted', 'granted', 'shared-phone');
    const owners: string[] = [];
    await push.enable(async () => void owners.push('anna'), channels);
    await push.enable(async () => void owners.push('boris'), channels);
    await Promise.resolve();
    expect([standIn.registered, owners]).toEqual([2, ['anna', 'boris']]);
  });

  it('gives the token up on sign-out, so a phone left behind stops getting the person\'s alerts; a later registration reaches no one', async () => {
    const { standIn, registered, push, register } = setUp('android', 'granted', 'granted', 'left-behind');
    await push.disable();
    expect(standIn.unregistered).toBe(0);
    await push.enable(register, channels);
    await push.disable();
    standIn.emit('registration', { value: 'late-token' });
    expect([standIn.unregistered, registered.map((d) => d.endpoint)]).toEqual([1, ['left-behind']]);
  });

  it('opens the screen a tapped notification names, also a tap that started the app before the router was there', async () => {
    const { standIn, push } = setUp('android', 'granted', 'granted');
    await push.listen();
    standIn.tap({ url: '/app/alerts', alert_ids: 'a,b' });
    const opened: string[] = [];
    const stop = push.onLink((path) => opened.push(path));
    standIn.tap({ url: '/app/caps' });
    standIn.tap({ url: 'https://evil.example/app/alerts' });
    standIn.tap({ url: '//evil.example/app' });
    standIn.tap({});
    stop();
    standIn.tap({ url: '/app/summary' });
    expect(opened).toEqual(['/app/alerts', '/app/caps']);
  });
});

describe('the pieces', () => {
  it('tell the token\'s kind by platform, and accept only the app\'s own paths as links', () => {
    expect(nativeDevice('web', 'x')).toBeNull();
    expect(nativeDevice('android', '')).toBeNull();
    expect(pushLinkOf({ url: '/app/alerts?alert=1' })).toBe('/app/alerts?alert=1');
    expect(pushLinkOf({ url: '/sign-in' })).toBeNull();
    expect(pushLinkOf({ url: '/app/../sign-in' })).toBeNull();
    expect(pushLinkOf(null)).toBeNull();
  });

  it('is absent in a browser, where the PWA has Web Push', () => {
    expect(nativePush).toBeUndefined();
  });
});
