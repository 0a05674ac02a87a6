import { IonButton, IonContent, IonIcon, IonNote, IonPage, IonRefresher, IonRefresherContent, IonSpinner, useIonAlert, type RefresherEventDetail } from '@ionic/react';
import { addOutline } from 'ionicons/icons';
import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { ImportRetentionSetting } from '../components/ImportRetentionSetting.tsx';
import { LoadProblem } from '../components/LoadProblem.tsx';
import { PageHeader } from '../components/PageHeader.tsx';
import { WorkspaceList } from '../components/WorkspaceList.tsx';
import { api } from '../lib/backend.ts';
import { reportError, reportSuccess } from '../stores/notices.ts';
import { selectRetentionOf, useRetention } from '../stores/retention.ts';
import { selectUser, useSession } from '../stores/session.ts';
import { selectCurrentWorkspace, selectMemberships, selectWorkspaceStatus, useWorkspace } from '../stores/workspace.ts';

/**
 * The workspace switcher: the person's workspaces and roles; the choice is remembered on this
 * device. Below, the chosen workspace's retention of imported originals (admins change it).
 */
export default function WorkspacesPage() {
  const { t } = useTranslation();
  const [prompt] = useIonAlert();
  const user = useSession(selectUser);
  const memberships = useWorkspace(selectMemberships);
  const currentId = useWorkspace((s) => s.currentId);
  const status = useWorkspace(selectWorkspaceStatus);
  const choose = useWorkspace((s) => s.choose);
  const load = useWorkspace((s) => s.load);
  const current = useWorkspace(selectCurrentWorkspace);
  const retention = useRetention(selectRetentionOf(currentId ?? undefined));
  const savingRetention = useRetention((s) => s.saving);

  useEffect(() => {
    if (currentId) void useRetention.getState().load(currentId);
  }, [currentId]);

  const refresh = async (event: CustomEvent<RefresherEventDetail>) => {
    if (user) await load(user.id);
    event.detail.complete();
  };

  const create = async (name: string) => {
    if (!user || name.trim() === '') return;
    try {
      const workspaceId = await api().createWorkspace(name.trim());
      await load(user.id);
      choose(user.id, workspaceId);
      reportSuccess('workspaces.created', { name: name.trim() });
    } catch (error) {
      reportError(error);
    }
  };

  const askName = () =>
    void prompt({
      header: t('workspaces.newTitle'),
      inputs: [{ name: 'name', placeholder: t('workspaces.newName'), attributes: { maxlength: 120 } }],
      buttons: [
        { text: t('common.cancel'), role: 'cancel' },
        { text: t('workspaces.create'), handler: (values: { name?: string }) => void create(values.name ?? '') },
      ],
    });

  return (
    <IonPage data-page="workspaces">
      <PageHeader title={t('workspaces.title')} />
      <IonContent>
        <IonRefresher slot="fixed" onIonRefresh={(e) => void refresh(e)}>
          <IonRefresherContent />
        </IonRefresher>
        <div className="page-body">
          {status === 'failed' && user ? (
            <LoadProblem onRetry={() => void load(user.id)} />
          ) : status !== 'ready' ? (
            <div className="centered">
              <IonSpinner aria-label={t('common.wait')} />
            </div>
          ) : (
            <>
              {memberships.length > 0 ? (
                <WorkspaceList memberships={memberships} currentId={currentId} onChoose={(id) => user && choose(user.id, id)} />
              ) : (
                <IonNote className="ion-padding">{t('summary.noWorkspaceText')}</IonNote>
              )}
              <p className="ion-padding-horizontal">
                <IonNote>{t('workspaces.remembered')}</IonNote>
              </p>
              {current && (
                <ImportRetentionSetting
                  workspaceName={current.workspaceName}
                  days={retention}
                  canChange={current.role === 'admin'}
                  disabled={savingRetention}
                  onChange={(days) => void useRetention.getState().change(current.workspaceId, days)}
                />
              )}
              <div className="ion-padding-horizontal">
                <IonButton fill="outline" onClick={askName}>
                  <IonIcon slot="start" icon={addOutline} aria-hidden="true" />
                  {t('workspaces.new')}
                </IonButton>
              </div>
            </>
          )}
        </div>
      </IonContent>
    </IonPage>
  );
}
