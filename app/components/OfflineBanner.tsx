import { IonButton, IonIcon } from '@ionic/react';
import { cloudOfflineOutline } from 'ionicons/icons';
import { useTranslation } from 'react-i18next';

interface OfflineBannerProps {
  visible: boolean;
  onRetry(): void;
}

/** A strip above the app while the backend is unreachable; it goes away by itself once it is back. */
export function OfflineBanner({ visible, onRetry }: OfflineBannerProps) {
  const { t } = useTranslation();
  if (!visible) return null;
  return (
    <div className="offline-banner" role="status" aria-live="polite">
      <IonIcon icon={cloudOfflineOutline} aria-hidden="true" />
      <span>{t('offline.message')}</span>
      <IonButton size="small" fill="clear" color="light" onClick={onRetry}>
        {t('offline.retry')}
      </IonButton>
    </div>
  );
}
