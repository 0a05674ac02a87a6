import { IonCard, IonCardContent, IonCardHeader, IonCardTitle, IonIcon, IonItem, IonLabel, IonList } from '@ionic/react';
import { cloudUploadOutline, mailOpenOutline } from 'ionicons/icons';
import { useTranslation } from 'react-i18next';
import type { Membership } from '../lib/dataApi.ts';

interface NoDataYetProps {
  workspace: Membership | undefined;
}

/**
 * What the summary shows before the first upload: no numbers, since there are none yet,
 * and what will appear once spend and conversions arrive.
 */
export function NoDataYet({ workspace }: NoDataYetProps) {
  const { t } = useTranslation();
  if (!workspace) {
    return (
      <IonCard>
        <IonCardHeader>
          <IonIcon icon={mailOpenOutline} className="card-icon" aria-hidden="true" />
          <IonCardTitle>{t('summary.noWorkspaceTitle')}</IonCardTitle>
        </IonCardHeader>
        <IonCardContent>{t('summary.noWorkspaceText')}</IonCardContent>
      </IonCard>
    );
  }
  return (
    <IonCard>
      <IonCardHeader>
        <IonIcon icon={cloudUploadOutline} className="card-icon" aria-hidden="true" />
        <IonCardTitle>{t('summary.emptyTitle')}</IonCardTitle>
      </IonCardHeader>
      <IonCardContent>
        <p>{t('summary.emptyText', { workspace: workspace.workspaceName })}</p>
        <IonList lines="none" className="upcoming">
          {(['roi', 'pnl'] as const).map((item) => (
            <IonItem key={item}>
              <IonLabel className="ion-text-wrap">
                <h3>{t(`summary.upcoming.${item}.title`)}</h3>
                <p>{t(`summary.upcoming.${item}.text`, { currency: workspace.baseCurrency })}</p>
              </IonLabel>
            </IonItem>
          ))}
        </IonList>
      </IonCardContent>
    </IonCard>
  );
}
