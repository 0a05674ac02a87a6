import { IonCard, IonCardContent, IonSkeletonText } from '@ionic/react';
import { useTranslation } from 'react-i18next';

/** Where the summary's figures will be, while they load. */
export function SummarySkeleton() {
  const { t } = useTranslation();
  return (
    <div aria-busy="true" aria-label={t('common.wait')} className="summary-skeleton">
      <div className="kpi-grid">
        {['spend', 'revenue', 'profit', 'roi', 'ftds'].map((metric) => (
          <div key={metric} className="kpi-card">
            <IonSkeletonText animated style={{ width: '50%' }} />
            <IonSkeletonText animated style={{ width: '80%', height: '24px' }} />
            <IonSkeletonText animated style={{ width: '40%' }} />
          </div>
        ))}
      </div>
      <IonCard className="summary-card">
        <IonCardContent>
          {[1, 2, 3].map((line) => (
            <IonSkeletonText key={line} animated style={{ width: `${90 - line * 10}%` }} />
          ))}
        </IonCardContent>
      </IonCard>
    </div>
  );
}
