import { IonContent, IonIcon, IonItem, IonLabel, IonList, IonNote, IonPage, IonRefresher, IonRefresherContent, IonSpinner, useIonViewWillEnter, type RefresherEventDetail } from '@ionic/react';
import { cloudOfflineOutline, notificationsOutline, syncOutline } from 'ionicons/icons';
import { useState } from 'react';
import type { TFunction } from 'i18next';
import { useTranslation } from 'react-i18next';
import '../theme/alerts.css';
import { AlertCard } from '../components/AlertCard.tsx';
import { LoadProblem } from '../components/LoadProblem.tsx';
import { SilenceForm, type SilencePrefill } from '../components/SilenceForm.tsx';
import { canSilence, subjectName } from '../lib/alertSettings.ts';
import { PageHeader } from '../components/PageHeader.tsx';
import { alertLink, alertMessage, arrangeAlerts, canAcknowledge, groupName, needsAttention, resolvedWindowDays, type Alert, type AlertEntry, type AlertFormat } from '../lib/alerts.ts';
import type { AlertsSnapshot } from '../lib/alertsCache.ts';
import type { Locale, MemberRole } from '../lib/dataApi.ts';
import { formatAsOf, formatDay, formatMoment } from '../lib/dates.ts';
import { formatCount, formatPercent } from '../lib/numbers.ts';
import { chosenTimeZone } from '../lib/summary.ts';
import { selectAlertSettingsSaving, useAlertSettings } from '../stores/alertSettings.ts';
import { selectAcknowledging, selectAlertsFor, selectAlertsKept, selectAlertsStatus, useAlerts, useAlertsWorkspace } from '../stores/alerts.ts';
import { selectReachable, useConnection } from '../stores/connection.ts';
import { selectLanguage, usePreferences } from '../stores/preferences.ts';
import { selectProfile, useProfile } from '../stores/profile.ts';
import { selectSummaryTimeZone, useSummary } from '../stores/summary.ts';
import { selectUser, useSession } from '../stores/session.ts';
import { selectWorkspaceStatus, useWorkspace } from '../stores/workspace.ts';

interface ListContext {
  t: TFunction;
  format: AlertFormat;
  language: Locale;
  snapshot: AlertsSnapshot;
  role: MemberRole | undefined;
  acknowledging: string | null;
  onSilence(alert: Alert): void;
}

function card(alert: Alert, { t, format, snapshot, role, acknowledging, onSilence }: ListContext) {
  const message = alertMessage(alert, format);
  const who = (alert.acknowledgedBy && snapshot.names[alert.acknowledgedBy]) || t('alerts.someone');
  return (
    <AlertCard
      key={alert.id}
      id={alert.id}
      severity={alert.severity}
      status={alert.status}
      title={t(message.title, message.values)}
      detail={message.detail ? t(message.detail, message.values) : null}
      fired={t('alerts.firedAt', { when: format.moment(alert.firedAt) })}
      resolved={alert.resolvedAt ? t('alerts.resolvedAt', { when: format.moment(alert.resolvedAt) }) : null}
      acknowledged={alert.acknowledgedAt ? t('alerts.acknowledgedBy', { who, when: format.moment(alert.acknowledgedAt) }) : null}
      href={alertLink(alert, role)}
      mayAcknowledge={needsAttention(alert) && canAcknowledge(role)}
      busy={acknowledging === alert.id}
      onAcknowledge={() => void useAlerts.getState().acknowledge(alert.id)}
      maySilence={alert.status === 'firing' && canSilence(role)}
      onSilence={() => onSilence(alert)}
    />
  );
}

function entry(item: AlertEntry, context: ListContext) {
  if (item.type === 'single') return card(item.alert, context);
  const name = groupName(item.alerts, context.snapshot.programNames) ?? context.t('alerts.groupUnnamed');
  return (
    <section key={`${item.alerts[0]?.status}:${item.groupKey}`} className="alert-group" data-alert-group={item.groupKey} aria-label={name}>
      <h3 className="alert-group-name">{context.t('alerts.group', { program: name, number: formatCount(item.alerts.length, context.language) })}</h3>
      {item.alerts.map((a) => card(a, context))}
    </section>
  );
}

/**
 * The alert centre: firing alerts first (most severe, newest first), then those resolved in
 * the last days; each says what happened, when, and who saw it, opens what it is about, and
 * can be acknowledged. The list stays on screen, marked, while the backend is out of reach.
 */
