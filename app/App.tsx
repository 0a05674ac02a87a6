import { IonApp, IonRouterOutlet, IonSplitPane, useIonRouter } from '@ionic/react';
import { IonReactRouter } from '@ionic/react-router';
import { useEffect } from 'react';
import { Navigate, Route, useLocation } from 'react-router-dom';
import { lazyPage } from './components/lazyPage.tsx';
import { NoticeToast } from './components/NoticeToast.tsx';
import { OfflineBanner } from './components/OfflineBanner.tsx';
import { SideMenu } from './components/SideMenu.tsx';
import { UpdateToast } from './components/UpdateToast.tsx';
import { retryConnection } from './lib/backend.ts';
import { applyLanguage } from './lib/i18n.ts';
import { nativePush } from './lib/nativePush.ts';
import { applyTheme } from './lib/theme.ts';
import { destinationsFor } from './navigation.ts';
import MainTabs from './pages/MainTabs.tsx';
import { selectActivateUpdate, selectReachable, useConnection } from './stores/connection.ts';
import { selectCurrentNotice, useNotices } from './stores/notices.ts';
import { selectLanguage, selectTheme, usePreferences } from './stores/preferences.ts';
import { selectProfile, useProfile } from './stores/profile.ts';
import { selectRecovering, selectUser, signOut, useSession } from './stores/session.ts';
import { selectCurrentWorkspace, useWorkspace } from './stores/workspace.ts';

// Screens for signed-out people load when opened: a signed-in phone starts on the summary without them.
const InvitePage = lazyPage(() => import('./pages/InvitePage.tsx'));
const RecoverPage = lazyPage(() => import('./pages/RecoverPage.tsx'));
const ResetPasswordPage = lazyPage(() => import('./pages/ResetPasswordPage.tsx'));
const SignInPage = lazyPage(() => import('./pages/SignInPage.tsx'));

/** Side menu and routes; inside the router, so it can read the location and navigate. */
function Shell() {
  const location = useLocation();
  const router = useIonRouter();
  const user = useSession(selectUser);
  const recovering = useSession(selectRecovering);
  const workspace = useWorkspace(selectCurrentWorkspace);
  const profile = useProfile(selectProfile);

  useEffect(() => {
    // A recovery link that Auth sent to the site root instead of /reset-password.
    if (recovering && location.pathname !== '/reset-password') router.push('/reset-password', 'root', 'replace');
  }, [recovering, location.pathname, router]);

  // A tapped notification on a phone opens the screen it names.
  useEffect(() => nativePush?.onLink((path) => router.push(path)), [router]);

  return (
    <IonSplitPane contentId="main" when="(min-width: 768px)">
      <SideMenu
        contentId="main"
        disabled={!user}
        destinations={destinationsFor(workspace?.role)}
        currentPath={location.pathname}
        workspace={workspace}
        personName={profile?.displayName || user?.email || ''}
        onSignOut={() => void signOut()}
      />
      <IonRouterOutlet id="main">
        <Route path="/sign-in" element={<SignInPage />} />
        <Route path="/invite/:token" element={<InvitePage />} />
        <Route path="/recover" element={<RecoverPage />} />
        <Route path="/reset-password" element={<ResetPasswordPage />} />
        <Route path="/app/*" element={<MainTabs />} />
        <Route path="/" element={<Navigate to="/app/summary" replace />} />
        <Route path="*" element={<Navigate to="/app/summary" replace />} />
      </IonRouterOutlet>
    </IonSplitPane>
  );
}

/** The whole app: theme and language applied, the offline banner, toasts and the update offer. */
export default function App() {
  const language = usePreferences(selectLanguage);
  const theme = usePreferences(selectTheme);
  const reachable = useConnection(selectReachable);
  const activateUpdate = useConnection(selectActivateUpdate);
  const postponeUpdate = useConnection((s) => s.postponeUpdate);
  const notice = useNotices(selectCurrentNotice);
  const dismissNotice = useNotices((s) => s.dismiss);

  useEffect(() => void applyLanguage(language), [language]);
  useEffect(() => applyTheme(theme), [theme]);

  return (
    <>
      <OfflineBanner visible={!reachable} onRetry={retryConnection} />
      <IonApp>
        <IonReactRouter>
          <Shell />
        </IonReactRouter>
        <NoticeToast notice={notice} onDismiss={dismissNotice} />
        <UpdateToast open={activateUpdate !== null} onReload={() => activateUpdate?.()} onLater={postponeUpdate} />
      </IonApp>
    </>
  );
}
