import { IonButton, IonCard, IonCardContent, IonNote, IonProgressBar } from '@ionic/react';
import { useTranslation } from 'react-i18next';
import type { LoadStatus } from '../lib/dataApi.ts';
import { LoadStatusBadge } from './LoadStatusBadge.tsx';

interface UploadProgressProps {
  fileName: string;
  /** sending: the file goes to Storage; processing: the server loads it; interrupted: sending stopped. */
  stage: 'sending' | 'processing' | 'interrupted';
  /** The load's status once the server works on it (null while the file is being sent). */
  status: LoadStatus | null;
  /** What happens now, a key under upload.phase (parsing, merging…), or null when nothing is said. */
  phase: string | null;
  /** 0…1, or null while it cannot be told (merging, or before the server reports). */
  fraction: number | null;
  /** Bytes of the file Storage has (data-sent: a string, as Ionic's wrappers set other values as properties). */
  sentBytes: number | null;
  /** Formatted lines: what was sent, the server's counters, and a note (resumed from…, why it stopped). */
  sent: string | null;
  counts: string | null;
  notes: string[];
  canCancel: boolean;
  cancelling: boolean;
  onCancel(): void;
  /** Offered when sending stopped: continue from where Storage stopped. */
  onResume: (() => void) | null;
}

/** A load on its way: the file's bytes going to Storage, then the server's counters live; Cancel, and Resume after an interruption. */
export function UploadProgress(props: UploadProgressProps) {
  const { fileName, stage, status, phase, fraction, sentBytes, sent, counts, notes, canCancel, cancelling, onCancel, onResume } = props;
  const { t } = useTranslation();
  return (
    <IonCard className="upload-progress" data-upload="progress" data-stage={stage} data-status={status ?? 'sending'} data-sent={sentBytes === null ? '' : String(sentBytes)}>
      <IonCardContent>
        <div className="load-head">
          <span className="load-file">{fileName}</span>
          {status ? <LoadStatusBadge status={status} /> : null}
        </div>
        <IonProgressBar
          type={fraction === null ? 'indeterminate' : 'determinate'}
          value={fraction ?? 0}
          aria-label={t('upload.progressLabel', { file: fileName })}
          aria-valuetext={sent ?? undefined}
        />
        {phase && (
          <p className="upload-phase" data-phase={phase}>
            {t(`upload.phase.${phase}`, { defaultValue: phase })}
          </p>
        )}
        {sent && (
          <p className="upload-sent" data-upload="sent">
            {sent}
          </p>
        )}
        {counts && (
          <p className="upload-counts" data-upload="counts">
            {counts}
          </p>
        )}
        {notes.map((note) => (
          <IonNote key={note} className="upload-note" color={stage === 'interrupted' ? undefined : 'medium'} data-upload="note">
            {note}
          </IonNote>
        ))}
        <div className="upload-progress-actions">
          {onResume && (
            <IonButton onClick={onResume} data-action="resume-upload">
              {t('upload.resume')}
            </IonButton>
          )}
          {(canCancel || cancelling) && (
            <IonButton color="medium" fill="outline" disabled={cancelling} onClick={onCancel} data-action="cancel-upload">
              {cancelling ? t('upload.cancelling') : t('common.cancel')}
            </IonButton>
          )}
        </div>
      </IonCardContent>
    </IonCard>
  );
}
