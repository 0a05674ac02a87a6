import { Capacitor } from '@capacitor/core';
import type { ActionPerformed, PushNotificationsPlugin, Token } from '@capacitor/push-notifications';

/**
 * Push notifications in the Capacitor build (#15), through @capacitor/push-notifications: the
 * phone's token is registered for the signed-in person (register_push_subscription), and a
 * tapped notification opens the screen it names. Android hands over an FCM registration
 * token; iOS an APNs token, which FCM refuses, so it is registered as kind `apns` and the
 * notify function exchanges it (docs/alerts.md). The PWA in a browser uses Web Push instead;
 * nothing here runs there, and the plugin is loaded only on a phone.
 */

/** A phone as register_push_subscription takes it. */
export interface NativeDevice {
  kind: 'fcm' | 'apns';
  endpoint: string;
  platform: 'android' | 'ios';
}

/** Android notification channels (the function names them in android.notification.channel_id), in the person's language. */
export interface ChannelNames {
  alerts: string;
  critical: string;
}

/** What this platform's push token is, or null on a platform without native push. */
export function nativeDevice(platform: string, token: string): NativeDevice | null {
  if (!token) return null;
  if (platform === 'android') return { kind: 'fcm', endpoint: token, platform: 'android' };
  if (platform === 'ios') return { kind: 'apns', endpoint: token, platform: 'ios' };
  return null;
}

/** The in-app path a notification's data names: only the app's own screens, never an address from outside. */
export function pushLinkOf(data: unknown): string | null {
  const url = data !== null && typeof data === 'object' ? (data as Record<string, unknown>).url : undefined;
  return typeof url === 'string' && /^\/app\/[A-Za-z0-9/_?=&.-]*$/.test(url) && !url.includes('//') && !url.includes('..') ? url : null;
}

export class NativePush {
  private linkListener?: (path: string) => void;
  /** A notification tapped before the router could take it (the app was started by the tap). */
  private pendingLink?: string;
  private register?: (device: NativeDevice) => Promise<void>;
  private listening?: Promise<void>;
  private registered = false;

  constructor(
    private readonly plugin: () => Promise<PushNotificationsPlugin>,
    private readonly platform: string,
  ) {}

  /** At app start: taps on notifications, and the token events, are heard from the first moment. */
  listen(): Promise<void> {
    this.listening ??= this.plugin().then(async (push) => {
      await push.addListener('pushNotificationActionPerformed', (action: ActionPerformed) => {
        const path = pushLinkOf(action.notification.data);
        if (!path) return;
        if (this.linkListener) this.linkListener(path);
        else this.pendingLink = path;
      });
      await push.addListener('registration', (token: Token) => {
        const device = nativeDevice(this.platform, token.value);
        if (device && this.register) {
          // Not registered now (offline): the next sign-in or start registers again.
          this.register(device).catch((error: unknown) => console.warn('This phone could not be registered for notifications.', error));
        }
      });
      await push.addListener('registrationError', (error) => console.warn('The phone refused push registration.', error.error));
    });
    return this.listening;
  }

  /** The router opens tapped notifications' screens; a tap that started the app is handed over at once. */
  onLink(listener: (path: string) => void): () => void {
    this.linkListener = listener;
    if (this.pendingLink) listener(this.pendingLink);
    this.pendingLink = undefined;
    return () => {
      if (this.linkListener === listener) this.linkListener = undefined;
    };
  }

  /**
   * Once someone is signed in: asks for permission (only while the phone has not been
   * answered), and registers the token for them. Registering again after another person
   * signs in moves the phone to them.
   */
  async enable(register: (device: NativeDevice) => Promise<void>, channels: ChannelNames): Promise<'registered' | 'denied'> {
    this.register = register;
    await this.listen();
    const push = await this.plugin();
    if (this.platform === 'android') {
      // Android 8+ shows a notification only on a channel the app created; critical ones may sound through.
      await push.createChannel({ id: 'alerts', name: channels.alerts, importance: 4, visibility: 1 });
      await push.createChannel({ id: 'critical_alerts', name: channels.critical, importance: 5, visibility: 1, vibration: true });
    }
    let permission = (await push.checkPermissions()).receive;
    if (permission === 'prompt' || permission === 'prompt-with-rationale') permission = (await push.requestPermissions()).receive;
    if (permission !== 'granted') return 'denied';
    await push.register();
    this.registered = true;
    return 'registered';
  }

  /**
   * On sign-out: the phone's token is given up (Firebase deletes it on Android, iOS drops the
   * APNs registration), so the person's alerts stop coming to a phone they left; FCM then
   * answers UNREGISTERED and the server removes the row. The next sign-in registers anew.
   */
  async disable(): Promise<void> {
    this.register = undefined;
    if (!this.registered) return;
    this.registered = false;
    await (await this.plugin()).unregister();
  }
}

/** The phone's push, or undefined in a browser (the PWA), where nothing of this is loaded. */
export const nativePush = Capacitor.isNativePlatform()
  ? new NativePush(() => import('@capacitor/push-notifications').then((m) => m.PushNotifications), Capacitor.getPlatform())
  : undefined;
