import { IonIcon } from '@ionic/react';
import { arrowDown, arrowUp, remove } from 'ionicons/icons';
import type { Tone } from '../lib/summary.ts';

interface KpiCardProps {
  /** Which figure, for styling and tests (`data-kpi`). */
  metric: string;
  label: string;
  value: string;
  /** The signed change against the previous period, formatted; null when there is nothing to compare with. */
  change: string | null;
  /** Up or down, for the arrow. */
  direction: 'up' | 'down' | 'flat';
  tone: Tone;
  /** What the change compares with, e.g. "vs. the previous 7 days". */
  changeHint: string;
}

const arrows = { up: arrowUp, down: arrowDown, flat: remove };

/** One figure of the summary with its change against the period before. */
export function KpiCard({ metric, label, value, change, direction, tone, changeHint }: KpiCardProps) {
  return (
    <div className="kpi-card" data-kpi={metric}>
      <div className="kpi-label">{label}</div>
      <div className="kpi-value">{value}</div>
      <div className={`kpi-change tone-${tone}`} title={changeHint}>
        {change === null ? (
          <span className="kpi-change-text">—</span>
        ) : (
          <>
            <IonIcon icon={arrows[direction]} aria-hidden="true" />
            <span className="kpi-change-text">{change}</span>
          </>
        )}
        <span className="kpi-change-hint">{changeHint}</span>
      </div>
    </div>
  );
}
