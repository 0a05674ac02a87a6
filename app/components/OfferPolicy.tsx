import { IonItem, IonLabel, IonList, IonListHeader } from '@ionic/react';
import { useTranslation } from 'react-i18next';
import type { CapPolicy, KpiPolicy } from '../lib/offersApi.ts';

type OfferPolicyProps = { kind: 'caps'; policy: CapPolicy | null; formatCount(value: number): string } | { kind: 'kpi'; policy: KpiPolicy | null };

function Line({ label, value }: { label: string; value: string }) {
  return (
    <IonItem>
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
      <p className="ion-padding hint" data-tab-body={props.kind}>
        {t(`offers.policy.${props.kind}.none`)}
      </p>
    );
  if (props.kind === 'caps') {
    const cap = props.policy;
    return (
      <IonList inset data-tab-body="caps" data-policy={cap.id}>
        <IonListHeader>{cap.name}</IonListHeader>
        <Line label={t('offers.policy.caps.limit')} value={t('offers.policy.caps.limitValue', { limit: props.formatCount(cap.capLimit), period: t(`offers.policy.caps.period.${cap.period}`, { defaultValue: cap.period }) })} />
        <Line label={t('offers.policy.caps.event')} value={t(`offers.policy.caps.eventType.${cap.eventType}`, { defaultValue: cap.eventType })} />
        {cap.notes && <Line label={t('offers.fields.notes')} value={cap.notes} />}
      </IonList>
    );
  }
  const kpi = props.policy;
  return (
    <IonList inset data-tab-body="kpi" data-policy={kpi.id}>
      <IonListHeader>{kpi.name}</IonListHeader>
      {kpi.description && <Line label={t('offers.policy.kpi.description')} value={kpi.description} />}
      {kpi.requirements.map(([key, value]) => (
        <Line key={key} label={t(`offers.policy.kpi.requirement.${key}`, { defaultValue: key })} value={value} />
      ))}
      {kpi.requirements.length === 0 && <Line label={t('offers.policy.kpi.requirements')} value="—" />}
    </IonList>
  );
}
