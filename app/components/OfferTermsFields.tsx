import { IonButton, IonIcon, IonInput, IonItem, IonListHeader, IonTextarea } from '@ionic/react';
import { addOutline, closeOutline } from 'ionicons/icons';
import type { ComponentProps } from 'react';
import { useTranslation } from 'react-i18next';
import type { CapPolicy, KpiPolicy } from '../lib/offersApi.ts';
import type { GeoRateDraft, Problems, TermsDraft } from '../lib/offersTerms.ts';
import type { PolicyKind } from '../lib/policies.ts';
import { PolicyPicker } from './PolicyPicker.tsx';
import { invalidField } from './invalidField.ts';

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
  /** Absent: the person cannot add policies from the pickers. */
  onNewPolicy?: (kind: PolicyKind) => void;
}

type TextField = 'validFrom' | 'geos' | 'rate' | 'currency' | 'landingType' | 'approach';

/** The fields of one version of terms, for a new offer and for a new version. */
export function OfferTermsFields({ draft, problems, kpiPolicies, capPolicies, askReason, startHint, onChange, onNewPolicy }: OfferTermsFieldsProps) {
  const { t } = useTranslation();
  const invalid = (key: string) => invalidField(problems[key], t);
  const input = (field: TextField, extra: Partial<ComponentProps<typeof IonInput>> = {}) => (
    <IonItem>
      <IonInput name={field} label={t(`offers.fields.${field}`)} labelPlacement="stacked" value={draft[field]} {...invalid(field)} onIonInput={(e) => onChange({ [field]: e.detail.value ?? '' })} {...extra} />
    </IonItem>
  );
  const setGeoRate = (i: number, changes: Partial<GeoRateDraft>) => onChange({ geoRates: draft.geoRates.map((g, j) => (j === i ? { ...g, ...changes } : g)) });
  const geoRate = (g: GeoRateDraft, i: number) => (
    <div key={i} className="policy-field-row" data-geo-rate-row={i}>
      {(['geo', 'rate', 'currency'] as const).map((field) => (
        <IonItem key={field}>
          <IonInput
            name={`geoRates.${i}.${field}`}
            label={t(`offers.form.geoRate.${field}`)}
            labelPlacement="stacked"
            value={g[field]}
            placeholder={field === 'rate' ? draft.rate : field === 'currency' ? draft.currency : 'DE'}
            maxlength={field === 'rate' ? 20 : field === 'geo' ? 2 : 3}
            inputmode={field === 'rate' ? 'decimal' : 'text'}
            autocapitalize={field === 'rate' ? 'off' : 'characters'}
            {...invalid(`geoRates.${i}.${field}`)}
            onIonInput={(e) => setGeoRate(i, { [field]: e.detail.value ?? '' })}
          />
        </IonItem>
      ))}
      <IonButton fill="clear" data-action="remove-geo-rate" aria-label={t('offers.form.geoRate.remove')} onClick={() => onChange({ geoRates: draft.geoRates.filter((_, j) => j !== i) })}>
        <IonIcon icon={closeOutline} slot="icon-only" aria-hidden="true" />
      </IonButton>
    </div>
  );
  return (
    <>
      {input('validFrom', { type: 'datetime-local', helperText: t(startHint) })}
      {askReason && (
        <IonItem>
          <IonInput name="reason" label={t('offers.fields.reason')} labelPlacement="stacked" value={draft.reason} helperText={t('offers.form.reasonHelp')} {...invalid('reason')} onIonInput={(e) => onChange({ reason: e.detail.value ?? '' })} />
        </IonItem>
      )}
      {input('geos', { placeholder: 'RU, KZ', helperText: t('offers.form.geosHelp'), autocapitalize: 'characters' })}
      <div className="offer-form-pair">
        {input('rate', { inputmode: 'decimal' })}
        {input('currency', { maxlength: 3, autocapitalize: 'characters' })}
      </div>
      <IonListHeader>{t('offers.fields.geoRates')}</IonListHeader>
      <p className="ion-padding-horizontal hint">{t('offers.form.geoRate.help')}</p>
      {draft.geoRates.map(geoRate)}
      <IonButton fill="clear" size="small" data-action="add-geo-rate" onClick={() => onChange({ geoRates: [...draft.geoRates, { geo: '', rate: '', currency: '' }] })}>
        <IonIcon icon={addOutline} slot="start" aria-hidden="true" />
        {t('offers.form.geoRate.add')}
      </IonButton>
      <PolicyPicker kind="kpi" name="kpiPolicyId" policies={kpiPolicies} value={draft.kpiPolicyId} onChange={(id) => onChange({ kpiPolicyId: id })} onNew={onNewPolicy && (() => onNewPolicy('kpi'))} />
      <PolicyPicker kind="caps" name="capPolicyId" policies={capPolicies} value={draft.capPolicyId} onChange={(id) => onChange({ capPolicyId: id })} onNew={onNewPolicy && (() => onNewPolicy('caps'))} />
      {input('landingType', { placeholder: t('offers.form.landingTypePlaceholder'), maxlength: 64 })}
      {input('approach', { maxlength: 500 })}
      <IonItem>
        <IonTextarea name="notes" label={t('offers.fields.notes')} labelPlacement="stacked" autoGrow value={draft.notes} onIonInput={(e) => onChange({ notes: e.detail.value ?? '' })} />
      </IonItem>
    </>
  );
}
