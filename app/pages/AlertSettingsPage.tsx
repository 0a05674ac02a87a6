import { IonButton, IonContent, IonIcon, IonItem, IonLabel, IonList, IonListHeader, IonNote, IonPage, IonSpinner, useIonViewWillEnter } from '@ionic/react';
import { cloudOfflineOutline } from 'ionicons/icons';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import '../theme/alerts.css';
import '../theme/alertSettings.css';
import { AlertRuleItem } from '../components/AlertRuleItem.tsx';
import { LoadProblem } from '../components/LoadProblem.tsx';
import { PageHeader } from '../components/PageHeader.tsx';
import { QuietHoursForm } from '../components/QuietHoursForm.tsx';
import { SilenceForm, type SilencePrefill } from '../components/SilenceForm.tsx';
import { SilenceList, type SilenceEntry } from '../components/SilenceList.tsx';
import { SlackChannelForm } from '../components/SlackChannelForm.tsx';
import { WorkspaceAlertForm } from '../components/WorkspaceAlertForm.tsx';
import { retryConnection } from '../lib/backend.ts';
import { canLift, canSilence, subjectName } from '../lib/alertSettings.ts';
import { formatAsOf, formatMoment } from '../lib/dates.ts';
import { chosenTimeZone } from '../lib/summary.ts';
import { selectAlertsFor, useAlerts, useAlertsWorkspace } from '../stores/alerts.ts';
import { selectAlertSettingsFor, selectAlertSettingsOffline, selectAlertSettingsSaving, selectAlertSettingsStatus, useAlertSettings } from '../stores/alertSettings.ts';
import { selectReachable, useConnection } from '../stores/connection.ts';
import { selectLanguage, usePreferences } from '../stores/preferences.ts';
import { selectUser, useSession } from '../stores/session.ts';
import { selectWorkspaceStatus, useWorkspace } from '../stores/workspace.ts';

/**
 * Who tells the person what, in the chosen workspace: a rule per kind of alert (their own or
 * their role's default), quiet hours in their zone, the workspace's silences, and for admins
 * the workspace's Slack channel, escalation and "no new data" settings. What a role cannot
 * change shows read-only with why; offline, everything shows as last fetched, read-only.
 */
