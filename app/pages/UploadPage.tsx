import { IonButton, IonContent, IonNote, IonPage, IonSpinner, useIonRouter, useIonToast } from '@ionic/react';
import { useEffect } from 'react';
import '../theme/upload.css';
import { useTranslation } from 'react-i18next';
import { PageHeader } from '../components/PageHeader.tsx';
import { UploadFilePicker } from '../components/UploadFilePicker.tsx';
import { UploadMapping } from '../components/UploadMapping.tsx';
import { UploadPreview } from '../components/UploadPreview.tsx';
import { UploadProgress } from '../components/UploadProgress.tsx';
import { formatBytes, formatCount, formatPercent } from '../lib/numbers.ts';
import { canUpload, uploadSources, type LoadRecord } from '../lib/uploads.ts';
import { uploadProgressView } from '../lib/uploadProgress.ts';
import { selectLanguage, usePreferences } from '../stores/preferences.ts';
import { selectUser, useSession } from '../stores/session.ts';
import { useUpload } from '../stores/uploads.ts';
import { selectCurrentWorkspace, useWorkspace } from '../stores/workspace.ts';

/**
 * Uploading an export: the file, its source and column mapping with a preview, then the file
 * going to Storage (resumable, with its bytes sent) and the load live from the server, with
 * Cancel, Resume after an interruption, and a toast with the outcome when it ends.
 */
export default function UploadPage() {
  const { t } = useTranslation();
  const router = useIonRouter();
  const [presentToast] = useIonToast();
  const user = useSession(selectUser);
  const workspace = useWorkspace(selectCurrentWorkspace);
  const language = usePreferences(selectLanguage);
  const upload = useUpload();
  const workspaceId = workspace?.workspaceId;
  const count = (n: number) => formatCount(n, language);

  useEffect(() => () => useUpload.getState().reset(), [workspaceId]);

  const announce = (load: LoadRecord) => {
    void presentToast({
      message: t(`upload.outcome.${load.status}`, { accepted: count(load.rowsAccepted), rejected: count(load.rowsRejected), file: load.fileName }),
      color: load.status === 'done' ? 'success' : load.status === 'failed' ? 'danger' : 'medium',
      duration: 8_000,
      position: 'top',
      // Side by side, two buttons leave a phone's message a few letters a line.
      layout: 'stacked',
      cssClass: 'upload-outcome',
      buttons: [
        { text: t('upload.openLoad'), handler: () => router.push(`/app/loads/${load.id}`) },
        { text: t('common.close'), role: 'cancel' },
      ],
    });
  };

  const start = async () => {
    if (!workspaceId || !user) return;
    const load = await useUpload.getState().upload(workspaceId, user.id);
    if (load) announce(load);
  };

  // Sending that stopped for want of a connection goes on by itself once the device is online again.
  const interrupted = upload.step === 'interrupted';
  useEffect(() => {
    if (!interrupted) return undefined;
    const resume = () => void start();
    window.addEventListener('online', resume);
    return () => window.removeEventListener('online', resume);
  });

  const body = () => {
    if (!workspace || !user)
      return (
        <div className="centered">
          <IonSpinner aria-label={t('common.wait')} />
        </div>
      );
    if (!canUpload(workspace.role)) return <IonNote>{t('upload.notAllowed')}</IonNote>;
    const { step, file, preview, load } = upload;
    const sending = step === 'uploading';
    const proposal = preview?.proposal ?? null;
    const ready = step === 'ready' && proposal !== null && proposal.missingRequired.length === 0;
    return (
      <>
        <UploadFilePicker fileName={file?.name ?? null} disabled={sending} onFile={(f) => void upload.pickFile(workspace.workspaceId, f)} />
        {upload.fileProblem && (
          <IonNote color="danger" className="upload-problem" data-upload="problem">
            {t(upload.fileProblem.key, upload.fileProblem.values)}
          </IonNote>
        )}
        {step === 'reading' && <IonSpinner aria-label={t('common.wait')} />}
        {preview && step !== 'finished' && (
          <UploadMapping
            sources={uploadSources}
            source={upload.source}
            headers={preview.header.names}
            proposal={proposal}
            remember={upload.remember}
            disabled={sending}
            onSource={(s) => void upload.chooseSource(workspace.workspaceId, s)}
            onColumn={(c, h) => void upload.mapColumn(c, h)}
            onRemember={upload.setRemember}
          />
        )}
        {preview && step === 'ready' && <UploadPreview preview={preview} />}
        {step === 'ready' && (
          <IonButton expand="block" disabled={!ready} onClick={() => void start()} data-action="upload">
            {t('upload.send')}
          </IonButton>
        )}
        {(sending || step === 'interrupted' || step === 'finished') && file && (
          <UploadProgress
            {...uploadProgressView(upload, { count, bytes: (n) => formatBytes(n, language), percent: (f) => formatPercent(f, language), t })}
            fileName={file.name}
            canCancel={sending || step === 'interrupted'}
            cancelling={upload.cancelling}
            onCancel={() => void upload.cancel()}
            onResume={step === 'interrupted' ? () => void start() : null}
          />
        )}
        {step === 'finished' && load && (
          <div className="upload-finished">
            {load.errorSummary && <IonNote data-upload="summary">{load.errorSummary}</IonNote>}
            <IonButton fill="outline" routerLink={`/app/loads/${load.id}`} data-action="open-load">
              {t('upload.openLoad')}
            </IonButton>
            <IonButton fill="clear" onClick={upload.reset} data-action="upload-another">
              {t('upload.another')}
            </IonButton>
          </div>
        )}
      </>
    );
  };

  return (
    <IonPage data-page="upload">
      <PageHeader title={t('upload.title')} subtitle={workspace?.workspaceName} />
      <IonContent>
        <div className="page-body">{body()}</div>
      </IonContent>
    </IonPage>
  );
}
