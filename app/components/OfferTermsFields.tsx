import { IonInput, IonItem, IonTextarea } from '@ionic/react';
import type { ComponentProps } from 'react';
import { useTranslation } from 'react-i18next';
import type { CapPolicy, KpiPolicy } from '../lib/offersApi.ts';
import type { Problems, TermsDraft } from '../lib/offersTerms.ts';

interface OfferTermsFieldsProps {
  draft: TermsDraft;
  problems: Problems;
  kpiPolicies: KpiPolicy[];
  capPolicies: CapPolicy[];
  /** Ask why the terms change in the past (the start is before now). */
  askReason: boolean;
  /** The i18n key of the hint under the start. */
  startHint: string;
  onChange(changes: Partial<TermsDraft>): void;
}

type TextField = 'validFrom' | 'geos' | 'rate' | 'currency' | 'landingType' | 'approach';

/** The fields of one version of terms, for a new offer and for a new version. */
export function OfferTermsFields({ draft, problems, kpiPolicies, capPolicies, askReason, startHint, onChange }: OfferTermsFieldsProps) {
  const { t } = useTranslation();
  const input = (field: TextField, extra: Partial<ComponentProps<typeof IonInput>> = {}) => (
    <IonItem>
      <IonInput
        name={field}
        label={t(`offers.fields.${field}`)}
        labelPlacement="stacked"
        value={draft[field]}
        className={problems[field] ? 'ion-invalid ion-touched' : ''}
        errorText={problems[field] ? t(problems[field]) : undefined}
        onIonInput={(e) => onChange({ [field]: e.detail.value ?? '' })}
        {...extra}
      />
    </IonItem>
  );
  const policy = (field: 'kpiPolicyId' | 'capPolicyId', options: { id: string; name: string }[]) => (
    <IonItem>
      <label className="item-block">
        <span className="field-label">{t(`offers.fields.${field}`)}</span>
        <select className="offer-select" name={field} value={draft[field]} onChange={(e) => onChange({ [field]: e.target.value })}>
          <option value="">{t('offers.form.noPolicy')}</option>
          {options.map((o) => (
            <option key={o.id} value={o.id}>
              {o.name}
            </option>
          ))}
        </select>
      </label>
    </IonItem>
  );
  return (
    <>
      {input('validFrom', { type: 'datetime-local', helperText: t(startHint) })}
      {askReason && (
        <IonItem>
          <IonInput
            name="reason"
            label={t('offers.fields.reason')}
            labelPlacement="stacked"
            value={draft.reason}
            helperText={t('offers.form.reasonHelp')}
            className={problems.reason ? 'ion-invalid ion-touched' : ''}
            errorText={problems.reason ? t(problems.reason) : undefined}
            onIonInput={(e) => onChange({ reason: e.detail.value ?? '' })}
          />
        </IonItem>
      )}
      {input('geos', { placeholder: 'RU, KZ', helperText: t('offers.form.geosHelp'), autocapitalize: 'characters' })}
      <div className="offer-form-pair">
        {input('rate', { inputmode: 'decimal' })}
        {input('currency', { maxlength: 3, autocapitalize: 'characters' })}
      </div>
      {policy('kpiPolicyId', kpiPolicies)}
      {policy('capPolicyId', capPolicies)}
      {input('landingType', { placeholder: t('offers.form.landingTypePlaceholder'), maxlength: 64 })}
      {input('approach', { maxlength: 500 })}
      <IonItem>
        <IonTextarea name="notes" label={t('offers.fields.notes')} labelPlacement="stacked" autoGrow value={draft.notes} onIonInput={(e) => onChange({ notes: e.detail.value ?? '' })} />
      </IonItem>
    </>
  );
}
