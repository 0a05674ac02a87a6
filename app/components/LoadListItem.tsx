import { IonItem, IonLabel, IonNote } from '@ionic/react';
import { useTranslation } from 'react-i18next';
import type { LoadRecord } from '../lib/uploads.ts';
import { LoadStatusBadge } from './LoadStatusBadge.tsx';

interface LoadListItemProps {
  load: LoadRecord;
  /** Who uploaded it, when, and its counts, formatted. */
  who: string;
  when: string;
  accepted: string;
  rejected: string;
}

/** One upload in the history, opening its details. */
export function LoadListItem({ load, who, when, accepted, rejected }: LoadListItemProps) {
  const { t } = useTranslation();
  return (
    <IonItem routerLink={`/app/loads/${load.id}`} detail data-load={load.id} data-file={load.fileName}>
      <IonLabel>
        <h3 className="load-file">{load.fileName}</h3>
        <p>{t('loads.rows', { accepted, rejected })}</p>
        <p>
          {when} · {who}
        </p>
      </IonLabel>
      <IonNote slot="end">
        <LoadStatusBadge status={load.status} />
      </IonNote>
    </IonItem>
  );
}
