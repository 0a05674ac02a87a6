import { IonNote } from '@ionic/react';
import { useTranslation } from 'react-i18next';
import type { Locale } from '../lib/dataApi.ts';
import { isoWeekdays, weekdayName } from '../lib/programs.ts';

interface ProgramWeekdaysProps {
  /** ISO weekdays, 1 = Monday. */
  value: number[];
  language: Locale;
  problem: string | undefined;
  onChange(weekdays: number[]): void;
}

/** The days a weekly schedule pays on, Monday to Sunday, each a toggle. */
export function ProgramWeekdays({ value, language, problem, onChange }: ProgramWeekdaysProps) {
  const { t } = useTranslation();
  const toggle = (day: number) => onChange(value.includes(day) ? value.filter((d) => d !== day) : [...value, day].sort((a, b) => a - b));
  return (
    <div className="program-weekdays" role="group" aria-label={t('programs.fields.payoutWeekdays')}>
      <span className="field-label">{t('programs.fields.payoutWeekdays')}</span>
      <div className="program-chips">
        {isoWeekdays.map((day) => (
          <button key={day} type="button" className="program-chip" data-weekday={day} aria-pressed={value.includes(day)} onClick={() => toggle(day)}>
            {weekdayName(day, language)}
          </button>
        ))}
      </div>
      {problem && (
        <IonNote color="danger" className="program-field-problem" data-problem="payoutWeekdays">
          {problem}
        </IonNote>
      )}
    </div>
  );
}
