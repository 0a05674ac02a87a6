import { IonButton, IonItem, IonLabel, IonList, IonListHeader, IonNote, IonSpinner } from '@ionic/react';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../lib/backend.ts';
import type { Profile, TelegramLinkCode } from '../lib/dataApi.ts';
import { reportError, reportSuccess } from '../stores/notices.ts';
import { selectLanguage, usePreferences } from '../stores/preferences.ts';
import { useProfile } from '../stores/profile.ts';

/** The bot's username when the build names it (VITE_TELEGRAM_BOT): the code then opens the bot already filled in. */
const botName = import.meta.env.VITE_TELEGRAM_BOT;

/**
 * Telegram for alerts: linked by sending a one-time code to the bot (the bot's webhook links the
 * chat that sent it), never by typing a chat id; unlinked by the person.
 */
export function TelegramLink({ profile }: { profile: Profile }) {
  const { t } = useTranslation();
  const language = usePreferences(selectLanguage);
  const [code, setCode] = useState<TelegramLinkCode | null>(null);
  const [busy, setBusy] = useState(false);
  const [waiting, setWaiting] = useState(false);

  const run = async (work: () => Promise<void>) => {
    setBusy(true);
    try {
      await work();
    } catch (error) {
      reportError(error);
    } finally {
      setBusy(false);
    }
  };
  const getCode = () => run(async () => {
    setCode(await api().telegramLinkStart());
    setWaiting(false);
  });
  // The bot links the chat on its side: read the profile again to see it.
  const check = () => run(async () => {
    const fresh = await useProfile.getState().load(profile.userId);
    if (fresh?.telegramId) {
      setCode(null);
      reportSuccess('profile.telegram.linkedNow');
    } else {
      setWaiting(true);
    }
  });
  const unlink = () => run(async () => {
    await api().telegramUnlink();
    await useProfile.getState().load(profile.userId);
    reportSuccess('profile.telegram.unlinked');
  });
  const until = code
    ? new Intl.DateTimeFormat(language, { timeZone: profile.timeZone, hour: '2-digit', minute: '2-digit' }).format(new Date(code.expiresAt))
    : '';

  return (
    <IonList inset data-section="telegram">
      <IonListHeader>
        <IonLabel>{t('profile.telegram.title')}</IonLabel>
      </IonListHeader>
      {profile.telegramId ? (
        <IonItem>
          <IonLabel className="ion-text-wrap" data-telegram="linked">{t('profile.telegram.linked', { chat: profile.telegramId })}</IonLabel>
          <IonButton slot="end" fill="outline" color="danger" disabled={busy} onClick={() => void unlink()}>
            {t('profile.telegram.unlink')}
          </IonButton>
        </IonItem>
      ) : code ? (
        <IonItem>
          <IonLabel className="ion-text-wrap">
            <p>{t('profile.telegram.instruction')}</p>
            <p className="telegram-code" data-telegram="code">/start {code.code}</p>
            <IonNote>{t('profile.telegram.validUntil', { time: until, zone: profile.timeZone.replace(/_/g, ' ') })}</IonNote>
            {waiting ? <p role="status">{t('profile.telegram.stillWaiting')}</p> : null}
            <div className="button-row">
              {botName ? (
                <IonButton fill="outline" href={`https://t.me/${botName}?start=${code.code}`} target="_blank" rel="noopener">
                  {t('profile.telegram.openBot')}
                </IonButton>
              ) : null}
              <IonButton disabled={busy} onClick={() => void check()}>
                {busy ? <IonSpinner name="dots" aria-label={t('common.wait')} /> : t('profile.telegram.check')}
              </IonButton>
            </div>
          </IonLabel>
        </IonItem>
      ) : (
        <IonItem>
          <IonLabel className="ion-text-wrap" data-telegram="not-linked">{t('profile.telegram.notLinked')}</IonLabel>
          <IonButton slot="end" disabled={busy} onClick={() => void getCode()}>
            {t('profile.telegram.getCode')}
          </IonButton>
        </IonItem>
      )}
    </IonList>
  );
}
