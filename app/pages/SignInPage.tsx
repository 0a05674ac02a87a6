import { IonContent, IonPage, IonRouterLink, IonText, useIonRouter } from '@ionic/react';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { AuthCard } from '../components/AuthCard.tsx';
import { CredentialsForm, type Credentials } from '../components/CredentialsForm.tsx';
import { LanguageSwitch } from '../components/LanguageSwitch.tsx';
import { api } from '../lib/backend.ts';
import { reportError } from '../stores/notices.ts';
import { selectLanguage, usePreferences } from '../stores/preferences.ts';
import { selectStatus, useSession } from '../stores/session.ts';

/** Email and password sign-in; accounts come from invitation links, so there is no open sign-up. */
export default function SignInPage() {
  const { t } = useTranslation();
  const router = useIonRouter();
  const status = useSession(selectStatus);
  const language = usePreferences(selectLanguage);
  const chooseLanguage = usePreferences((s) => s.chooseLanguage);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    if (status === 'signedIn') router.push('/app/summary', 'root', 'replace');
  }, [status, router]);

  const signIn = async ({ email, password }: Credentials) => {
    setBusy(true);
    try {
      await api().signIn(email, password);
    } catch (error) {
      reportError(error);
    } finally {
      setBusy(false);
    }
  };

  return (
    <IonPage data-page="sign-in">
      <IonContent className="ion-padding">
        <AuthCard title={t('signIn.title')} subtitle={t('signIn.subtitle')}>
          <CredentialsForm submitLabel={t('signIn.submit')} busy={busy} onSubmit={(c) => void signIn(c)} />
          <p className="auth-links">
            <IonRouterLink routerLink="/recover">{t('signIn.forgot')}</IonRouterLink>
          </p>
          <IonText color="medium">
            <p className="auth-note">{t('signIn.noAccount')}</p>
          </IonText>
        </AuthCard>
        <div className="auth-footer">
          <LanguageSwitch value={language} onChange={chooseLanguage} />
        </div>
      </IonContent>
    </IonPage>
  );
}
