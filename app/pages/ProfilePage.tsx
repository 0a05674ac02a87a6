import { IonButton, IonContent, IonIcon, IonPage, IonSpinner } from '@ionic/react';
import { keyOutline, logOutOutline } from 'ionicons/icons';
import { useTranslation } from 'react-i18next';
import { LoadProblem } from '../components/LoadProblem.tsx';
import { PageHeader } from '../components/PageHeader.tsx';
import { ProfileForm } from '../components/ProfileForm.tsx';
import { PushDevice } from '../components/PushDevice.tsx';
import { TelegramLink } from '../components/TelegramLink.tsx';
import type { ProfileChanges } from '../lib/dataApi.ts';
import { reportSuccess } from '../stores/notices.ts';
import { usePreferences } from '../stores/preferences.ts';
import { selectProfile, selectProfileSaving, selectProfileStatus, useProfile } from '../stores/profile.ts';
import { selectUser, signOut, useSession } from '../stores/session.ts';

/** The person's own settings (the `profiles` row), a password change and signing out. */
export default function ProfilePage() {
  const { t } = useTranslation();
  const user = useSession(selectUser);
  const profile = useProfile(selectProfile);
  const status = useProfile(selectProfileStatus);
  const saving = useProfile(selectProfileSaving);
  const chooseLanguage = usePreferences((s) => s.chooseLanguage);

  const save = async (changes: ProfileChanges) => {
    if (!user || !(await useProfile.getState().save(user.id, changes))) return;
    chooseLanguage(changes.locale);
    reportSuccess('profile.saved');
  };

  return (
    <IonPage data-page="profile">
      <PageHeader title={t('profile.title')} />
      <IonContent>
        <div className="page-body">
          {status === 'failed' && user ? (
            <LoadProblem onRetry={() => void useProfile.getState().load(user.id)} />
          ) : profile && user ? (
            <>
              <ProfileForm key={profile.updatedAt} profile={profile} email={user.email} saving={saving} onSave={(changes) => void save(changes)} />
              <TelegramLink profile={profile} />
              <PushDevice profile={profile} />
            </>
          ) : (
            <div className="centered">
              <IonSpinner aria-label={t('common.wait')} />
            </div>
          )}
          <div className="ion-padding button-column">
            <IonButton expand="block" fill="outline" routerLink="/reset-password">
              <IonIcon slot="start" icon={keyOutline} aria-hidden="true" />
              {t('profile.changePassword')}
            </IonButton>
            <IonButton expand="block" fill="outline" color="danger" onClick={() => void signOut()}>
              <IonIcon slot="start" icon={logOutOutline} aria-hidden="true" />
              {t('auth.signOut')}
            </IonButton>
          </div>
        </div>
      </IonContent>
    </IonPage>
  );
}
