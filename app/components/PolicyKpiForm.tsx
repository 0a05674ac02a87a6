import { IonButton, IonIcon, IonInput, IonItem, IonList, IonListHeader, IonSpinner, IonTextarea } from '@ionic/react';
import { addOutline, closeOutline } from 'ionicons/icons';
import { useTranslation } from 'react-i18next';
import type { KpiPolicy } from '../lib/offersApi.ts';
import type { Problems } from '../lib/offersTerms.ts';
import { kpiDraftOf, knownRequirements, nameMaxLength, readKpiDraft, requirementUnit, type KpiDraft, type KpiRow, type RequirementDraft } from '../lib/policies.ts';
import { usePolicyDraft } from './usePolicyDraft.ts';

interface PolicyKpiFormProps {
  /** The policy being changed; null: a new one. */
  policy: KpiPolicy | null;
  busy: boolean;
  /** What the server refused, by field (the name taken). */
  refused: Problems;
  onSubmit(row: KpiRow): void;
}

const custom = '';

/** A KPI policy's fields: name, description and its requirements, each a threshold. */
export function PolicyKpiForm({ policy, busy, refused, onSubmit }: PolicyKpiFormProps) {
  const { t } = useTranslation();
  const { draft, setDraft, submit, invalid } = usePolicyDraft<KpiDraft, KpiRow>(() => kpiDraftOf(policy), readKpiDraft, refused, onSubmit);
  const change = (i: number, changes: Partial<RequirementDraft>) => setDraft({ ...draft, requirements: draft.requirements.map((r, j) => (j === i ? { ...r, ...changes } : r)) });

  const requirement = (r: RequirementDraft, i: number) => {
    const unit = requirementUnit(r.key.trim());
    return (
      <div key={i} className="policy-field-row policy-requirement" data-requirement={i}>
        <IonItem>
          <label className="item-block">
            <span className="field-label">{t('offers.policies.kpi.requirement')}</span>
            <select className="offer-select" name={`requirements.${i}.kind`} value={unit === 'custom' ? custom : r.key.trim()} onChange={(e) => change(i, { key: e.target.value })}>
              {Object.keys(knownRequirements).map((key) => (
                <option key={key} value={key}>
                  {t(`offers.policy.kpi.requirement.${key}`)}
                </option>
              ))}
              <option value={custom}>{t('offers.policies.kpi.customKey')}</option>
            </select>
            {unit === 'custom' && (
              <IonInput name={`requirements.${i}.key`} aria-label={t('offers.policies.kpi.key')} placeholder="min_ctr" value={r.key} {...invalid(`requirements.${i}.key`)} onIonInput={(e) => change(i, { key: e.detail.value ?? '' })} />
            )}
          </label>
        </IonItem>
        <IonItem>
          <IonInput
            name={`requirements.${i}.value`}
            label={t(`offers.policies.kpi.unit.${unit}`)}
            labelPlacement="stacked"
            inputmode={unit === 'custom' ? 'text' : 'decimal'}
            value={r.value}
            {...invalid(`requirements.${i}.value`)}
            onIonInput={(e) => change(i, { value: e.detail.value ?? '' })}
          />
        </IonItem>
        <IonButton fill="clear" data-action="remove-requirement" aria-label={t('offers.policies.kpi.remove')} onClick={() => setDraft({ ...draft, requirements: draft.requirements.filter((_, j) => j !== i) })}>
          <IonIcon icon={closeOutline} slot="icon-only" aria-hidden="true" />
        </IonButton>
      </div>
    );
  };

  return (
    <form onSubmit={submit} noValidate data-form="kpi-policy">
      <IonList inset>
        <IonItem>
          <IonInput name="name" label={t('offers.policies.name')} labelPlacement="stacked" maxlength={nameMaxLength} value={draft.name} {...invalid('name')} onIonInput={(e) => setDraft({ ...draft, name: e.detail.value ?? '' })} />
        </IonItem>
        <IonItem>
          <IonTextarea name="description" label={t('offers.policy.kpi.description')} labelPlacement="stacked" autoGrow value={draft.description} {...invalid('description')} onIonInput={(e) => setDraft({ ...draft, description: e.detail.value ?? '' })} />
        </IonItem>
      </IonList>
      <IonList inset>
        <IonListHeader>{t('offers.policy.kpi.requirements')}</IonListHeader>
        {draft.requirements.map(requirement)}
        <IonButton fill="clear" size="small" data-action="add-requirement" onClick={() => setDraft({ ...draft, requirements: [...draft.requirements, { key: 'min_deposit', value: '' }] })}>
          <IonIcon icon={addOutline} slot="start" aria-hidden="true" />
          {t('offers.policies.kpi.add')}
        </IonButton>
      </IonList>
      <div className="ion-padding-horizontal">
        <IonButton type="submit" expand="block" disabled={busy}>
          {busy ? <IonSpinner name="dots" aria-label={t('common.wait')} /> : t('offers.policies.save')}
        </IonButton>
      </div>
    </form>
  );
}
