import { IonButton, IonButtons, IonContent, IonHeader, IonModal, IonText, IonTitle, IonToolbar } from '@ionic/react';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { UserMessage } from '../lib/errors.ts';
import { useConnection } from '../stores/connection.ts';
import type { Problems } from '../lib/offersTerms.ts';
import type { PolicyEditing, PolicyRow, PolicySaveOutcome, PolicyUse } from '../lib/policies.ts';
import { PolicyCapForm } from './PolicyCapForm.tsx';
import { PolicyKpiForm } from './PolicyKpiForm.tsx';

interface PolicyEditorProps {
  /** Null: closed. */
  editing: PolicyEditing | null;
  /** The offers whose terms use the policy being changed. */
  uses: PolicyUse[];
  busy: boolean;
  onSave(policyId: string | null, policy: PolicyRow): Promise<PolicySaveOutcome>;
  onSaved(policyId: string): void;
  onClose(): void;
}

/**
 * Adds or changes a KPI or cap policy in a modal. Policies are not versioned: a change applies
 * to every offer using the policy at once, which the editor says, naming the offers.
 */
export function PolicyEditor({ editing, uses, busy, onSave, onSaved, onClose }: PolicyEditorProps) {
  const { t } = useTranslation();
  const [refused, setRefused] = useState<{ fields: Problems; message: UserMessage | null }>({ fields: {}, message: null });
  const [saving, setSaving] = useState(false);
  const kind = editing?.kind ?? 'kpi';
  const policyId = editing?.policy?.id ?? null;

  const close = () => {
    setRefused({ fields: {}, message: null });
    onClose();
  };
  const save = async (policy: PolicyRow) => {
    // Offline the form keeps what was typed and says why it cannot be saved now: nothing is queued.
    const offline = { fields: {}, message: { key: 'offers.policies.errors.offline' } };
    if (!useConnection.getState().reachable) {
      setRefused(offline);
      return;
    }
    setRefused({ fields: {}, message: null });
    setSaving(true);
    const outcome = await onSave(policyId, policy).finally(() => setSaving(false));
    if ('id' in outcome) onSaved(outcome.id);
    else if ('field' in outcome) setRefused({ fields: { [outcome.field]: outcome.key }, message: null });
    else if (outcome.message.key === 'errors.network') setRefused(offline);
    else setRefused({ fields: {}, message: outcome.message });
  };
  const inForce = uses.filter((u) => u.inForce).length;

  return (
    <IonModal isOpen={editing !== null} onDidDismiss={close} data-modal="policy" data-kind={kind} aria-label={t(`offers.policies.${kind}.${policyId ? 'edit' : 'new'}`)}>
      <IonHeader>
        <IonToolbar>
          <IonTitle>{t(`offers.policies.${kind}.${policyId ? 'edit' : 'new'}`)}</IonTitle>
          <IonButtons slot="end">
            <IonButton onClick={close}>{t('common.close')}</IonButton>
          </IonButtons>
        </IonToolbar>
      </IonHeader>
      <IonContent>
        {policyId && (
          <p className="ion-padding-horizontal hint" data-policy-warning={uses.length ? 'shared' : 'unused'}>
            {uses.length
              ? t('offers.policies.sharedWarning', { offers: uses.map((u) => u.code).join(', '), total: uses.length, inForce })
              : t('offers.policies.unusedNote')}
          </p>
        )}
        {refused.message && (
          <IonText color="danger">
            <p className="ion-padding-horizontal offer-form-problem" role="alert" data-problem={refused.message.key}>
              {t(refused.message.key, refused.message.values)}
            </p>
          </IonText>
        )}
        {editing?.kind === 'caps' && <PolicyCapForm key={policyId ?? 'new'} policy={editing.policy} busy={busy || saving} refused={refused.fields} onSubmit={(row) => void save({ kind: 'caps', row })} />}
        {editing?.kind === 'kpi' && <PolicyKpiForm key={policyId ?? 'new'} policy={editing.policy} busy={busy || saving} refused={refused.fields} onSubmit={(row) => void save({ kind: 'kpi', row })} />}
      </IonContent>
    </IonModal>
  );
}
