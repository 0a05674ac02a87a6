import { IonButton, IonIcon, IonItem } from '@ionic/react';
import { addOutline } from 'ionicons/icons';
import { useTranslation } from 'react-i18next';
import { pickable, type PolicyKind } from '../lib/policies.ts';

interface PolicyPickerProps {
  kind: PolicyKind;
  /** The form field it fills: kpiPolicyId or capPolicyId. */
  name: 'kpiPolicyId' | 'capPolicyId';
  policies: { id: string; name: string; archivedAt: string | null }[];
  value: string;
  onChange(policyId: string): void;
  /** Absent: the person cannot add policies, so no button. */
  onNew?: () => void;
}

/** A terms form's choice of KPI or cap policy; archived ones are not offered unless already chosen. */
export function PolicyPicker({ kind, name, policies, value, onChange, onNew }: PolicyPickerProps) {
  const { t } = useTranslation();
  return (
    <IonItem>
      <div className="item-block">
        <label className="field-label" htmlFor={`policy-picker-${name}`}>
          {t(`offers.fields.${name}`)}
        </label>
        <div className="policy-picker">
          <select id={`policy-picker-${name}`} className="offer-select" name={name} value={value} onChange={(e) => onChange(e.target.value)}>
            <option value="">{t('offers.form.noPolicy')}</option>
            {pickable(policies, value).map((p) => (
              <option key={p.id} value={p.id}>
                {p.archivedAt ? t('offers.policies.archivedName', { name: p.name }) : p.name}
              </option>
            ))}
          </select>
          {onNew && (
            <IonButton fill="outline" size="small" data-action={`new-${kind}-policy`} onClick={onNew} aria-label={t(`offers.policies.${kind}.new`)}>
              <IonIcon icon={addOutline} slot="start" aria-hidden="true" />
              {t('offers.policies.newShort')}
            </IonButton>
          )}
        </div>
      </div>
    </IonItem>
  );
}
