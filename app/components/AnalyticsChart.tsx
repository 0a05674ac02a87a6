import { addDays, format, parseISO } from 'date-fns';
import { metricKinds, type AnalyticsRow, type Metric } from '../lib/analytics.ts';
import type { DayRange } from '../lib/summary.ts';

interface AnalyticsChartProps {
  /** The metrics RPC's rows grouped by date (days without facts are missing). */
  days: AnalyticsRow[];
  range: DayRange;
  metrics: Metric[];
  label(metric: Metric): string;
  formatValue(metric: Metric, value: number | null): string;
}

const width = 600;
const height = 120;
const pad = 6;

/** Every day of the range, so a day without facts shows as 0 (sums) or a gap (ratios). */
function daysOf(range: DayRange): string[] {
  const days: string[] = [];
  for (let day = parseISO(range.from); format(day, 'yyyy-MM-dd') <= range.to && days.length < 400; day = addDays(day, 1)) days.push(format(day, 'yyyy-MM-dd'));
  return days;
}

/** The SVG path of a series, lifting the pen over gaps. */
function linePath(values: (number | null)[], min: number, max: number): string {
  const x = (i: number) => pad + (values.length === 1 ? (width - 2 * pad) / 2 : (i * (width - 2 * pad)) / (values.length - 1));
  const y = (v: number) => height - pad - (max === min ? (height - 2 * pad) / 2 : ((v - min) * (height - 2 * pad)) / (max - min));
  let path = '';
  let penDown = false;
  values.forEach((v, i) => {
    if (v === null) {
      penDown = false;
      return;
    }
    path += `${penDown ? 'L' : 'M'}${x(i).toFixed(1)},${y(v).toFixed(1)}`;
    penDown = true;
  });
  return path;
}

/**
 * The chosen metrics per day as small line charts, one per metric, each on its own scale
 * (money, counts and ratios do not share an axis). Plain SVG: no chart library to load.
 */
export default function AnalyticsChart({ days, range, metrics, label, formatValue }: AnalyticsChartProps) {
  const calendar = daysOf(range);
  const byDay = new Map(days.map((row) => [row.dims.date ?? '', row]));
  return (
    <div className="analytics-chart">
      {metrics.map((metric) => {
        const empty = metricKinds[metric] === 'ratio' ? null : 0;
        const values = calendar.map((day) => byDay.get(day)?.values[metric] ?? empty);
        const known = values.filter((v): v is number => v !== null);
        const min = Math.min(0, ...known);
        const max = Math.max(0, ...known);
        return (
          <figure key={metric} data-chart={metric}>
            <figcaption>
              <span>{label(metric)}</span>
              <span className="analytics-muted">
                {formatValue(metric, min)} … {formatValue(metric, max)}
              </span>
            </figcaption>
            <svg viewBox={`0 0 ${width} ${height}`} preserveAspectRatio="none" role="img" aria-label={label(metric)}>
              <line x1={pad} x2={width - pad} y1={height - pad} y2={height - pad} className="analytics-chart-axis" />
              <path d={linePath(values, min, max)} className="analytics-chart-line" vectorEffect="non-scaling-stroke" />
            </svg>
            <div className="analytics-chart-days analytics-muted">
              <span>{calendar[0]}</span>
              <span>{calendar.at(-1)}</span>
            </div>
          </figure>
        );
      })}
    </div>
  );
}
