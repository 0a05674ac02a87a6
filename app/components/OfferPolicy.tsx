import { IonItem, IonLabel, IonList, IonListHeader } from '@ionic/react';
import { useTranslation } from 'react-i18next';
import type { Locale } from '../lib/dataApi.ts';
import type { CapPolicy, KpiPolicy } from '../lib/offersApi.ts';
import { formatRequirement, metricHasEventType } from '../lib/policies.ts';

type OfferPolicyProps = ({ kind: 'caps'; policy: CapPolicy | null; formatCount(value: number): string; sentence(policy: CapPolicy): string } | { kind: 'kpi'; policy: KpiPolicy | null; language: Locale }) & {
  /** How many offers' terms use the policy, this one included. */
  usedBy: number;
};

function Line({ name, label, value }: { name: string; label: string; value: string }) {
  return (
    <IonItem data-policy-field={name}>
      <IonLabel className="offer-param ion-text-wrap">
        <span className="field-label">{label}</span>
        <span className="field-value">{value}</span>
      </IonLabel>
    </IonItem>
  );
}

/** The cap or KPI policy the current terms point to. */
export function OfferPolicy(props: OfferPolicyProps) {
  const { t } = useTranslation();
  if (!props.policy)
    return (
      <p className="ion-padding hint" data-attached-policy="none">
        {t(`offers.policy.${props.kind}.none`)}
      </p>
    );
  const shared = props.usedBy > 1 && <Line name="shared" label={t('offers.policies.sharedLabel')} value={t('offers.policies.sharedCount', { total: props.usedBy })} />;
  if (props.kind === 'caps') {
    const cap = props.policy;
    return (
      <IonList key={cap.id} inset data-attached-policy={cap.id}>
        <IonListHeader>{cap.name}</IonListHeader>
        <Line name="limit" label={t('offers.policy.caps.limit')} value={t('offers.policy.caps.limitValue', { limit: props.formatCount(cap.capLimit), period: t(`offers.policy.caps.period.${cap.period}`, { defaultValue: cap.period }) })} />
        {metricHasEventType(cap.metric) && <Line name="event" label={t('offers.policy.caps.event')} value={t(`offers.policy.caps.eventType.${cap.eventType}`, { defaultValue: cap.eventType })} />}
        <Line name="terms" label={t('offers.policy.caps.terms')} value={props.sentence(cap)} />
        {cap.notes && <Line name="notes" label={t('offers.fields.notes')} value={cap.notes} />}
        {shared}
      </IonList>
    );
  }
  const kpi = props.policy;
  return (
    <IonList key={kpi.id} inset data-attached-policy={kpi.id}>
      <IonListHeader>{kpi.name}</IonListHeader>
      {kpi.description && <Line name="description" label={t('offers.policy.kpi.description')} value={kpi.description} />}
      {kpi.requirements.map(([key, value]) => (
        <Line key={key} name={key} label={t(`offers.policy.kpi.requirement.${key}`, { defaultValue: key })} value={formatRequirement(key, value, props.language)} />
      ))}
      {kpi.requirements.length === 0 && <Line name="requirements" label={t('offers.policy.kpi.requirements')} value="—" />}
      {shared}
    </IonList>
  );
}
