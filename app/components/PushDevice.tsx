import { Capacitor } from '@capacitor/core';
import { IonButton, IonItem, IonLabel, IonList, IonListHeader, IonNote, IonSpinner, IonToggle } from '@ionic/react';
import { useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { backendClient, backendConfig } from '../lib/backend.ts';
import type { Profile } from '../lib/dataApi.ts';
import { createWebPushApi, PushSubscribeError, pushState, type PushDevice as Device, type PushState, type WebPushApi } from '../lib/webPush.ts';
import { selectReachable, useConnection } from '../stores/connection.ts';
import { reportError, reportSuccess, useNotices } from '../stores/notices.ts';
import { selectLanguage, usePreferences } from '../stores/preferences.ts';

/** The states that only explain (nothing to switch): why this browser cannot take notifications, and what to do. */
const explained: Partial<Record<PushState, string>> = {
  unsupported: 'push.unsupported',
  'ios-not-installed': 'push.iosNotInstalled',
  'not-configured': 'push.notConfigured',
  denied: 'push.denied',
};

interface View {
  state: PushState;
  thisEndpoint: string | null;
  devices: Device[] | 'failed';
}

/** This browser's state and the person's devices; a list that does not load (offline, API down) says so. */
async function readView(webPush: WebPushApi, vapidKey: string | undefined): Promise<View> {
  const state = await pushState(vapidKey).catch(() => 'unsupported' as const);
  const thisEndpoint = await webPush.thisEndpoint().catch(() => null);
  try {
    return { state, thisEndpoint, devices: await webPush.devices() };
  } catch (error) {
    reportError(error);
    return { state, thisEndpoint, devices: 'failed' };
  }
}

/**
 * "Notifications on this device": alerts as Web Push on this browser, with every state it can
 * be in explained (iOS allows push only in the app added to the Home Screen; a denied
 * permission is undone only in the browser's settings); and the person's devices, each removable.
 */
export function PushDevice({ profile }: { profile: Profile }) {
  const { t } = useTranslation();
  const language = usePreferences(selectLanguage);
  const reachable = useConnection(selectReachable);
  const webPush = useMemo(() => createWebPushApi(backendClient()), []);
  const vapidKey = backendConfig().vapidPublicKey;
  const [view, setView] = useState<View | null>(null);
  const [generation, setGeneration] = useState(0);
  const [busy, setBusy] = useState(false);
  const reload = () => setGeneration((g) => g + 1);

  useEffect(() => {
    let shown = true;
    void readView(webPush, vapidKey).then((read) => {
      if (shown) setView(read);
    });
    return () => {
      shown = false;
    };
  }, [webPush, vapidKey, generation]);
  const state = view?.state ?? null;
  const devices = view?.devices ?? null;
  const thisEndpoint = view?.thisEndpoint ?? null;

  const run = async (work: () => Promise<void>) => {
    setBusy(true);
    try {
      await work();
    } catch (error) {
      if (error instanceof PushSubscribeError) useNotices.getState().push({ key: 'push.subscribeFailed', values: { detail: error.message } }, 'error');
      else reportError(error);
    } finally {
      setBusy(false);
      reload();
    }
  };
  const turn = (on: boolean) => run(async () => {
    if (on && vapidKey) {
      const now = await webPush.turnOn(vapidKey);
      if (now === 'on') reportSuccess('push.turnedOn');
    } else if (!on) {
      await webPush.turnOff();
      reportSuccess('push.turnedOff');
    }
  });
  const remove = (device: Device) => run(async () => {
    // This browser's own subscription is ended too, not only its row.
    if (device.endpoint === thisEndpoint) await webPush.turnOff();
    else await webPush.removeDevice(device.id);
    reportSuccess('push.removed');
  });

  const zone = profile.timeZone.replace(/_/g, ' ');
  const when = (at: string) => t('push.at', {
    time: new Intl.DateTimeFormat(language, { timeZone: profile.timeZone, day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit' }).format(new Date(at)),
    zone,
  });
  const explanation = state ? explained[state] : undefined;

  return (
    <IonList inset data-section="push">
      <IonListHeader>
        <IonLabel>{t('push.title')}</IonLabel>
      </IonListHeader>
      {/* The native app's own push (FCM) is not Web Push: there only the list of devices is shown here. */}
      {Capacitor.isNativePlatform() ? null : state === null ? (
        <IonItem>
          <IonSpinner name="dots" aria-label={t('common.wait')} />
        </IonItem>
      ) : explanation ? (
        <IonItem>
          <IonLabel className="ion-text-wrap" data-push-state={state}>
            {t(`${explanation}.text`)}
            <ol className="push-steps">
              {(t(`${explanation}.steps`, { returnObjects: true }) as string[]).map((step) => <li key={step}>{step}</li>)}
            </ol>
          </IonLabel>
        </IonItem>
      ) : (
        <IonItem>
          <IonToggle
            checked={state === 'on'}
            disabled={busy || !reachable}
            data-push-state={state}
            onIonChange={(event) => void turn(event.detail.checked)}
          >
            <IonLabel className="ion-text-wrap">
              {t('push.toggle')}
              <IonNote className="push-hint">{t(state === 'on' ? 'push.onHint' : 'push.offHint')}</IonNote>
            </IonLabel>
          </IonToggle>
        </IonItem>
      )}
      <IonListHeader>
        <IonLabel>{t('push.devices')}</IonLabel>
      </IonListHeader>
      {devices === null ? null : devices === 'failed' ? (
        <IonItem>
          <IonLabel className="ion-text-wrap">{t('push.devicesNotLoaded')}</IonLabel>
          <IonButton slot="end" fill="outline" onClick={reload}>
            {t('common.tryAgain')}
          </IonButton>
        </IonItem>
      ) : devices.length === 0 ? (
        <IonItem>
          <IonLabel className="ion-text-wrap" data-push-devices="none">{t('push.noDevices')}</IonLabel>
        </IonItem>
      ) : (
        devices.map((device) => {
          const name = device.deviceName ?? t(`push.platform.${device.platform}`);
          return (
            <IonItem key={device.id} data-push-device={device.kind}>
              <IonLabel className="ion-text-wrap">
                <h3>
                  {name}
                  {device.endpoint === thisEndpoint ? ` · ${t('push.thisDevice')}` : ''}
                </h3>
                <p>{device.lastSentAt ? t('push.lastSent', { at: when(device.lastSentAt) }) : t('push.neverSent', { at: when(device.createdAt) })}</p>
              </IonLabel>
              <IonButton slot="end" fill="outline" color="danger" disabled={busy || !reachable} aria-label={t('push.removeDevice', { name })} onClick={() => void remove(device)}>
                {t('push.remove')}
              </IonButton>
            </IonItem>
          );
        })
      )}
    </IonList>
  );
}
