import { IonButton, IonButtons, IonContent, IonHeader, IonInput, IonModal, IonNote, IonSegment, IonSegmentButton, IonLabel, IonTextarea, IonTitle, IonToolbar } from '@ionic/react';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { checkCapAction, type CapActionKind, type CapRow } from '../lib/caps.ts';
import type { UserMessage } from '../lib/errors.ts';

interface CapActionFormProps {
  /** The cap acted on; null closes the form. */
  cap: (Pick<CapRow, 'capLimit' | 'effectiveLimit' | 'status'> & { title: string }) | null;
  busy: boolean;
  /** Resolves with the refusal, or null when it was done (the form closes). */
  onSubmit(action: CapActionKind, reason: string, newLimit: number | null): Promise<UserMessage | null>;
  onClose(): void;
}

/** Raise for this period, reset, pause or resume a cap, each with the reason why. */
export function CapActionForm({ cap, busy, onSubmit, onClose }: CapActionFormProps) {
  const { t } = useTranslation();
  const [action, setAction] = useState<CapActionKind>('raise');
  const [reason, setReason] = useState('');
  const [newLimit, setNewLimit] = useState('');
  const [problem, setProblem] = useState<UserMessage | null>(null);
  const choices: CapActionKind[] = cap ? ['raise', ...(cap.effectiveLimit > cap.capLimit ? (['reset'] as const) : []), cap.status === 'paused' ? 'resume' : 'pause'] : [];

  const close = () => {
    setReason('');
    setNewLimit('');
    setProblem(null);
    setAction('raise');
    onClose();
  };
  const submit = async () => {
    if (!cap) return;
    const invalid = checkCapAction(action, reason, newLimit, cap);
    if (invalid) return setProblem(invalid);
    const refusal = await onSubmit(action, reason, action === 'raise' ? Number(newLimit) : null);
    if (refusal) setProblem(refusal);
    else close();
  };

  return (
    <IonModal isOpen={cap !== null} onDidDismiss={close} data-modal="cap-action">
      <IonHeader>
        <IonToolbar>
          <IonTitle>{cap?.title}</IonTitle>
          <IonButtons slot="end">
            <IonButton onClick={close}>{t('common.cancel')}</IonButton>
          </IonButtons>
        </IonToolbar>
      </IonHeader>
      <IonContent className="ion-padding">
        <IonSegment value={choices.includes(action) ? action : 'raise'} onIonChange={(e) => setAction(choices.find((c) => c === e.detail.value) ?? 'raise')} aria-label={t('caps.actions.choose')}>
          {choices.map((c) => (
            <IonSegmentButton key={c} value={c} data-cap-action={c}>
              <IonLabel>{t(`caps.actions.${c}`)}</IonLabel>
            </IonSegmentButton>
          ))}
        </IonSegment>
        <p className="hint">{t(`caps.actions.${action}Hint`, { limit: cap?.capLimit ?? '' })}</p>
        {action === 'raise' && (
          <IonInput label={t('caps.actions.newLimit')} labelPlacement="stacked" type="number" inputmode="numeric" min={(cap?.capLimit ?? 0) + 1} value={newLimit} name="newLimit" onIonInput={(e) => setNewLimit(String(e.detail.value ?? ''))} />
        )}
        <IonTextarea label={t('caps.actions.reason')} labelPlacement="stacked" autoGrow value={reason} name="reason" maxlength={1000} onIonInput={(e) => setReason(String(e.detail.value ?? ''))} />
        {problem && (
          <IonNote color="danger" role="alert" data-cap-problem>
            {t(problem.key, problem.values)}
          </IonNote>
        )}
        <IonButton expand="block" disabled={busy} onClick={() => void submit()} data-action="submit-cap-action">
          {t(`caps.actions.${action}`)}
        </IonButton>
      </IonContent>
    </IonModal>
  );
}
