import { IonIcon, IonLabel, IonRouterOutlet, IonTabBar, IonTabButton, IonTabs, useIonRouter } from '@ionic/react';
import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { Navigate, Route } from 'react-router-dom';
import { destinationsFor } from '../navigation.ts';
import { selectStatus, useSession } from '../stores/session.ts';
import { selectCurrentWorkspace, useWorkspace } from '../stores/workspace.ts';
import { lazyPage } from '../components/lazyPage.tsx';
import SummaryPage from './SummaryPage.tsx';

// The summary is the phone's home screen and comes with the app; every other screen loads when first opened.
const AnalyticsPage = lazyPage(() => import('./AnalyticsPage.tsx'));
const LoadPage = lazyPage(() => import('./LoadPage.tsx'));
const LoadsPage = lazyPage(() => import('./LoadsPage.tsx'));
const MembersPage = lazyPage(() => import('./MembersPage.tsx'));
const OfferPage = lazyPage(() => import('./OfferPage.tsx'));
const OffersPage = lazyPage(() => import('./OffersPage.tsx'));
const ProfilePage = lazyPage(() => import('./ProfilePage.tsx'));
const ProgramPage = lazyPage(() => import('./ProgramPage.tsx'));
const ProgramsPage = lazyPage(() => import('./ProgramsPage.tsx'));
const SettingsPage = lazyPage(() => import('./SettingsPage.tsx'));
const UploadPage = lazyPage(() => import('./UploadPage.tsx'));
const WorkspacesPage = lazyPage(() => import('./WorkspacesPage.tsx'));

/**
 * The signed-in app: its screens as tabs. The tab bar is for phones; from 768 px wide the
 * side menu (App.tsx) takes its place and the bar is hidden by CSS.
 */
export default function MainTabs() {
  const { t } = useTranslation();
  const router = useIonRouter();
  const status = useSession(selectStatus);
  const role = useWorkspace(selectCurrentWorkspace)?.role;

  useEffect(() => {
    if (status === 'signedOut') router.push('/sign-in', 'root', 'replace');
  }, [status, router]);

  return (
    <IonTabs>
      <IonRouterOutlet>
        <Route path="/app/summary" element={<SummaryPage />} />
        <Route path="/app/analytics" element={<AnalyticsPage />} />
        <Route path="/app/offers" element={<OffersPage />} />
        <Route path="/app/offers/:offerId" element={<OfferPage />} />
        <Route path="/app/programs" element={<ProgramsPage />} />
        <Route path="/app/programs/:programId" element={<ProgramPage />} />
        <Route path="/app/upload" element={<UploadPage />} />
        <Route path="/app/loads" element={<LoadsPage />} />
        <Route path="/app/loads/:loadId" element={<LoadPage />} />
        <Route path="/app/workspaces" element={<WorkspacesPage />} />
        <Route path="/app/members" element={<MembersPage />} />
        <Route path="/app/profile" element={<ProfilePage />} />
        <Route path="/app/settings" element={<SettingsPage />} />
        <Route path="/app" element={<Navigate to="/app/summary" replace />} />
      </IonRouterOutlet>
      <IonTabBar slot="bottom" className="app-tab-bar">
        {destinationsFor(role).filter((d) => !d.menuOnly).map((d) => (
          <IonTabButton key={d.tab} tab={d.tab} href={d.path}>
            <IonIcon icon={d.icon} aria-hidden="true" />
            <IonLabel>{t(d.labelKey)}</IonLabel>
          </IonTabButton>
        ))}
      </IonTabBar>
    </IonTabs>
  );
}