export default function AlertSettingsPage() {
  const { t } = useTranslation();
  const user = useSession(selectUser);
  const workspace = useAlertsWorkspace();
  const workspaceStatus = useWorkspace(selectWorkspaceStatus);
  const language = usePreferences(selectLanguage);
  const snapshot = useAlertSettings(selectAlertSettingsFor(workspace?.workspaceId));
  const status = useAlertSettings(selectAlertSettingsStatus);
  const offline = useAlertSettings(selectAlertSettingsOffline);
  const saving = useAlertSettings(selectAlertSettingsSaving);
  const alerts = useAlerts(selectAlertsFor(workspace?.workspaceId))?.alerts ?? [];
  const reachable = useConnection(selectReachable);
  const [silencing, setSilencing] = useState<SilencePrefill | null>(null);
  const role = workspace?.role;
  const store = useAlertSettings.getState;

  const userId = user?.id;
  const workspaceId = workspace?.workspaceId;
  const open = () => {
    if (userId && workspaceId) void store().open({ userId, workspaceId });
  };
  // Opened, another workspace chosen, or the connection back: the settings are fetched again.
  useEffect(open, [userId, workspaceId, reachable, store]);
  // Ionic keeps the page when leaving it: coming back asks again.
  useIonViewWillEnter(open, [userId, workspaceId]);

  // Asks the connection again, then the settings: the way back to a form that can be saved.
  const retry = () => {
    retryConnection();
    void store().reload();
  };

  const body = () => {
    if (!workspace && workspaceStatus === 'ready') return <IonNote>{t('workspaces.none')}</IonNote>;
    if (!workspace && workspaceStatus === 'failed') return <LoadProblem onRetry={() => {
      if (userId) void useWorkspace.getState().load(userId);
    }} />;
    if (!snapshot) {
      if (status === 'failed' || (offline && status !== 'loading')) return <LoadProblem onRetry={() => void store().reload()} />;
      return (
        <div className="centered">
          <IonSpinner aria-label={t('common.wait')} />
        </div>
      );
    }
    const readOnly = offline || !reachable;
    const timeZone = chosenTimeZone(snapshot.person.timeZone);
    const admin = role === 'admin';
    const sourceName = (name: string) => t(`upload.sources.${name}`, { defaultValue: name });
    const entries: SilenceEntry[] = snapshot.silences.map((silence) => ({
      silence,
      subject: silence.subjectId === null ? null : subjectName(silence.subjectId, alerts, sourceName),
      until: formatMoment(silence.until, language, timeZone),
      author: (silence.createdBy && snapshot.names[silence.createdBy]) || t('alerts.someone'),
      mayLift: !readOnly && canLift(silence, role, user?.id),
    }));
    return (
      <>
        {readOnly && (
          <p className="summary-note offline-note" data-note="offline" role="status">
            <IonIcon icon={cloudOfflineOutline} aria-hidden="true" />
            <span>
              {t('alertSettings.offlineAsOf', { time: formatAsOf(snapshot.fetchedAt, language, timeZone) })}{' '}
              <IonButton size="small" fill="clear" data-action="retry" onClick={retry}>
                {t('common.tryAgain')}
              </IonButton>
            </span>
          </p>
        )}
        <IonList inset data-section="rules">
          <IonListHeader>
            <IonLabel>{t('alertSettings.rules.title')}</IonLabel>
          </IonListHeader>
          <IonItem lines="none">
            <IonNote className="hint">{t('alertSettings.rules.hint', { role: t(`roles.${role ?? 'read_only'}`) })}</IonNote>
          </IonItem>
          {snapshot.rules.map((rule) => (
            <AlertRuleItem
              // A fresh form after every save or reset: it starts from what the server now says.
              key={`${rule.kind}:${rule.own}:${rule.minSeverity}:${rule.channels.join()}`}
              rule={rule}
              language={language}
              telegramLinked={snapshot.person.telegramLinked}
              readOnly={readOnly}
              busy={saving !== null}
              onSave={(severity, channels) => void store().saveRule(rule.kind, severity, channels)}
              onReset={() => void store().resetRule(rule.kind)}
            />
          ))}
        </IonList>
        <QuietHoursForm
          key={`${snapshot.person.quietStart}-${snapshot.person.quietEnd}`}
          start={snapshot.person.quietStart}
          end={snapshot.person.quietEnd}
          timeZone={timeZone}
          readOnly={readOnly}
          busy={saving !== null}
          onSave={(start, end) => void store().saveQuietHours(start, end)}
        />
        <SilenceList
          entries={entries}
          timeZone={timeZone}
          mayAdd={!readOnly && canSilence(role)}
          readOnlyNote={readOnly ? t('alertSettings.offlineReadOnly') : canSilence(role) ? null : t('alertSettings.silences.readOnly')}
          busy={saving !== null}
          onAdd={() => setSilencing({ kind: null, subjectId: null, subjectName: null })}
          onLift={(id) => void store().liftSilence(id)}
        />
        {admin && (
          <SlackChannelForm
            key={snapshot.slack ? `${snapshot.slack.id}:${snapshot.slack.webhookHint}:${snapshot.fetchedAt}` : 'none'}
            channel={snapshot.slack}
            readOnly={readOnly}
            busy={saving !== null}
            onSave={(changes) => void store().saveSlack(changes)}
          />
        )}
        {workspace && (
          <WorkspaceAlertForm
            key={`${snapshot.workspace.escalateAfterMinutes}:${snapshot.workspace.repeatAfterMinutes}:${snapshot.workspace.staleAfterHours}:${readOnly}`}
            workspaceName={workspace.workspaceName}
            settings={snapshot.workspace}
            readOnlyNote={readOnly ? t('alertSettings.offlineReadOnly') : admin ? null : t('alertSettings.workspace.readOnly')}
            busy={saving !== null}
            onSave={(next) => void store().saveWorkspace(next)}
          />
        )}
        <SilenceForm
          prefill={silencing}
          busy={saving === 'silence'}
          onSubmit={(silence) => (user && workspace ? store().addSilence({ userId: user.id, workspaceId: workspace.workspaceId }, silence) : Promise.resolve(false))}
          onClose={() => setSilencing(null)}
        />
      </>
    );
  };

  return (
    <IonPage data-page="alert-settings">
      <PageHeader title={t('alertSettings.title')} subtitle={workspace?.workspaceName} />
      <IonContent>
        <div className="page-body">{body()}</div>
      </IonContent>
    </IonPage>
  );
}