export default function AlertsPage() {
  const { t } = useTranslation();
  const workspace = useAlertsWorkspace();
  const workspaceStatus = useWorkspace(selectWorkspaceStatus);
  const language = usePreferences(selectLanguage);
  // Offline at start the profile does not load: the zone kept with the summary stands in, as it does there.
  const keptTimeZone = useSummary(selectSummaryTimeZone);
  const timeZone = chosenTimeZone(useProfile(selectProfile)?.timeZone ?? keptTimeZone);
  const snapshot = useAlerts(selectAlertsFor(workspace?.workspaceId));
  const status = useAlerts(selectAlertsStatus);
  const kept = useAlerts(selectAlertsKept);
  const acknowledging = useAlerts(selectAcknowledging);
  const role = workspace?.role;
  const reachable = useConnection(selectReachable);
  const userId = useSession(selectUser)?.id;
  const [silencing, setSilencing] = useState<SilencePrefill | null>(null);
  const silenceSaving = useAlertSettings(selectAlertSettingsSaving) === 'silence';
  const silence = (alert: Alert) => setSilencing({ kind: alert.kind, subjectId: alert.subjectId, subjectName: subjectName(alert.subjectId, [alert], format.source) });

  // Realtime keeps the list current; coming back to the screen asks once more, for what a dropped socket missed.
  useIonViewWillEnter(() => {
    if (reachable) void useAlerts.getState().reload();
  }, [reachable]);

  const format: AlertFormat = {
    moment: (iso) => formatMoment(iso, language, timeZone),
    day: (iso) => formatDay(iso, language),
    count: (n) => formatCount(n, language),
    percent: (f) => formatPercent(f, language),
    source: (name) => t(`upload.sources.${name}`, { defaultValue: name }),
  };

  const refresh = async (event: CustomEvent<RefresherEventDetail>) => {
    await useAlerts.getState().reload();
    event.detail.complete();
  };

  const body = () => {
    if (!workspace && workspaceStatus === 'ready') return <IonNote>{t('workspaces.none')}</IonNote>;
    if (!snapshot) {
      if (status === 'failed') return <LoadProblem onRetry={() => void useAlerts.getState().reload()} />;
      return (
        <div className="centered">
          <IonSpinner aria-label={t('common.wait')} />
        </div>
      );
    }
    const context = { t, format, language, snapshot, role, acknowledging, onSilence: silence };
    const entries = arrangeAlerts(snapshot.alerts);
    const firing = entries.filter((e) => (e.type === 'single' ? e.alert : e.alerts[0])?.status === 'firing');
    const resolved = entries.filter((e) => !firing.includes(e));
    return (
      <>
        {kept && (
          <p className={`summary-note ${kept}-note`} data-note={kept} role="status">
            <IonIcon icon={kept === 'offline' ? cloudOfflineOutline : syncOutline} aria-hidden="true" />
            {t(`alerts.${kept}AsOf`, { time: formatAsOf(snapshot.fetchedAt, language, timeZone) })}
          </p>
        )}
        {role === 'read_only' && <IonNote className="hint alerts-read-only">{t('alerts.readOnly')}</IonNote>}
        <h2 className="alerts-heading" data-alerts="firing">{t('alerts.firing')}</h2>
        {firing.length ? firing.map((e) => entry(e, context)) : <p className="alerts-empty">{t('alerts.noneFiring')}</p>}
        <h2 className="alerts-heading" data-alerts="resolved">{t('alerts.resolved', { days: formatCount(resolvedWindowDays, language) })}</h2>
        {resolved.length ? resolved.map((e) => entry(e, context)) : <p className="alerts-empty">{t('alerts.noneResolved')}</p>}
        <IonNote className="hint">{t('alerts.zone', { zone: timeZone.replace(/_/g, ' ') })}</IonNote>
        <IonList inset>
          <IonItem routerLink="/app/settings/alerts" detail data-link="alert-settings">
            <IonIcon slot="start" icon={notificationsOutline} aria-hidden="true" />
            <IonLabel>{t('alertSettings.nav')}</IonLabel>
          </IonItem>
        </IonList>
        <SilenceForm
          prefill={silencing}
          busy={silenceSaving}
          onSubmit={(chosen) => (userId && workspace ? useAlertSettings.getState().addSilence({ userId, workspaceId: workspace.workspaceId }, chosen) : Promise.resolve(false))}
          onClose={() => setSilencing(null)}
        />
      </>
    );
  };

  return (
    <IonPage data-page="alerts">
      <PageHeader title={t('alerts.title')} subtitle={workspace?.workspaceName} />
      <IonContent>
        <IonRefresher slot="fixed" onIonRefresh={(e) => void refresh(e)} disabled={!snapshot}>
          <IonRefresherContent />
        </IonRefresher>
        <div className="page-body ion-padding-horizontal">{body()}</div>
      </IonContent>
    </IonPage>
  );
}
