import { IonBadge, IonIcon, IonItem, IonLabel, IonList } from '@ionic/react';
import { checkmarkCircle, ellipseOutline } from 'ionicons/icons';
import { useTranslation } from 'react-i18next';
import type { Membership } from '../lib/dataApi.ts';

interface WorkspaceListProps {
  memberships: Membership[];
  currentId: string | null;
  onChoose(workspaceId: string): void;
}

/** The person's workspaces with their role in each; the chosen one is marked. */
export function WorkspaceList({ memberships, currentId, onChoose }: WorkspaceListProps) {
  const { t } = useTranslation();
  return (
    <IonList inset role="radiogroup" aria-label={t('workspaces.title')}>
      {memberships.map((m) => {
        const current = m.workspaceId === currentId;
        return (
          <IonItem key={m.workspaceId} button detail={false} role="radio" aria-checked={current} onClick={() => onChoose(m.workspaceId)}>
            <IonIcon slot="start" icon={current ? checkmarkCircle : ellipseOutline} color={current ? 'primary' : 'medium'} aria-hidden="true" />
            <IonLabel>
              <h2>{m.workspaceName}</h2>
              <p>{t('workspaces.currency', { currency: m.baseCurrency })}</p>
            </IonLabel>
            <IonBadge slot="end" color={m.role === 'admin' ? 'primary' : 'medium'}>
              {t(`roles.${m.role}`)}
            </IonBadge>
          </IonItem>
        );
      })}
    </IonList>
  );
}
