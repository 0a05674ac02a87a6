import { useTranslation } from 'react-i18next';
import type { AnalyticsRow, Dimension, Metric, SortOrder } from '../lib/analytics.ts';

interface AnalyticsTableProps {
  groupBy: Dimension[];
  columns: Metric[];
  /** In the order to show. */
  rows: AnalyticsRow[];
  total: AnalyticsRow;
  sort: SortOrder | null;
  onSort(key: Dimension | Metric): void;
  formatValue(metric: Metric, value: number | null): string;
}

/** Identifies a row for tests and React: its dimension values joined. */
export function rowKey(row: AnalyticsRow, groupBy: Dimension[]): string {
  return groupBy.map((d) => row.dims[d] ?? '').join('|');
}

/**
 * The grouped metrics with the totals row on top. On a phone the table scrolls sideways
 * with the first column held in place (CSS), so a row stays readable.
 */
export function AnalyticsTable({ groupBy, columns, rows, total, sort, onSort, formatValue }: AnalyticsTableProps) {
  const { t } = useTranslation();
  const header = (key: Dimension | Metric, label: string, numeric: boolean) => {
    const sorted = sort?.key === key ? sort.direction : undefined;
    return (
      <th key={key} scope="col" data-column={key} className={numeric ? 'numeric' : undefined} aria-sort={sorted === 'asc' ? 'ascending' : sorted === 'desc' ? 'descending' : 'none'}>
        <button type="button" onClick={() => onSort(key)}>
          {label}
          <span className="analytics-sort-mark" aria-hidden="true">
            {sorted === 'asc' ? '▲' : sorted === 'desc' ? '▼' : ''}
          </span>
        </button>
      </th>
    );
  };
  const metricCells = (row: AnalyticsRow) =>
    columns.map((m) => (
      <td key={m} data-metric={m} className={`numeric${(row.values[m] ?? 0) < 0 ? ' negative' : ''}`}>
        {formatValue(m, row.values[m])}
      </td>
    ));
  return (
    <div className="analytics-table-scroll">
      <table className="analytics-table">
        <thead>
          <tr>
            {groupBy.length === 0 && <th scope="col" />}
            {groupBy.map((d) => header(d, t(`analytics.dimension.${d}`), false))}
            {columns.map((m) => header(m, t(`analytics.metric.${m}`), true))}
          </tr>
        </thead>
        <tbody>
          <tr className="analytics-total" data-row="total">
            <th scope="row" colSpan={Math.max(1, groupBy.length)}>
              {t('analytics.total')}
            </th>
            {metricCells(total)}
          </tr>
          {rows.map((row) => (
            <tr key={rowKey(row, groupBy)} data-row={rowKey(row, groupBy)}>
              {groupBy.map((d, i) =>
                i === 0 ? (
                  <th key={d} scope="row" data-dimension={d}>
                    {row.dims[d] ?? t('analytics.none')}
                  </th>
                ) : (
                  <td key={d} data-dimension={d}>
                    {row.dims[d] ?? t('analytics.none')}
                  </td>
                ),
              )}
              {metricCells(row)}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
