import { IonContent, IonPage, IonRouterLink, useIonRouter } from '@ionic/react';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useLocation } from 'react-router-dom';
import { AuthCard } from '../components/AuthCard.tsx';
import { NewPasswordForm } from '../components/NewPasswordForm.tsx';
import { api } from '../lib/backend.ts';
import { reportError, reportSuccess, useNotices } from '../stores/notices.ts';
import { selectUser, useSession } from '../stores/session.ts';

/** Auth sends a spent or expired recovery link back with `#error_code=…` instead of a session. */
function linkError(hash: string): string | null {
  return new URLSearchParams(hash.replace(/^#/, '')).get('error_code');
}

/**
 * Sets a new password. Arriving from the emailed link the person is already signed in;
 * otherwise they type the email and the code from the same email.
 */
export default function ResetPasswordPage() {
  const { t } = useTranslation();
  const router = useIonRouter();
  const location = useLocation();
  const user = useSession(selectUser);
  const [busy, setBusy] = useState(false);
  const initialEmail = new URLSearchParams(location.search).get('email') ?? '';

  useEffect(() => {
    if (linkError(window.location.hash)) useNotices.getState().push({ key: 'errors.linkExpired' }, 'error');
  }, []);

  const save = async ({ password, email, code }: { password: string; email: string; code: string }) => {
    setBusy(true);
    try {
      if (!user) await api().verifyRecoveryCode(email, code);
      await api().setPassword(password);
      useSession.setState({ recovering: false });
      reportSuccess('reset.done');
      router.push('/app/summary', 'root', 'replace');
    } catch (error) {
      reportError(error);
    } finally {
      setBusy(false);
    }
  };

  return (
    <IonPage data-page="reset-password">
      <IonContent className="ion-padding">
        <AuthCard title={t('reset.title')} subtitle={user ? t('reset.forAccount', { email: user.email }) : t('reset.withCode')}>
          <NewPasswordForm busy={busy} withCode={user ? undefined : { initialEmail }} onSubmit={(values) => void save(values)} />
          <p className="auth-links">
            <IonRouterLink routerLink={user ? '/app/summary' : '/recover'}>{t(user ? 'reset.cancel' : 'reset.newCode')}</IonRouterLink>
          </p>
        </AuthCard>
      </IonContent>
    </IonPage>
  );
}
