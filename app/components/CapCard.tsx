import { IonButton, IonCard, IonCardContent, IonItem, IonLabel, IonNote, IonProgressBar } from '@ionic/react';
import { useTranslation } from 'react-i18next';
import type { CapStatus } from '../lib/caps.ts';
import type { CapView } from './capView.ts';

export const capStatusColors: Record<CapStatus, string> = { ok: 'success', warning: 'warning', critical: 'danger', reached: 'danger', paused: 'medium' };

interface CapCardProps {
  cap: CapView;
  /** Fewer lines: the offer card and the summary. */
  compact?: boolean;
  /** Offers the actions; null when the person's role may not act (the reason is shown instead). */
  onAct: (() => void) | null;
  /** Why there are no actions, when `onAct` is null and it should be said. */
  cannotAct?: string | null;
}

/** The status as a chip: its colour and its word, never the colour alone. */
export function CapStatusChip({ status, text }: { status: CapStatus; text: string }) {
  return (
    <span className={`cap-status cap-status-${status}`} data-cap-status={status}>
      {text}
    </span>
  );
}

/** One cap: the offer, how much is used of the limit, the period, when it runs out and what that risks. */
export function CapCard({ cap, compact, onAct, cannotAct }: CapCardProps) {
  const { t } = useTranslation();
  return (
    <IonCard className={`cap-card cap-${cap.status}`} data-cap={cap.key}>
      <IonItem routerLink={cap.href} detail lines="none" data-action="open-offer">
        <IonLabel className="ion-text-wrap">
          <h3 className="cap-title">{cap.title}</h3>
          {cap.program && !compact && <p className="cap-program">{cap.program}</p>}
        </IonLabel>
        <CapStatusChip status={cap.status} text={cap.statusText} />
      </IonItem>
      <IonCardContent className="cap-body">
        <IonProgressBar value={cap.progress} color={capStatusColors[cap.status]} aria-label={t('caps.progressLabel', { percent: cap.percent })} />
        <p className="cap-usage" data-cap-usage>
          <strong>{cap.percent}</strong> · {cap.usage}
        </p>
        <p className="cap-period" data-cap-period>{cap.period}</p>
        {cap.eta && <p className="cap-eta" data-cap-eta>{cap.eta}</p>}
        {cap.spendAtRisk && !compact && <p className="cap-risk" data-cap-risk>{cap.spendAtRisk}</p>}
        {onAct && (
          <IonButton size="small" fill="outline" onClick={onAct} data-action="cap-actions">
            {t('caps.actions.open')}
          </IonButton>
        )}
        {!onAct && cannotAct && <IonNote className="cap-cannot-act">{cannotAct}</IonNote>}
      </IonCardContent>
    </IonCard>
  );
}
