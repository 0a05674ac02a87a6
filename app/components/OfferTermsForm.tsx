import { IonButton, IonSpinner, IonText } from '@ionic/react';
import { useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { UserMessage } from '../lib/errors.ts';
import type { TermsDraft } from '../lib/offersTerms.ts';
import type { PolicyEditing, PolicyKind, PolicyRow, PolicySaveOutcome } from '../lib/policies.ts';
import { PolicyEditor } from './PolicyEditor.tsx';

/** The draft field a policy of `kind` is chosen in. */
const policyField = (kind: PolicyKind): 'kpiPolicyId' | 'capPolicyId' => (kind === 'kpi' ? 'kpiPolicyId' : 'capPolicyId');

/**
 * "New" beside a terms form's policy pickers: the editor for a new policy, which the form then
 * chooses. The editor is rendered outside the form (it has a form of its own).
 */
export function usePolicyCreation(
  onCreatePolicy: ((policy: PolicyRow) => Promise<PolicySaveOutcome>) | undefined,
  busy: boolean,
  choose: (changes: Partial<TermsDraft>) => void,
): { onNewPolicy?: (kind: PolicyKind) => void; editor: ReactNode } {
  const [creating, setCreating] = useState<PolicyEditing | null>(null);
  if (!onCreatePolicy) return { editor: null };
  return {
    onNewPolicy: (kind) => setCreating({ kind, policy: null }),
    editor: (
      <PolicyEditor
        editing={creating}
        uses={[]}
        busy={busy}
        onSave={(_, policy) => onCreatePolicy(policy)}
        onSaved={(id) => {
          if (creating) choose({ [policyField(creating.kind)]: id });
          setCreating(null);
        }}
        onClose={() => setCreating(null)}
      />
    ),
  };
}

interface TermsFormSubmitProps {
  /** What the server refused, shown above the button. */
  problem: UserMessage | null;
  busy: boolean;
  label: string;
}

/** The end of a terms form: the server's refusal, if any, and the submit button. */
export function TermsFormSubmit({ problem, busy, label }: TermsFormSubmitProps) {
  const { t } = useTranslation();
  return (
    <div className="ion-padding-horizontal">
      {problem && (
        <IonText color="danger">
          <p className="offer-form-problem" role="alert" data-problem={problem.key}>
            {t(problem.key, problem.values)}
          </p>
        </IonText>
      )}
      <IonButton type="submit" expand="block" disabled={busy}>
        {busy ? <IonSpinner name="dots" aria-label={t('common.wait')} /> : label}
      </IonButton>
    </div>
  );
}
