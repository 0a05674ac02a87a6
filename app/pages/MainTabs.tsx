import { IonIcon, IonLabel, IonRouterOutlet, IonTabBar, IonTabButton, IonTabs, useIonRouter } from '@ionic/react';
import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { Navigate, Route } from 'react-router-dom';
import { AlertBell } from '../components/AlertBell.tsx';
import { PageHeaderEnd } from '../components/PageHeader.tsx';
import { destinationsFor } from '../navigation.ts';
import { selectAttentionCount, useAlerts, useAlertsWorkspace } from '../stores/alerts.ts';
import { selectReachable, useConnection } from '../stores/connection.ts';
import { selectStatus, selectUser, useSession } from '../stores/session.ts';
import { selectCurrentWorkspace, useWorkspace } from '../stores/workspace.ts';
import { lazyPage } from '../components/lazyPage.tsx';
import SummaryPage from './SummaryPage.tsx';

// The summary is the phone's home screen and comes with the app; every other screen loads when first opened.
const AlertsPage = lazyPage(() => import('./AlertsPage.tsx'));
const AlertSettingsPage = lazyPage(() => import('./AlertSettingsPage.tsx'));
const CapsPage = lazyPage(() => import('./CapsPage.tsx'));
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

/** The bell with the number of firing alerts nobody has acknowledged. */
function AlertsBell() {
  const { t } = useTranslation();
  const count = useAlerts(selectAttentionCount(useAlertsWorkspace()?.workspaceId));
  return <AlertBell count={count} label={count > 0 ? t('alerts.bellCount', { number: count }) : t('alerts.bell')} href="/app/alerts" />;
}

const bell = <AlertsBell />;

/** Keeps the alerts of the workspace on screen current: live through realtime, again after a reconnect, kept while offline. */
function useFollowAlerts(): void {
  const userId = useSession(selectUser)?.id;
  const workspaceId = useAlertsWorkspace()?.workspaceId;
  const reachable = useConnection(selectReachable);

  useEffect(() => (userId && workspaceId ? useAlerts.getState().follow({ userId, workspaceId }) : undefined), [userId, workspaceId]);

  useEffect(() => {
    const alerts = useAlerts.getState();
    if (!reachable) alerts.showKept();
    else if (alerts.kept === 'offline' || alerts.status === 'failed') void alerts.reload();
  }, [reachable]);
}

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
  useFollowAlerts();

  return (
    <PageHeaderEnd.Provider value={bell}>
      <IonTabs>
        <IonRouterOutlet>
          <Route path="/app/summary" element={<SummaryPage />} />
          <Route path="/app/alerts" element={<AlertsPage />} />
          <Route path="/app/caps" element={<CapsPage />} />
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
          <Route path="/app/settings/alerts" element={<AlertSettingsPage />} />
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
    </PageHeaderEnd.Provider>
  );
}
