import { IonIcon, IonLabel, IonRouterOutlet, IonTabBar, IonTabButton, IonTabs, useIonRouter } from '@ionic/react';
import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { Navigate, Route } from 'react-router-dom';
import { destinations } from '../navigation.ts';
import { selectStatus, useSession } from '../stores/session.ts';
import ProfilePage from './ProfilePage.tsx';
import SettingsPage from './SettingsPage.tsx';
import SummaryPage from './SummaryPage.tsx';
import WorkspacesPage from './WorkspacesPage.tsx';

/**
 * The signed-in app: its screens as tabs. The tab bar is for phones; from 768 px wide the
 * side menu (App.tsx) takes its place and the bar is hidden by CSS.
 */
export default function MainTabs() {
  const { t } = useTranslation();
  const router = useIonRouter();
  const status = useSession(selectStatus);

  useEffect(() => {
    if (status === 'signedOut') router.push('/sign-in', 'root', 'replace');
  }, [status, router]);

  return (
    <IonTabs>
      <IonRouterOutlet>
        <Route path="/app/summary" element={<SummaryPage />} />
        <Route path="/app/workspaces" element={<WorkspacesPage />} />
        <Route path="/app/profile" element={<ProfilePage />} />
        <Route path="/app/settings" element={<SettingsPage />} />
        <Route path="/app" element={<Navigate to="/app/summary" replace />} />
      </IonRouterOutlet>
      <IonTabBar slot="bottom" className="app-tab-bar">
        {destinations.map((d) => (
          <IonTabButton key={d.tab} tab={d.tab} href={d.path}>
            <IonIcon icon={d.icon} aria-hidden="true" />
            <IonLabel>{t(d.labelKey)}</IonLabel>
          </IonTabButton>
        ))}
      </IonTabBar>
    </IonTabs>
  );
}
