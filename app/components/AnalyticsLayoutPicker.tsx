import { useTranslation } from 'react-i18next';
import { dimensions, metrics, moveOrdered, toggleOrdered, type Dimension, type Metric } from '../lib/analytics.ts';

interface OrderedChipsProps<T extends string> {
  kind: 'group' | 'column';
  options: readonly T[];
  chosen: T[];
  label(option: T): string;
  onChange(chosen: T[]): void;
}

/** Toggle chips whose chosen ones carry their place in the order; the arrows move a chosen one. */
function OrderedChips<T extends string>({ kind, options, chosen, label, onChange }: OrderedChipsProps<T>) {
  const { t } = useTranslation();
  return (
    <div className="analytics-chips">
      {options.map((option) => {
        const place = chosen.indexOf(option);
        return (
          <span key={option} className="analytics-chip-group">
            <button type="button" className="analytics-chip" data-option={`${kind}:${option}`} aria-pressed={place >= 0} onClick={() => onChange(toggleOrdered(chosen, option))}>
              {place >= 0 && <span className="analytics-chip-place">{place + 1}</span>}
              {label(option)}
            </button>
            {place > 0 && (
              <button type="button" className="analytics-chip-move" aria-label={t('analytics.layout.moveEarlier', { name: label(option) })} onClick={() => onChange(moveOrdered(chosen, option, -1))}>
                ‹
              </button>
            )}
          </span>
        );
      })}
    </div>
  );
}

interface AnalyticsLayoutPickerProps {
  groupBy: Dimension[];
  columns: Metric[];
  onGroupBy(groupBy: Dimension[]): void;
  onColumns(columns: Metric[]): void;
}

/** What the rows are (dimensions, in order) and which metrics are the columns (in order). */
export function AnalyticsLayoutPicker({ groupBy, columns, onGroupBy, onColumns }: AnalyticsLayoutPickerProps) {
  const { t } = useTranslation();
  return (
    <div className="analytics-layout">
      <h3>{t('analytics.layout.groupBy')}</h3>
      <OrderedChips kind="group" options={dimensions} chosen={groupBy} label={(d) => t(`analytics.dimension.${d}`)} onChange={onGroupBy} />
      <h3>{t('analytics.layout.columns')}</h3>
      <OrderedChips kind="column" options={metrics} chosen={columns} label={(m) => t(`analytics.metric.${m}`)} onChange={(next) => next.length > 0 && onColumns(next)} />
    </div>
  );
}
