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
 * notice would be torn out of the DOM by React while Ionic still holds it.
 */
export function NoticeToast({ notice, onDismiss }: NoticeToastProps) {
  const { t } = useTranslation();
  const [present] = useIonToast();
  const presented = useRef<number | null>(null);

  useEffect(() => {
    if (!notice || presented.current === notice.id) return;
    presented.current = notice.id;
    const error = notice.tone === 'error';
    void present({
      message: t(notice.message.key, notice.message.values),
      icon: error ? alertCircleOutline : checkmarkCircleOutline,
      color: error ? 'danger' : 'success',
      duration: error ? 8_000 : 2_500,
      position: 'top',
      swipeGesture: 'vertical',
      buttons: [{ text: t('common.close'), role: 'cancel' }],
      onDidDismiss: () => onDismiss(notice.id),
    });
  }, [notice, onDismiss, present, t]);

  return null;
}
