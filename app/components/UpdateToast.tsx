import { IonToast } from '@ionic/react';
import { useTranslation } from 'react-i18next';

interface UpdateToastProps {
  open: boolean;
  onReload(): void;
  onLater(): void;
}

/** Offers the new version of the app that the service worker has installed and holds waiting. */
export function UpdateToast({ open, onReload, onLater }: UpdateToastProps) {
  const { t } = useTranslation();
  return (
    <IonToast
      isOpen={open}
      message={t('update.message')}
      position="bottom"
      buttons={[
        { text: t('update.reload'), role: 'reload', handler: onReload },
        { text: t('update.later'), role: 'cancel' },
      ]}
      onDidDismiss={(e) => e.detail.role !== 'reload' && onLater()}
    />
  );
}
