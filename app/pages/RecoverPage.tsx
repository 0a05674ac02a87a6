import { IonButton, IonContent, IonInput, IonPage, IonRouterLink, IonSpinner } from '@ionic/react';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { AuthCard } from '../components/AuthCard.tsx';
import { api } from '../lib/backend.ts';
import { reportError } from '../stores/notices.ts';

/** Asks for a password-recovery email: a link back to /reset-password and a one-time code. */
export default function RecoverPage() {
  const { t } = useTranslation();
  const [email, setEmail] = useState('');
  const [busy, setBusy] = useState(false);
  const [sentTo, setSentTo] = useState<string | null>(null);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (busy || email.trim() === '') return;
    setBusy(true);
    try {
      await api().requestPasswordReset(email.trim(), `${window.location.origin}/reset-password`);
      setSentTo(email.trim());
    } catch (error) {
      reportError(error);
    } finally {
      setBusy(false);
    }
  };

  return (
    <IonPage data-page="recover">
      <IonContent className="ion-padding">
        <AuthCard title={t('recover.title')} subtitle={sentTo ? undefined : t('recover.subtitle')}>
          {sentTo ? (
            <div className="stack" role="status">
              <p>{t('recover.sent', { email: sentTo })}</p>
              <IonButton expand="block" routerLink={`/reset-password?email=${encodeURIComponent(sentTo)}`}>
                {t('recover.enterCode')}
              </IonButton>
            </div>
          ) : (
            <form className="stack" onSubmit={(e) => void submit(e)} noValidate>
              <IonInput name="email" type="email" label={t('auth.email')} labelPlacement="floating" fill="outline" autocomplete="email" value={email} onIonInput={(e) => setEmail(e.detail.value ?? '')} />
              <IonButton type="submit" expand="block" disabled={busy || email.trim() === ''}>
                {busy ? <IonSpinner name="dots" aria-label={t('common.wait')} /> : t('recover.submit')}
              </IonButton>
            </form>
          )}
          <p className="auth-links">
            <IonRouterLink routerLink="/sign-in">{t('recover.back')}</IonRouterLink>
          </p>
        </AuthCard>
      </IonContent>
    </IonPage>
  );
}
