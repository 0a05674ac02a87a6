import { IonButton, IonInput, IonItem, IonList, IonSpinner, IonTextarea } from '@ionic/react';
import { useTranslation } from 'react-i18next';
import type { CapPolicy } from '../lib/offersApi.ts';
import { capDraftOf, capEventTypes, capPeriods, nameMaxLength, readCapDraft, type CapDraft, type CapRow } from '../lib/policies.ts';
import type { Problems } from '../lib/offersTerms.ts';
import { usePolicyDraft } from './usePolicyDraft.ts';

interface PolicyCapFormProps {
  /** The policy being changed; null: a new one. */
  policy: CapPolicy | null;
  busy: boolean;
  /** What the server refused, by field (the name taken). */
  refused: Problems;
  onSubmit(row: CapRow): void;
}

/** A cap policy's fields: name, the limit, its period, the conversion it counts, notes. */
export function PolicyCapForm({ policy, busy, refused, onSubmit }: PolicyCapFormProps) {
  const { t } = useTranslation();
  const { draft, setDraft, submit, invalid } = usePolicyDraft<CapDraft, CapRow>(() => capDraftOf(policy), readCapDraft, refused, onSubmit);
  const choice = (field: 'period' | 'eventType', options: readonly string[], label: (o: string) => string) => (
    <IonItem>
      <label className="item-block">
        <span className="field-label">{t(`offers.policies.caps.${field}`)}</span>
        <select className="offer-select" name={field} value={draft[field]} onChange={(e) => setDraft({ ...draft, [field]: e.target.value })}>
          {options.map((o) => (
            <option key={o} value={o}>
              {label(o)}
            </option>
          ))}
        </select>
      </label>
    </IonItem>
  );

  return (
    <form onSubmit={submit} noValidate data-form="cap-policy">
      <IonList inset>
        <IonItem>
          <IonInput name="name" label={t('offers.policies.name')} labelPlacement="stacked" maxlength={nameMaxLength} value={draft.name} {...invalid('name')} onIonInput={(e) => setDraft({ ...draft, name: e.detail.value ?? '' })} />
        </IonItem>
        <IonItem>
          <IonInput
            name="capLimit"
            label={t('offers.policies.caps.capLimit')}
            labelPlacement="stacked"
            inputmode="numeric"
            helperText={t('offers.policies.caps.capLimitHelp')}
            value={draft.capLimit}
            {...invalid('capLimit')}
            onIonInput={(e) => setDraft({ ...draft, capLimit: e.detail.value ?? '' })}
          />
        </IonItem>
        {choice('period', capPeriods, (p) => t(`offers.policies.caps.periodName.${p}`))}
        {choice('eventType', capEventTypes, (e) => t(`offers.policies.caps.eventName.${e}`))}
        <IonItem>
          <IonTextarea name="notes" label={t('offers.fields.notes')} labelPlacement="stacked" autoGrow value={draft.notes} {...invalid('notes')} onIonInput={(e) => setDraft({ ...draft, notes: e.detail.value ?? '' })} />
        </IonItem>
      </IonList>
      <div className="ion-padding-horizontal">
        <IonButton type="submit" expand="block" disabled={busy}>
          {busy ? <IonSpinner name="dots" aria-label={t('common.wait')} /> : t('offers.policies.save')}
        </IonButton>
      </div>
    </form>
  );
}
