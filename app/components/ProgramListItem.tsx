import { IonBadge, IonItem, IonLabel } from '@ionic/react';
import { useTranslation } from 'react-i18next';
import type { ProgramOutline } from '../lib/programs.ts';
import { ProgramStatusBadge } from './ProgramStatusBadge.tsx';

interface ProgramListItemProps {
  program: ProgramOutline;
  /** The schedule, revenue and last contact, formatted. */
  schedule: string;
  revenue: string;
  lastContact: string;
}

/** One program in the list, opening its page: terms at a glance, active offers, revenue, last contact. */
export function ProgramListItem({ program, schedule, revenue, lastContact }: ProgramListItemProps) {
  const { t } = useTranslation();
  return (
    <IonItem routerLink={`/app/programs/${program.id}`} detail data-program={program.id} data-name={program.name}>
      <IonLabel>
        <div className="program-row">
          <span className="program-row-name">
            <strong>{program.name}</strong> <ProgramStatusBadge status={program.status} />
          </span>
          <span className="program-row-schedule">{schedule}</span>
          <span className="program-row-offers" data-active-offers={program.activeOffers}>
            {t('programs.list.activeOffers', { count: program.activeOffers })}
          </span>
          <span className="program-row-revenue" data-revenue={program.revenue}>
            {revenue}
            {program.otherCurrencyRows > 0 && (
              <IonBadge color="warning" className="program-other-currency" title={t('programs.list.otherCurrencies', { count: program.otherCurrencyRows })}>
                {t('programs.list.otherCurrenciesShort')}
              </IonBadge>
            )}
          </span>
          <span className="program-row-contact" data-last-contact={program.lastContactAt ?? ''}>
            {lastContact}
          </span>
        </div>
      </IonLabel>
    </IonItem>
  );
}
