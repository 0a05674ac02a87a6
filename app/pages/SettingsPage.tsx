import { IonContent, IonIcon, IonItem, IonLabel, IonList, IonListHeader, IonNote, IonPage, IonSegment, IonSegmentButton } from '@ionic/react';
import { businessOutline, notificationsOutline, peopleOutline, personCircleOutline } from 'ionicons/icons';
import { useTranslation } from 'react-i18next';
import { LanguageSwitch } from '../components/LanguageSwitch.tsx';
import { PageHeader } from '../components/PageHeader.tsx';
import type { Locale } from '../lib/dataApi.ts';
import { themes, type Theme } from '../lib/theme.ts';
import { selectLanguage, selectTheme, usePreferences } from '../stores/preferences.ts';
import { useProfile } from '../stores/profile.ts';
import { selectUser, useSession } from '../stores/session.ts';

/** This device's look and language; the language is saved to the profile too, for alerts. */
export default function SettingsPage() {
  const { t } = useTranslation();
  const user = useSession(selectUser);
  const language = usePreferences(selectLanguage);
  const theme = usePreferences(selectTheme);
  const chooseLanguage = usePreferences((s) => s.chooseLanguage);
  const chooseTheme = usePreferences((s) => s.chooseTheme);

  const changeLanguage = (next: Locale) => {
    chooseLanguage(next);
    const profile = useProfile.getState().profile;
    if (user && profile && profile.locale !== next) void useProfile.getState().save(user.id, { locale: next });
  };

  return (
    <IonPage data-page="settings">
      <PageHeader title={t('settings.title')} />
      <IonContent>
        <div className="page-body">
          <IonList inset>
            <IonItem routerLink="/app/workspaces" detail data-link="workspaces">
              <IonIcon slot="start" icon={businessOutline} aria-hidden="true" />
              <IonLabel>{t('nav.workspaces')}</IonLabel>
            </IonItem>
            <IonItem routerLink="/app/members" detail data-link="members">
              <IonIcon slot="start" icon={peopleOutline} aria-hidden="true" />
              <IonLabel>{t('members.nav')}</IonLabel>
            </IonItem>
            <IonItem routerLink="/app/profile" detail data-link="profile">
              <IonIcon slot="start" icon={personCircleOutline} aria-hidden="true" />
              <IonLabel>{t('nav.profile')}</IonLabel>
            </IonItem>
            <IonItem routerLink="/app/settings/alerts" detail data-link="alert-settings">
              <IonIcon slot="start" icon={notificationsOutline} aria-hidden="true" />
              <IonLabel>{t('alertSettings.nav')}</IonLabel>
            </IonItem>
          </IonList>
          <IonList inset>
            <IonListHeader>
              <IonLabel>{t('settings.theme')}</IonLabel>
            </IonListHeader>
            <div className="list-block">
              <IonSegment value={theme} aria-label={t('settings.theme')} onIonChange={(e) => chooseTheme(themes.find((x) => x === e.detail.value) ?? 'system')}>
                {themes.map((x: Theme) => (
                  <IonSegmentButton key={x} value={x}>
                    <IonLabel>{t(`settings.themes.${x}`)}</IonLabel>
                  </IonSegmentButton>
                ))}
              </IonSegment>
            </div>
          </IonList>
          <IonList inset>
            <IonListHeader>
              <IonLabel>{t('settings.language')}</IonLabel>
            </IonListHeader>
            <div className="list-block">
              <LanguageSwitch value={language} onChange={changeLanguage} />
            </div>
          </IonList>
          <p className="ion-padding-horizontal">
            <IonNote>{t('settings.version', { version: __APP_VERSION__ })}</IonNote>
          </p>
        </div>
      </IonContent>
    </IonPage>
  );
}
