import { create } from 'zustand';
import { needsAttention, resolvedWindowDays, type Alert } from '../lib/alerts.ts';
import { createAlertsApi, type AlertsApi } from '../lib/alertsApi.ts';
import { recallAlerts, rememberAlerts, type AlertsSnapshot } from '../lib/alertsCache.ts';
import { api, backendClient } from '../lib/backend.ts';
import { describeError } from '../lib/errors.ts';
import { useConnection } from './connection.ts';
import { reportError, useNotices } from './notices.ts';
import type { KeptState } from './summary.ts';

interface AlertsTarget {
  userId: string;
  workspaceId: string;
}

interface AlertsState {
  target: AlertsTarget | null;
  snapshot: AlertsSnapshot | null;
  status: 'idle' | 'loading' | 'ready' | 'failed';
  /** Why the list on screen was not just fetched (see KeptState), or null when it was. */
  kept: KeptState | null;
  /** The alert whose acknowledgement is on its way. */
  acknowledging: string | null;
  /**
   * Follows the workspace's alerts: the copy this device kept shows at once, the list loads,
   * and realtime keeps it current. Returns the unsubscribe.
   */
  follow(target: AlertsTarget): () => void;
  /** Loads the list again, keeping what is on screen meanwhile. */
  reload(): Promise<void>;
  /** The backend is out of reach: the list on screen (or the one kept) is marked as such. */
  showKept(): void;
  acknowledge(alertId: string): Promise<void>;
  clear(): void;
}

let alertsApi: AlertsApi | undefined;
const alerts = (): AlertsApi => (alertsApi ??= createAlertsApi(backendClient()));

const uuidLike = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
let latestRequest = 0;
let reloadTimer: ReturnType<typeof setTimeout> | undefined;

/** Names of those who acknowledged and of the programs groups are shown under, that are not known yet. */
async function namesFor(list: Alert[], known: Pick<AlertsSnapshot, 'names' | 'programNames'>): Promise<Pick<AlertsSnapshot, 'names' | 'programNames'>> {
  const people = [...new Set(list.map((a) => a.acknowledgedBy).filter((id): id is string => id !== null && !(id in known.names)))];
  const programs = [...new Set(list.map((a) => a.groupKey).filter((id): id is string => id !== null && uuidLike.test(id) && !(id in known.programNames)))];
  const [names, programNames] = await Promise.all([
    people.length ? api().displayNames(people) : {},
    programs.length ? alerts().programNames(programs) : {},
  ]);
  return { names: { ...known.names, ...names }, programNames: { ...known.programNames, ...programNames } };
}

const noNames = { names: {}, programNames: {} };

/** The alert centre of the chosen workspace: its list, the bell's count, acknowledging. */
export const useAlerts = create<AlertsState>()((set, get) => {
  const shown = (workspaceId: string) => {
    const snapshot = get().snapshot;
    return snapshot?.workspaceId === workspaceId ? snapshot : null;
  };

  /** Puts a changed alert in the list on screen and the kept copy. */
  async function replace(changed: Alert): Promise<void> {
    const target = get().target;
    const snapshot = target ? shown(target.workspaceId) : null;
    if (!target || !snapshot) return;
    const names = await namesFor([changed], snapshot).catch(() => snapshot);
    const current = shown(target.workspaceId) ?? snapshot;
    const next = { ...current, ...names, alerts: current.alerts.map((a) => (a.id === changed.id ? changed : a)) };
    set({ snapshot: next });
    rememberAlerts(target.userId, next);
  }

  return {
    target: null,
    snapshot: null,
    status: 'idle',
    kept: null,
    acknowledging: null,
    follow: (target) => {
      const keptCopy = shown(target.workspaceId) ? null : recallAlerts(target.userId, target.workspaceId);
      set({ target, ...(keptCopy ? { snapshot: keptCopy, kept: 'updating' } : shown(target.workspaceId) ? {} : { snapshot: null, kept: null }) });
      if (useConnection.getState().reachable) void get().reload();
      else get().showKept();
      const unsubscribe = alerts().watch(target.workspaceId, (changed) => {
        if (get().target?.workspaceId !== target.workspaceId) return;
        if (changed && shown(target.workspaceId)?.alerts.some((a) => a.id === changed.id)) {
          void replace(changed);
          return;
        }
        // A new alert (or an unreadable change): the list is fetched again, once per burst.
        clearTimeout(reloadTimer);
        reloadTimer = setTimeout(() => void get().reload(), 300);
      });
      return () => {
        clearTimeout(reloadTimer);
        unsubscribe();
      };
    },
    reload: async () => {
      const target = get().target;
      if (!target) return;
      const request = ++latestRequest;
      if (!shown(target.workspaceId)) set({ status: 'loading' });
      try {
        const since = new Date(Date.now() - resolvedWindowDays * 86_400_000).toISOString();
        const list = await alerts().list(target.workspaceId, since);
        const names = await namesFor(list, shown(target.workspaceId) ?? noNames);
        if (request !== latestRequest) return;
        const snapshot: AlertsSnapshot = { workspaceId: target.workspaceId, alerts: list, ...names, fetchedAt: new Date().toISOString() };
        rememberAlerts(target.userId, snapshot);
        set({ snapshot, status: 'ready', kept: null });
      } catch (error) {
        if (request !== latestRequest) return;
        reportError(error);
        if (shown(target.workspaceId)) set({ status: 'ready', kept: 'offline' });
        else set({ status: 'failed' });
      }
    },
    showKept: () => {
      const target = get().target;
      if (!target) return;
      const copy = shown(target.workspaceId) ?? recallAlerts(target.userId, target.workspaceId);
      if (copy) set({ snapshot: copy, status: 'ready', kept: 'offline' });
    },
    acknowledge: async (alertId) => {
      // Nothing is queued: an acknowledgement says someone saw it now, and "now" is when it reaches the server.
      const cannotNow = () => useNotices.getState().push({ key: 'alerts.ackOffline' }, 'error');
      if (!useConnection.getState().reachable) {
        cannotNow();
        return;
      }
      set({ acknowledging: alertId });
      try {
        await replace(await alerts().acknowledge(alertId));
      } catch (error) {
        if (describeError(error).key === 'errors.network') cannotNow();
        else reportError(error);
      } finally {
        set({ acknowledging: null });
      }
    },
    clear: () => {
      latestRequest += 1;
      clearTimeout(reloadTimer);
      set({ target: null, snapshot: null, status: 'idle', kept: null, acknowledging: null });
    },
  };
});

/** How many alerts of the workspace fire unacknowledged: the bell's badge. */
export const selectAttentionCount = (workspaceId: string | undefined) => (s: AlertsState) =>
  s.snapshot && s.snapshot.workspaceId === workspaceId ? s.snapshot.alerts.filter(needsAttention).length : 0;
export const selectAlertsFor = (workspaceId: string | undefined) => (s: AlertsState) =>
  s.snapshot && s.snapshot.workspaceId === workspaceId ? s.snapshot : null;
export const selectAlertsStatus = (s: AlertsState) => s.status;
export const selectAlertsKept = (s: AlertsState) => s.kept;
export const selectAcknowledging = (s: AlertsState) => s.acknowledging;

/** The workspace whose alerts show: the one every screen shows (stores/shownWorkspace.ts). */
export { useShownWorkspace as useAlertsWorkspace } from './shownWorkspace.ts';
