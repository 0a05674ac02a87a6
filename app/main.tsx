import { setupIonicReact } from '@ionic/react';
import i18next from 'i18next';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import '@ionic/react/css/core.css';
import '@ionic/react/css/normalize.css';
import '@ionic/react/css/structure.css';
import '@ionic/react/css/typography.css';
import '@ionic/react/css/padding.css';
import '@ionic/react/css/text-alignment.css';
import '@ionic/react/css/palettes/dark.class.css';
import './theme/variables.css';
import './theme/app.css';
import App from './App.tsx';
import { StartupProblem } from './components/StartupProblem.tsx';
import { backendClient, connectBackend } from './lib/backend.ts';
import { loadAppConfig } from './lib/config.ts';
import type { DataApi } from './lib/dataApi.ts';
import { initI18n } from './lib/i18n.ts';
import { nativePush } from './lib/nativePush.ts';
import { registerNativeDevice } from './lib/nativePushApi.ts';
import { registerServiceWorker } from './lib/serviceWorker.ts';
import { forgetAlerts } from './lib/alertsCache.ts';
import { forgetAnalytics } from './lib/analyticsCache.ts';
import { forgetCaps } from './lib/capsCache.ts';
import { forgetOffers } from './lib/offersCache.ts';
import { forgetSummaries } from './lib/summaryCache.ts';
import { useAlerts } from './stores/alerts.ts';
import { useCaps } from './stores/caps.ts';
import { useConnection } from './stores/connection.ts';
import { usePreferences } from './stores/preferences.ts';
import { useProfile } from './stores/profile.ts';
import { useSession } from './stores/session.ts';
import { useSummary } from './stores/summary.ts';
import { rememberedWorkspaceId, selectCurrentWorkspace, useWorkspace } from './stores/workspace.ts';

/** The person's workspaces; once they are known, the summary of the current one is asked for without waiting for the screen. */
async function loadWorkspaces(userId: string): Promise<void> {
  await useWorkspace.getState().load(userId);
  const workspaces = useWorkspace.getState();
  if (workspaces.status !== 'ready' || useSession.getState().user?.id !== userId) return;
  useSummary.getState().settle(userId, workspaces.memberships, selectCurrentWorkspace(workspaces), useProfile.getState().profile?.timeZone);
}

function loadPersonalData(userId: string): void {
  // The summary of the workspace last shown here is asked for alongside the list that confirms it is still theirs.
  void useSummary.getState().reload();
  void loadWorkspaces(userId);
  void useProfile.getState().load(userId);
}

/** On a phone (the Capacitor build), the signed-in person's alerts come as notifications; a browser has Web Push instead. */
function enableNativePush(): void {
  if (!nativePush) return;
  const channels = { alerts: i18next.t('nativePush.alertsChannel'), critical: i18next.t('nativePush.criticalChannel') };
  nativePush.enable((device) => registerNativeDevice(backendClient(), device), channels)
    .catch((error: unknown) => console.warn('Notifications could not be set up on this phone.', error));
}

/** Keeps the session store in step with supabase-js and loads or clears what belongs to the person. */
function followSession(dataApi: DataApi): void {
  dataApi.watchSession((user, event) => {
    const previous = useSession.getState().user;
    useSession.getState().setUser(user, event === 'PASSWORD_RECOVERY' ? true : undefined);
    if (!user) {
      useWorkspace.getState().clear();
      useProfile.getState().clear();
      useSummary.getState().clear();
      useAlerts.getState().clear();
      useCaps.getState().clear();
      if (event === 'SIGNED_OUT') {
        void nativePush?.disable().catch((error: unknown) => console.warn('This phone could not give up its notifications.', error));
        forgetSummaries();
        forgetAlerts();
        forgetCaps();
        forgetAnalytics();
        forgetOffers();
      }
      return;
    }
    if (previous?.id === user.id) return;
    // What this device kept shows before any request answers; it reads only local storage, so it may run here.
    useSummary.getState().resume(user.id, rememberedWorkspaceId(user.id));
    // Token refreshes and updates keep the person. The loads leave in a microtask, before the first render's long
    // task: auth-js (2.109, onAuthStateChange) lets a listener read the session; only awaiting a refresh inside it could deadlock.
    queueMicrotask(() => {
      loadPersonalData(user.id);
      enableNativePush();
    });
  });
}

/** Once the backend answers again, what failed to load while it was away loads by itself. */
function reloadAfterReconnect(): void {
  useConnection.subscribe((state, before) => {
    const user = useSession.getState().user;
    if (!state.reachable || before.reachable || !user) return;
    if (useWorkspace.getState().status === 'failed') void loadWorkspaces(user.id);
    if (useProfile.getState().status === 'failed') void useProfile.getState().load(user.id);
  });
}

async function start(): Promise<void> {
  const texts = initI18n(usePreferences.getState().language);
  setupIonicReact();
  registerServiceWorker((activate) => useConnection.getState().offerUpdate(activate));
  // A tap on a notification may be what started the app: heard before anything renders.
  void nativePush?.listen();
  const container = document.getElementById('root');
  if (!container) throw new Error('index.html has no #root');
  const root = createRoot(container);
  try {
    const [config] = await Promise.all([loadAppConfig(import.meta.env), texts]);
    const dataApi = connectBackend(config, (reachable) => useConnection.getState().setReachable(reachable));
    followSession(dataApi);
    reloadAfterReconnect();
  } catch (error) {
    await texts.catch(() => undefined);
    root.render(<StartupProblem detail={error instanceof Error ? error.message : String(error)} onRetry={() => window.location.reload()} />);
    return;
  }
  root.render(
    <StrictMode>
      <App />
    </StrictMode>,
  );
}

void start();
