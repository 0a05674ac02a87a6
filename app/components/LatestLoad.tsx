import { IonBadge, IonCard, IonCardContent, IonCardHeader, IonCardTitle, IonNote } from '@ionic/react';
import { useTranslation } from 'react-i18next';
import type { LoadOutline, LoadStatus } from '../lib/dataApi.ts';

interface LatestLoadProps {
  load: LoadOutline | null;
  /** Accepted and rejected rows, formatted. */
  accepted: string;
  rejected: string;
  /** When it finished (or started, while it runs), formatted. */
  when: string;
}

export const statusColours: Record<LoadStatus, string> = {
  pending: 'medium',
  running: 'primary',
  done: 'success',
  duplicate: 'medium',
  failed: 'danger',
  cancelled: 'medium',
  rolled_back: 'warning',
};

/** The newest upload of the workspace: its file, status, rows and time. */
export function LatestLoad({ load, accepted, rejected, when }: LatestLoadProps) {
  const { t } = useTranslation();
  return (
    <IonCard className="summary-card latest-load">
      <IonCardHeader>
        <IonCardTitle className="section-title">{t('summary.latestLoad')}</IonCardTitle>
      </IonCardHeader>
      <IonCardContent>
        {load ? (
          <>
            <div className="load-head">
              <span className="load-file">{load.fileName}</span>
              <IonBadge color={statusColours[load.status]} data-status={load.status}>
                {t(`loads.status.${load.status}`)}
              </IonBadge>
            </div>
            <div className="load-rows">
              {t('summary.loadRows', { accepted, rejected })}
              <span className="load-when">{when}</span>
            </div>
          </>
        ) : (
          <IonNote>{t('summary.noLoads')}</IonNote>
        )}
      </IonCardContent>
    </IonCard>
  );
}
