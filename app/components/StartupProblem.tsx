import { IonApp, IonButton, IonContent } from '@ionic/react';
import { useTranslation } from 'react-i18next';
import { AuthCard } from './AuthCard.tsx';

interface StartupProblemProps {
  detail: string;
  onRetry(): void;
}

/** Instead of the app when it cannot learn where its backend is (no /config.json, no VITE_ variables). */
export function StartupProblem({ detail, onRetry }: StartupProblemProps) {
  const { t } = useTranslation();
  return (
    <IonApp>
      <IonContent className="ion-padding">
        <AuthCard title={t('startup.title')} subtitle={t('startup.text')}>
          <p className="startup-detail">{detail}</p>
          <IonButton expand="block" onClick={onRetry}>
            {t('common.tryAgain')}
          </IonButton>
        </AuthCard>
      </IonContent>
    </IonApp>
  );
}
