import { IonButton, IonCard, IonCardContent, IonIcon, IonItem, IonLabel, IonNote } from '@ionic/react';
import { alertCircleOutline, checkmarkCircleOutline, informationCircleOutline, warningOutline } from 'ionicons/icons';
import { useTranslation } from 'react-i18next';
import type { AlertSeverity, AlertStatus } from '../lib/alerts.ts';

const severityIcons: Record<AlertSeverity, string> = { critical: alertCircleOutline, warning: warningOutline, info: informationCircleOutline };
const severityColors: Record<AlertSeverity, string> = { critical: 'danger', warning: 'warning', info: 'primary' };

interface AlertCardProps {
  id: string;
  severity: AlertSeverity;
  status: AlertStatus;
  /** Worded in the person's language, with the values filled in. */
  title: string;
  detail: string | null;
  fired: string;
  resolved: string | null;
  /** "Acknowledged by … at …", or null while nobody has. */
  acknowledged: string | null;
  /** Where tapping the alert leads (the load, program, offer or upload screen). */
  href: string;
  /** Offers Acknowledge (firing, unacknowledged, and the person's role may). */
  mayAcknowledge: boolean;
  busy: boolean;
  onAcknowledge(): void;
  /** Offers "Silence" (firing, and the person's role may add silences). */
  maySilence: boolean;
  onSilence(): void;
}

/** One alert: what happened, when it fired and ended, who saw it, and Acknowledge. */
export function AlertCard(props: AlertCardProps) {
  const { t } = useTranslation();
  const { severity, status } = props;
  const icon = status === 'resolved' ? checkmarkCircleOutline : severityIcons[severity];
  return (
    <IonCard className={`alert-card alert-${status}`} data-alert={props.id} data-alert-status={status} data-severity={severity}>
      <IonItem routerLink={props.href} detail lines="none" className="alert-open" data-action="open-alert">
        <IonIcon slot="start" icon={icon} color={status === 'resolved' ? 'success' : severityColors[severity]} aria-hidden="true" />
        <IonLabel className="ion-text-wrap">
          <h3 className="alert-title">{props.title}</h3>
          {props.detail && <p className="alert-detail">{props.detail}</p>}
          <p className="alert-state">
            {t(`alerts.severity.${severity}`)} · {status === 'resolved' ? t('alerts.resolvedBadge') : t('alerts.firingBadge')}
          </p>
        </IonLabel>
      </IonItem>
      <IonCardContent className="alert-meta">
        <p data-alert-time="fired">{props.fired}</p>
        {props.resolved && <p data-alert-time="resolved">{props.resolved}</p>}
        {props.acknowledged && <p data-alert="acknowledged">{props.acknowledged}</p>}
        {props.mayAcknowledge && (
          <IonButton size="small" fill="outline" disabled={props.busy} onClick={props.onAcknowledge} data-action="acknowledge">
            {t('alerts.acknowledge')}
          </IonButton>
        )}
        {props.maySilence && (
          <IonButton size="small" fill="clear" onClick={props.onSilence} data-action="silence">
            {t('alertSettings.silences.silence')}
          </IonButton>
        )}
        {!props.acknowledged && status === 'firing' && !props.mayAcknowledge && <IonNote>{t('alerts.notAcknowledged')}</IonNote>}
      </IonCardContent>
    </IonCard>
  );
}
