import { IonButton, IonCard, IonCardContent, IonCardHeader, IonCardTitle } from '@ionic/react';
import { useTranslation } from 'react-i18next';

interface LoadProblemProps {
  onRetry(): void;
}

/** In place of content that did not load; the toast has said why, this offers to try again. */
export function LoadProblem({ onRetry }: LoadProblemProps) {
  const { t } = useTranslation();
  return (
    <IonCard>
      <IonCardHeader>
        <IonCardTitle>{t('common.notLoaded')}</IonCardTitle>
      </IonCardHeader>
      <IonCardContent>
        <p>{t('common.notLoadedText')}</p>
        <IonButton fill="outline" onClick={onRetry}>
          {t('common.tryAgain')}
        </IonButton>
      </IonCardContent>
    </IonCard>
  );
}
