import { IonButton, IonContent, IonList, IonNote, IonPage, IonRefresher, IonRefresherContent, IonSpinner, type RefresherEventDetail } from '@ionic/react';
import { useEffect } from 'react';
import '../theme/upload.css';
import { useTranslation } from 'react-i18next';
import { LoadListItem } from '../components/LoadListItem.tsx';
import { LoadProblem } from '../components/LoadProblem.tsx';
import { PageHeader } from '../components/PageHeader.tsx';
import { formatMoment } from '../lib/dates.ts';
import { formatCount } from '../lib/numbers.ts';
import { chosenTimeZone } from '../lib/summary.ts';
import { canUpload } from '../lib/uploads.ts';
import { selectLanguage, usePreferences } from '../stores/preferences.ts';
import { selectProfile, useProfile } from '../stores/profile.ts';
import { useLoads } from '../stores/loads.ts';
import { selectCurrentWorkspace, useWorkspace } from '../stores/workspace.ts';

/** The workspace's uploads, newest first, live: status, counts, time and who. */
export default function LoadsPage() {
  const { t } = useTranslation();
  const workspace = useWorkspace(selectCurrentWorkspace);
  const language = usePreferences(selectLanguage);
  const timeZone = chosenTimeZone(useProfile(selectProfile)?.timeZone);
  const loads = useLoads((s) => s.loads);
  const names = useLoads((s) => s.names);
  const status = useLoads((s) => s.status);
  const shownFor = useLoads((s) => s.workspaceId);
  const workspaceId = workspace?.workspaceId;

  useEffect(() => {
    if (!workspaceId) return undefined;
    void useLoads.getState().load(workspaceId);
    return useLoads.getState().follow(workspaceId);
  }, [workspaceId]);

  const refresh = async (event: CustomEvent<RefresherEventDetail>) => {
    if (workspaceId) await useLoads.getState().load(workspaceId, true);
    event.detail.complete();
  };

  const body = () => {
    if (!workspaceId) return <IonNote>{t('workspaces.none')}</IonNote>;
    if (status === 'failed' && loads.length === 0) return <LoadProblem onRetry={() => void useLoads.getState().load(workspaceId)} />;
    if (shownFor !== workspaceId || (status === 'loading' && loads.length === 0))
      return (
        <div className="centered">
          <IonSpinner aria-label={t('common.wait')} />
        </div>
      );
    if (loads.length === 0) return <IonNote>{t('loads.none')}</IonNote>;
    return (
      <IonList data-loads="list">
        {loads.map((load) => (
          <LoadListItem
            key={load.id}
            load={load}
            who={(load.createdBy && names[load.createdBy]) || t('loads.someone')}
            when={formatMoment(load.finishedAt ?? load.startedAt, language, timeZone)}
            accepted={formatCount(load.rowsAccepted, language)}
            rejected={formatCount(load.rowsRejected, language)}
          />
        ))}
      </IonList>
    );
  };

  return (
    <IonPage data-page="loads">
      <PageHeader title={t('loads.title')} subtitle={workspace?.workspaceName} />
      <IonContent>
        <IonRefresher slot="fixed" onIonRefresh={(e) => void refresh(e)}>
          <IonRefresherContent />
        </IonRefresher>
        <div className="page-body">
          {canUpload(workspace?.role) && (
            <IonButton routerLink="/app/upload" fill="outline" data-action="new-upload">
              {t('loads.newUpload')}
            </IonButton>
          )}
          {body()}
        </div>
      </IonContent>
    </IonPage>
  );
}
