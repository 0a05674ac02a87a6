import { IonLabel, IonSegment, IonSegmentButton } from '@ionic/react';
import { useTranslation } from 'react-i18next';
import { periods, type Period } from '../lib/summary.ts';

interface PeriodSwitchProps {
  period: Period;
  onChange(period: Period): void;
}

/** Today / yesterday / 7 days, for the summary. */
export function PeriodSwitch({ period, onChange }: PeriodSwitchProps) {
  const { t } = useTranslation();
  return (
    <IonSegment
      className="period-switch"
      value={period}
      aria-label={t('summary.period')}
      onIonChange={(e) => {
        const chosen = periods.find((p) => p === e.detail.value);
        if (chosen) onChange(chosen);
      }}
    >
      {periods.map((p) => (
        <IonSegmentButton key={p} value={p} data-period={p}>
          <IonLabel>{t(`summary.periods.${p}`)}</IonLabel>
        </IonSegmentButton>
      ))}
    </IonSegment>
  );
}
