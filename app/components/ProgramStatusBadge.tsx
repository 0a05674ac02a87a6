import { IonBadge } from '@ionic/react';
import { useTranslation } from 'react-i18next';
import type { ProgramStatus } from '../lib/programs.ts';

const colours: Record<ProgramStatus, string> = { active: 'success', paused: 'warning', archived: 'medium' };

/** A program's status as a coloured badge. */
export function ProgramStatusBadge({ status }: { status: ProgramStatus }) {
  const { t } = useTranslation();
  return (
    <IonBadge color={colours[status]} data-status={status}>
      {t(`programs.status.${status}`)}
    </IonBadge>
  );
}
