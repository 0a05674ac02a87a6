import { IonButton, IonCard, IonCardContent, IonProgressBar } from '@ionic/react';
import { useTranslation } from 'react-i18next';
import type { LoadStatus } from '../lib/dataApi.ts';
import { LoadStatusBadge } from './LoadStatusBadge.tsx';

interface UploadProgressProps {
  fileName: string;
  status: LoadStatus | null;
  phase: string | null;
  /** 0…1, or null while it cannot be told (merging, or before the server reports). */
  fraction: number | null;
  read: string;
  accepted: string;
  rejected: string;
  canCancel: boolean;
  cancelling: boolean;
  onCancel(): void;
}

/** A load on its way: the server's counters live, and the Cancel button. */
export function UploadProgress({ fileName, status, phase, fraction, read, accepted, rejected, canCancel, cancelling, onCancel }: UploadProgressProps) {
  const { t } = useTranslation();
  return (
    <IonCard className="upload-progress" data-upload="progress" data-status={status ?? 'sending'}>
      <IonCardContent>
        <div className="load-head">
          <span className="load-file">{fileName}</span>
          {status ? <LoadStatusBadge status={status} /> : null}
        </div>
        <IonProgressBar type={fraction === null ? 'indeterminate' : 'determinate'} value={fraction ?? 0} />
        <p className="upload-phase" data-phase={phase ?? ''}>
          {t(`upload.phase.${phase ?? (status ? 'waiting' : 'sending')}`, { defaultValue: phase ?? '' })}
        </p>
        <p className="upload-counts" data-upload="counts">
          {t('upload.counts', { read, accepted, rejected })}
        </p>
        <IonButton color="medium" fill="outline" disabled={!canCancel || cancelling} onClick={onCancel} data-action="cancel-upload">
          {cancelling ? t('upload.cancelling') : t('common.cancel')}
        </IonButton>
      </IonCardContent>
    </IonCard>
  );
}
