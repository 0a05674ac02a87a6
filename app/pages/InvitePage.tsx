import { IonButton, IonContent, IonLabel, IonPage, IonRouterLink, IonSegment, IonSegmentButton, IonSpinner, useIonRouter } from '@ionic/react';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useParams } from 'react-router-dom';
import { AuthCard } from '../components/AuthCard.tsx';
import { CredentialsForm, type Credentials } from '../components/CredentialsForm.tsx';
import { InvitationOutcome } from '../components/InvitationOutcome.tsx';
import { api } from '../lib/backend.ts';
import { describeError, type UserMessage } from '../lib/errors.ts';
import { reportError, reportSuccess } from '../stores/notices.ts';
import { selectLanguage, usePreferences } from '../stores/preferences.ts';
import { selectUser, useSession } from '../stores/session.ts';
import { useWorkspace } from '../stores/workspace.ts';

const tokenPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The invitation link, /invite/<token>: create an account (or sign in) with the invited
 * address, then accept_invitation() joins the workspace.
 */
export default function InvitePage() {
  const { t } = useTranslation();
  const router = useIonRouter();
  const { token = '' } = useParams();
  const user = useSession(selectUser);
  const language = usePreferences(selectLanguage);
  const [mode, setMode] = useState<'signUp' | 'signIn'>('signUp');
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<UserMessage | null>(tokenPattern.test(token) ? null : { key: 'invitation.notFound' });

  const accept = async (userId: string) => {
    try {
      const { workspaceId } = await api().acceptInvitation(token);
      await useWorkspace.getState().load(userId);
      useWorkspace.getState().choose(userId, workspaceId);
      reportSuccess('invitation.joined');
      router.push('/app/summary', 'root', 'replace');
    } catch (error) {
      const message = describeError(error);
      if (message.key.startsWith('invitation.')) setProblem(message);
      else reportError(error);
    }
  };

  const run = async (step: () => Promise<void>) => {
    setBusy(true);
    try {
      await step();
    } finally {
      setBusy(false);
    }
  };

  const authenticateAndAccept = (c: Credentials) =>
    run(async () => {
      try {
        const signedIn = mode === 'signUp' ? await api().signUp(c.email, c.password, c.displayName, language) : await api().signIn(c.email, c.password);
        if (signedIn) await accept(signedIn.id);
        else setProblem({ key: 'invitation.confirmEmail' });
      } catch (error) {
        if (describeError(error).key === 'errors.accountExists') setMode('signIn');
        reportError(error);
      }
    });

  const switchAccount = () =>
    run(async () => {
      try {
        await api().signOut();
        setProblem(null);
        setMode('signIn');
      } catch (error) {
        reportError(error);
      }
    });

  return (
    <IonPage data-page="invite">
      <IonContent className="ion-padding">
        <AuthCard title={t('invitation.title')} subtitle={t('invitation.subtitle')}>
          {problem ? (
            <InvitationOutcome problem={problem} signedInAs={user?.email ?? null} onUseAnotherAccount={() => void switchAccount()} onContinue={() => router.push('/app/summary', 'root', 'replace')} />
          ) : user ? (
            <div className="stack">
              <p>{t('invitation.signedInAs', { email: user.email })}</p>
              <IonButton expand="block" disabled={busy} onClick={() => void run(() => accept(user.id))}>
                {busy ? <IonSpinner name="dots" aria-label={t('common.wait')} /> : t('invitation.accept')}
              </IonButton>
              <IonButton expand="block" fill="outline" disabled={busy} onClick={() => void switchAccount()}>
                {t('invitation.useAnotherAccount')}
              </IonButton>
            </div>
          ) : (
            <div className="stack">
              <IonSegment value={mode} onIonChange={(e) => setMode(e.detail.value === 'signIn' ? 'signIn' : 'signUp')}>
                <IonSegmentButton value="signUp">
                  <IonLabel>{t('invitation.newAccount')}</IonLabel>
                </IonSegmentButton>
                <IonSegmentButton value="signIn">
                  <IonLabel>{t('invitation.haveAccount')}</IonLabel>
                </IonSegmentButton>
              </IonSegment>
              <CredentialsForm
                key={mode}
                newAccount={mode === 'signUp'}
                submitLabel={t(mode === 'signUp' ? 'invitation.signUpAndJoin' : 'invitation.signInAndJoin')}
                busy={busy}
                onSubmit={(c) => void authenticateAndAccept(c)}
              />
            </div>
          )}
          {!user && (
            <p className="auth-links">
              <IonRouterLink routerLink="/sign-in">{t('invitation.toSignIn')}</IonRouterLink>
            </p>
          )}
        </AuthCard>
      </IonContent>
    </IonPage>
  );
}
