import { IonButton, IonContent, IonPage, IonSpinner, useIonAlert } from '@ionic/react';
import { useEffect } from 'react';
import '../theme/upload.css';
import { useTranslation } from 'react-i18next';
import { useParams } from 'react-router-dom';
import { LoadErrorsList } from '../components/LoadErrorsList.tsx';
import { LoadFacts } from '../components/LoadFacts.tsx';
import { LoadOriginalRetention } from '../components/LoadOriginalRetention.tsx';
import { LoadProblem } from '../components/LoadProblem.tsx';
import { PageHeader } from '../components/PageHeader.tsx';
import { formatDate, formatMoment } from '../lib/dates.ts';
import { formatCount } from '../lib/numbers.ts';
import { chosenTimeZone } from '../lib/summary.ts';
import { canUpload, finishedStatuses, originalKeptUntil } from '../lib/uploads.ts';
import { selectLanguage, usePreferences } from '../stores/preferences.ts';
import { selectProfile, useProfile } from '../stores/profile.ts';
import { errorsPageSize, useLoads } from '../stores/loads.ts';
import { selectRetentionOf, useRetention } from '../stores/retention.ts';
import { selectCurrentWorkspace, useWorkspace } from '../stores/workspace.ts';

/**
 * One load: its counters, its original file (until when it is kept, or when retention removed
 * it), rejected rows (as CSV too), and Roll back / Re-apply after a confirmation.
 */
export default function LoadPage() {
  const { t } = useTranslation();
  const { loadId = '' } = useParams();
  const [confirm] = useIonAlert();
  const workspace = useWorkspace(selectCurrentWorkspace);
  const language = usePreferences(selectLanguage);
  const timeZone = chosenTimeZone(useProfile(selectProfile)?.timeZone);
  const detail = useLoads((s) => s.detail);
  const detailStatus = useLoads((s) => s.detailStatus);
  const names = useLoads((s) => s.names);
  const busy = useLoads((s) => s.busy);
  const originalGone = useLoads((s) => s.originalGone);
  const workspaceId = workspace?.workspaceId;
  const retention = useRetention(selectRetentionOf(workspaceId));
  const count = (n: number) => formatCount(n, language);

  useEffect(() => {
    if (loadId) void useLoads.getState().open(loadId);
  }, [loadId]);

  useEffect(() => (workspaceId ? useLoads.getState().follow(workspaceId) : undefined), [workspaceId]);

  useEffect(() => {
    if (workspaceId) void useRetention.getState().load(workspaceId);
  }, [workspaceId]);

  const ask = (action: 'rollback' | 'reapply') =>
    void confirm({
      header: t(`loads.confirm.${action}.title`),
      message: t(`loads.confirm.${action}.text`),
      cssClass: `load-confirm-${action}`,
      buttons: [
        { text: t('common.cancel'), role: 'cancel' },
        { text: t(`loads.confirm.${action}.ok`), role: 'confirm', handler: () => void useLoads.getState().change(action, loadId) },
      ],
    });

  const body = () => {
    if (!detail || detail.load.id !== loadId) {
      if (detailStatus === 'failed') return <LoadProblem onRetry={() => void useLoads.getState().open(loadId)} />;
      return (
        <div className="centered">
          <IonSpinner aria-label={t('common.wait')} />
        </div>
      );
    }
    const { load, errors, total, offset } = detail;
    const mayChange = canUpload(workspace?.role);
    const keptUntil = retention === undefined ? null : originalKeptUntil(load, retention);
    const removed = load.originalRemovedAt !== null;
    return (
      <>
        <LoadFacts
          load={load}
          counts={{ read: count(load.rowsRead), accepted: count(load.rowsAccepted), rejected: count(load.rowsRejected), superseded: count(load.rowsSuperseded) }}
          who={(load.createdBy && names[load.createdBy]) || t('loads.someone')}
          started={formatMoment(load.startedAt, language, timeZone)}
          finished={load.finishedAt ? formatMoment(load.finishedAt, language, timeZone) : null}
        />
        <div className="load-actions">
          <IonButton fill="outline" disabled={busy || removed || originalGone === load.id} onClick={() => workspaceId && void useLoads.getState().downloadOriginal(workspaceId, load)} data-action="download-original">
            {t('loads.original')}
          </IonButton>
          {mayChange && load.status === 'done' && (
            <IonButton color="warning" disabled={busy} onClick={() => ask('rollback')} data-action="rollback">
              {t('loads.rollback')}
            </IonButton>
          )}
          {mayChange && load.status === 'rolled_back' && (
            <IonButton disabled={busy} onClick={() => ask('reapply')} data-action="reapply">
              {t('loads.reapply')}
            </IonButton>
          )}
        </div>
        <LoadOriginalRetention
          removedOn={load.originalRemovedAt ? formatDate(load.originalRemovedAt, language, timeZone) : null}
          keptUntil={keptUntil && retention ? { day: formatDate(keptUntil, language, timeZone), days: retention } : null}
          keptForever={retention === null && finishedStatuses.has(load.status)}
          gone={originalGone === load.id}
          timeZone={timeZone}
        />
        <LoadErrorsList
          errors={errors}
          total={count(total)}
          range={t('loads.range', { from: count(offset + 1), to: count(offset + errors.length) })}
          hasPrevious={offset > 0}
          hasNext={offset + errors.length < total}
          busy={busy}
          onPrevious={() => void useLoads.getState().open(loadId, Math.max(0, offset - errorsPageSize))}
          onNext={() => void useLoads.getState().open(loadId, offset + errorsPageSize)}
          onDownload={() => void useLoads.getState().downloadRejected(load)}
        />
      </>
    );
  };

  return (
    <IonPage data-page="load">
      <PageHeader title={t('loads.detailTitle')} subtitle={workspace?.workspaceName} />
      <IonContent>
        <div className="page-body">
          <IonButton fill="clear" routerLink="/app/loads" routerDirection="back" data-action="back-to-loads">
            {t('loads.back')}
          </IonButton>
          {body()}
        </div>
      </IonContent>
    </IonPage>
  );
}
