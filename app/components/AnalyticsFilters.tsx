import { IonSpinner } from '@ionic/react';
import { useTranslation } from 'react-i18next';
import { filterDimensions, toggleOrdered, type AnalyticsSelection, type FilterDimension } from '../lib/analytics.ts';

interface AnalyticsFiltersProps {
  filters: AnalyticsSelection['filters'];
  /** The values there are over the range, per dimension, once loaded. */
  values: Partial<Record<FilterDimension, string[]>>;
  onOpen(dimension: FilterDimension): void;
  onChange(filters: AnalyticsSelection['filters']): void;
}

/** A multi-select per dimension; a dimension's values load when it is opened. */
export function AnalyticsFilters({ filters, values, onOpen, onChange }: AnalyticsFiltersProps) {
  const { t } = useTranslation();
  const set = (dimension: FilterDimension, chosen: string[]) => onChange({ ...filters, [dimension]: chosen });
  return (
    <div className="analytics-filters">
      {filterDimensions.map((dimension) => {
        const chosen = filters[dimension] ?? [];
        const options = values[dimension];
        return (
          <details key={dimension} data-filter={dimension} onToggle={(e) => e.currentTarget.open && onOpen(dimension)}>
            <summary>
              {t(`analytics.dimension.${dimension}`)}
              {chosen.length > 0 && <span className="analytics-filter-count">{chosen.length}</span>}
            </summary>
            {!options ? (
              <IonSpinner name="dots" aria-label={t('common.wait')} />
            ) : options.length === 0 ? (
              <p className="analytics-muted">{t('analytics.filters.noValues')}</p>
            ) : (
              <div className="analytics-chips">
                {[...new Set([...chosen, ...options])].map((value) => (
                  <button key={value} type="button" className="analytics-chip" data-filter-value={value} aria-pressed={chosen.includes(value)} onClick={() => set(dimension, toggleOrdered(chosen, value))}>
                    {value}
                  </button>
                ))}
                {chosen.length > 0 && (
                  <button type="button" className="analytics-chip analytics-chip-clear" onClick={() => set(dimension, [])}>
                    {t('analytics.filters.clear')}
                  </button>
                )}
              </div>
            )}
          </details>
        );
      })}
    </div>
  );
}
