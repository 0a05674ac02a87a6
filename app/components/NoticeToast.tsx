import { useIonToast } from '@ionic/react';
import { alertCircleOutline, checkmarkCircleOutline } from 'ionicons/icons';
import { useEffect, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import type { Notice } from '../stores/notices.ts';

interface NoticeToastProps {
  notice: Notice | undefined;
  onDismiss(id: number): void;
}

/**
 * Shows one notice at a time; errors stay 8 s or until closed, successes fade sooner.
 * Each notice is presented through Ionic's toast controller: an inline toast remounted per
 * notice would be torn out of the DOM by React while Ionic still holds it. A notice the store
 * drops while it is on screen (cleared by a sign-in that worked) leaves the screen too.
 */
export function NoticeToast({ notice, onDismiss }: NoticeToastProps) {
  const { t } = useTranslation();
  const [present, dismiss] = useIonToast();
  const presented = useRef<number | null>(null);
  /** The notice whose toast is on screen, until Ionic says it left. */
  const open = useRef<number | null>(null);

  useEffect(() => {
    if (open.current !== null && open.current !== notice?.id) {
      open.current = null;
      void dismiss().catch(() => undefined);
    }
    if (!notice || presented.current === notice.id) return;
    presented.current = notice.id;
    open.current = notice.id;
    const error = notice.tone === 'error';
    void present({
      message: t(notice.message.key, notice.message.values),
      icon: error ? alertCircleOutline : checkmarkCircleOutline,
      color: error ? 'danger' : 'success',
      duration: error ? 8_000 : 2_500,
      position: 'top',
      swipeGesture: 'vertical',
      buttons: [{ text: t('common.close'), role: 'cancel' }],
      onDidDismiss: () => {
        if (open.current === notice.id) open.current = null;
        onDismiss(notice.id);
      },
    });
  }, [notice, onDismiss, present, dismiss, t]);

  return null;
}
