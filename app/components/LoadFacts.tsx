import { IonCard, IonCardContent, IonCardHeader, IonCardSubtitle, IonCardTitle, IonNote } from '@ionic/react';
import { useTranslation } from 'react-i18next';
import type { LoadRecord } from '../lib/uploads.ts';
import { LoadStatusBadge } from './LoadStatusBadge.tsx';

interface LoadFactsProps {
  load: LoadRecord;
  /** Formatted figures and words. */
  counts: { read: string; accepted: string; rejected: string; superseded: string };
  who: string;
  started: string;
  finished: string | null;
}

/** What a load did: its status, counters, who and when, and the server's summary of a failure. */
export function LoadFacts({ load, counts, who, started, finished }: LoadFactsProps) {
  const { t } = useTranslation();
  return (
    <IonCard className="load-facts" data-load-status={load.status}>
      <IonCardHeader>
        <IonCardTitle className="load-file">{load.fileName}</IonCardTitle>
        <IonCardSubtitle>
          <LoadStatusBadge status={load.status} /> {t(`upload.sources.${load.source}`)}
        </IonCardSubtitle>
      </IonCardHeader>
      <IonCardContent>
        <dl className="load-counts">
          {(['read', 'accepted', 'rejected', 'superseded'] as const).map((key) => (
            <div key={key} data-count={key}>
              <dt>{t(`loads.count.${key}`)}</dt>
              <dd>{counts[key]}</dd>
            </div>
          ))}
        </dl>
        <p>{t('loads.by', { who, started })}</p>
        {finished && <p>{t('loads.finished', { finished })}</p>}
        {load.errorSummary && (
          <IonNote color={load.status === 'failed' ? 'danger' : 'medium'} data-load="summary">
            {load.errorSummary}
          </IonNote>
        )}
      </IonCardContent>
    </IonCard>
  );
}
