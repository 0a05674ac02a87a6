import { IonContent, IonPage, IonSpinner } from '@ionic/react';
import { useTranslation } from 'react-i18next';
import { LoadProblem } from '../components/LoadProblem.tsx';
import { NoDataYet } from '../components/NoDataYet.tsx';
import { PageHeader } from '../components/PageHeader.tsx';
import { selectUser, useSession } from '../stores/session.ts';
import { selectCurrentWorkspace, selectWorkspaceStatus, useWorkspace } from '../stores/workspace.ts';

/**
 * The KPI summary of the chosen workspace. Until the ETL lands there is nothing to sum, so
 * it says when numbers will appear instead of showing made-up ones.
 */
export default function SummaryPage() {
  const { t } = useTranslation();
  const user = useSession(selectUser);
  const workspace = useWorkspace(selectCurrentWorkspace);
  const status = useWorkspace(selectWorkspaceStatus);

  return (
    <IonPage data-page="summary">
      <PageHeader title={t('summary.title')} subtitle={workspace ? `${workspace.workspaceName} · ${t(`roles.${workspace.role}`)}` : undefined} />
      <IonContent>
        <div className="page-body">
          {status === 'failed' && user ? (
            <LoadProblem onRetry={() => void useWorkspace.getState().load(user.id)} />
          ) : status === 'ready' ? (
            <NoDataYet workspace={workspace} />
          ) : (
            <div className="centered">
              <IonSpinner aria-label={t('common.wait')} />
            </div>
          )}
        </div>
      </IonContent>
    </IonPage>
  );
}
