import { IonItem, IonLabel, IonList, IonNote } from '@ionic/react';
import { useTranslation } from 'react-i18next';
import type { Locale } from '../lib/dataApi.ts';
import { formatDay } from '../lib/dates.ts';
import type { ProgramPayout } from '../lib/programs.ts';

interface ProgramCalendarProps {
  payouts: ProgramPayout[];
  holdDays: number;
  timeZone: string;
  language: Locale;
}

/** The next payout dates with the conversions each pays for (program_payout_calendar computes them). */
export function ProgramCalendar({ payouts, holdDays, timeZone, language }: ProgramCalendarProps) {
  const { t } = useTranslation();
  const day = (iso: string) => formatDay(iso, language);
  // Ranges in short days ("21 нояб."): the payout date above them carries the year.
  const short = new Intl.DateTimeFormat(language, { day: 'numeric', month: 'short', timeZone: 'UTC' });
  const shortDay = (iso: string) => short.format(new Date(`${iso}T00:00:00Z`));
  return (
    <>
      <IonNote className="hint program-calendar-zone">{t('programs.calendar.zone', { zone: timeZone.replace(/_/g, ' ') })}</IonNote>
      <IonList data-program="calendar" lines="full">
        {payouts.map((p) => (
          <IonItem key={p.payoutDate} data-payout-date={p.payoutDate} data-covers-from={p.conversionsFrom} data-covers-to={p.conversionsTo}>
            <IonLabel>
              <h3>{day(p.payoutDate)}</h3>
              <p>{t('programs.calendar.covers', { from: shortDay(p.conversionsFrom), to: shortDay(p.conversionsTo) })}</p>
              {holdDays > 0 && <p>{t('programs.calendar.period', { from: shortDay(p.periodStart), to: shortDay(p.periodEnd), days: holdDays })}</p>}
            </IonLabel>
          </IonItem>
        ))}
      </IonList>
    </>
  );
}
