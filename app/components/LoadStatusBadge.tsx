import { IonBadge } from '@ionic/react';
import { useTranslation } from 'react-i18next';
import type { LoadStatus } from '../lib/dataApi.ts';
import { statusColours } from './LatestLoad.tsx';

/** A load's status as a coloured badge. */
export function LoadStatusBadge({ status }: { status: LoadStatus }) {
  const { t } = useTranslation();
  return (
    <IonBadge color={statusColours[status]} data-status={status}>
      {t(`loads.status.${status}`)}
    </IonBadge>
  );
}
