import { useTranslation } from 'react-i18next';
import { rangePresets, type RangeChoice } from '../lib/analytics.ts';
import type { DayRange } from '../lib/summary.ts';

interface AnalyticsRangePickerProps {
  choice: RangeChoice;
  /** The days the choice covers now (shown in the date fields). */
  range: DayRange;
  onChange(choice: RangeChoice): void;
}

/** Date presets (today … last month) and custom days; editing a day turns the preset into fixed days. */
export function AnalyticsRangePicker({ choice, range, onChange }: AnalyticsRangePickerProps) {
  const { t } = useTranslation();
  const setDay = (end: 'from' | 'to', day: string) => {
    if (/^\d{4}-\d{2}-\d{2}$/.test(day)) onChange({ ...range, [end]: day });
  };
  return (
    <div className="analytics-range" role="group" aria-label={t('analytics.range.title')}>
      <div className="analytics-chips">
        {rangePresets.map((preset) => (
          <button
            key={preset}
            type="button"
            className="analytics-chip"
            data-range={preset}
            aria-pressed={'preset' in choice && choice.preset === preset}
            onClick={() => onChange({ preset })}
          >
            {t(`analytics.range.${preset}`)}
          </button>
        ))}
      </div>
      <div className="analytics-days">
        <label>
          <span>{t('analytics.range.from')}</span>
          <input type="date" name="from" value={range.from} max={range.to} onChange={(e) => setDay('from', e.target.value)} />
        </label>
        <label>
          <span>{t('analytics.range.to')}</span>
          <input type="date" name="to" value={range.to} min={range.from} onChange={(e) => setDay('to', e.target.value)} />
        </label>
      </div>
    </div>
  );
}
