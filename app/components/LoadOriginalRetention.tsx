import { IonNote } from '@ionic/react';
import { useTranslation } from 'react-i18next';

interface LoadOriginalRetentionProps {
  /** The day the retention job removed the original, formatted; null while it has not. */
  removedOn: string | null;
  /** The day until which the original is kept and the retention in days; null when not finished or kept for ever. */
  keptUntil: { day: string; days: number } | null;
  /** The workspace keeps originals for ever, and this load has finished. */
  keptForever: boolean;
  /** The original was asked for and Storage did not have it, without the retention job saying it removed it. */
  gone: boolean;
  /** The time zone the days are in, as the person chose it. */
  timeZone: string;
}

/** What became, or becomes, of a load's original file under the workspace's retention setting. */
export function LoadOriginalRetention({ removedOn, keptUntil, keptForever, gone, timeZone }: LoadOriginalRetentionProps) {
  const { t } = useTranslation();
  const zone = t('loads.dateZone', { zone: timeZone.replace(/_/g, ' ') });
  // The first that holds, as [data-load, text]: what the retention job did outranks what Storage answered.
  const [state, text] = removedOn
    ? ['original-removed', `${t('loads.originalRemoved', { date: removedOn })} ${zone}`]
    : gone
      ? ['original-gone', t('loads.originalGone')]
      : keptUntil
        ? ['original-kept-until', `${t('loads.keptUntil', { until: keptUntil.day, days: keptUntil.days })} ${zone}`]
        : keptForever
          ? ['original-kept-forever', t('loads.keptForever')]
          : [null, null];
  if (!state) return null;
  return (
    <IonNote className="load-original-note" data-load={state}>
      {text}
    </IonNote>
  );
}
