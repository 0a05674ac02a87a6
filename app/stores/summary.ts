import { create } from 'zustand';
import { api } from '../lib/backend.ts';
import type { Membership } from '../lib/dataApi.ts';
import { periodRange, previousRange, rankByProfit, todayIn, type Period } from '../lib/summary.ts';
import { recallShownWorkspace, recallSummary, rememberShownWorkspace, rememberSummary, type SummarySnapshot } from '../lib/summaryCache.ts';
import { reportError } from './notices.ts';

interface SummaryTarget {
  workspaceId: string;
  timeZone: string;
}

interface SummaryState {
  period: Period;
  target: SummaryTarget | null;
  snapshot: SummarySnapshot | null;
  status: 'idle' | 'loading' | 'ready' | 'failed';
  /** The snapshot was kept on this device: the backend did not answer. */
  offline: boolean;
  /** The workspace whose summary this device kept for a person: it stands in while their workspaces cannot load. */
  keptWorkspace: { userId: string; workspace: Membership } | null;
  /** Loads the summary of a workspace; `quiet` keeps the numbers on screen while it does. */
  load(target: SummaryTarget, quiet?: boolean): Promise<void>;
  /** Loads again what is on screen, quietly (a load finished, the connection is back). */
  reload(): Promise<void>;
  choosePeriod(period: Period): void;
  /** Notes that the person saw this workspace's summary, for the next start without the backend. */
  rememberWorkspace(userId: string, workspace: Membership): void;
  /**
   * The backend is out of reach: the figures on screen are marked as kept, or the copy this
   * device kept shows at once instead of after the requests give up. Without `workspaceId`
   * (the workspaces did not load) the one last seen stands in.
   */
  showKept(userId: string, workspaceId: string | undefined): void;
  /** Follows the workspace's uploads: numbers reload when one is applied or rolled back. Returns the unsubscribe. */
  followLoads(workspaceId: string): () => void;
  clear(): void;
}

/** Loads that change the numbers; other changes (progress, failures) only change the load shown. */
const changesNumbers = new Set(['done', 'rolled_back']);

let latestRequest = 0;

async function fetchSnapshot(target: SummaryTarget, period: Period): Promise<SummarySnapshot> {
  const data = api();
  const range = periodRange(period, todayIn(target.timeZone));
  const [current, previous, offers, latestLoad, hasData] = await Promise.all([
    data.periodTotals(target.workspaceId, range),
    data.periodTotals(target.workspaceId, previousRange(range)),
    data.offerProfits(target.workspaceId, range),
    data.latestLoad(target.workspaceId),
    data.hasLoadedData(target.workspaceId),
  ]);
  const { top, bottom } = rankByProfit(offers);
  return { workspaceId: target.workspaceId, period, range, current, previous, top, bottom, latestLoad, hasData, fetchedAt: new Date().toISOString() };
}

/** The phone's home screen: KPI totals of a period against the one before, best and worst offers, the latest upload. */
export const useSummary = create<SummaryState>()((set, get) => ({
  period: 'today',
  target: null,
  snapshot: null,
  status: 'idle',
  offline: false,
  keptWorkspace: null,
  load: async (target, quiet = false) => {
    const request = ++latestRequest;
    const period = get().period;
    set(quiet ? { target } : { target, status: 'loading' });
    try {
      const snapshot = await fetchSnapshot(target, period);
      if (request !== latestRequest) return;
      rememberSummary(snapshot);
      set({ snapshot, status: 'ready', offline: false });
    } catch (error) {
      if (request !== latestRequest) return;
      reportError(error);
      const shown = get().snapshot;
      if (quiet && shown?.workspaceId === target.workspaceId && shown.period === period) return;
      const kept = recallSummary(target.workspaceId, period);
      set(kept ? { snapshot: kept, status: 'ready', offline: true } : { status: 'failed' });
    }
  },
  reload: async () => {
    const target = get().target;
    if (target) await get().load(target, true);
  },
  choosePeriod: (period) => {
    set({ period });
    const target = get().target;
    if (target) void get().load(target);
  },
  rememberWorkspace: (userId, workspace) => rememberShownWorkspace(userId, workspace),
  showKept: (userId, workspaceId) => {
    const { keptWorkspace, snapshot, period, status } = get();
    const standIn = keptWorkspace?.userId === userId ? keptWorkspace.workspace : recallShownWorkspace(userId);
    const shownId = workspaceId ?? standIn?.workspaceId;
    const onScreen = snapshot && snapshot.workspaceId === shownId && snapshot.period === period && status === 'ready';
    const kept = shownId && !onScreen ? recallSummary(shownId, period) : null;
    set({
      keptWorkspace: standIn ? { userId, workspace: standIn } : null,
      ...(onScreen ? { offline: true } : kept ? { snapshot: kept, status: 'ready', offline: true } : {}),
    });
  },
  followLoads: (workspaceId) =>
    api().watchLoads(workspaceId, (status) => {
      if (get().target?.workspaceId !== workspaceId) return;
      if (status === null || changesNumbers.has(status)) void get().reload();
      else void refreshLatestLoad(workspaceId);
    }),
  clear: () => {
    latestRequest += 1;
    set({ target: null, snapshot: null, status: 'idle', offline: false, keptWorkspace: null });
  },
}));

/** Only the latest upload changed (started, progressed, failed): fetches that one row. */
async function refreshLatestLoad(workspaceId: string): Promise<void> {
  try {
    const latestLoad = await api().latestLoad(workspaceId);
    const snapshot = useSummary.getState().snapshot;
    if (snapshot?.workspaceId === workspaceId) useSummary.setState({ snapshot: { ...snapshot, latestLoad } });
  } catch (error) {
    reportError(error);
  }
}

/** The snapshot, if it is of this workspace and the chosen period (else the screen shows skeletons). */
export const selectSnapshotFor = (workspaceId: string | undefined) => (s: SummaryState) =>
  s.snapshot && s.snapshot.workspaceId === workspaceId && s.snapshot.period === s.period ? s.snapshot : null;
export const selectPeriod = (s: SummaryState) => s.period;
export const selectSummaryStatus = (s: SummaryState) => s.status;
export const selectSummaryOffline = (s: SummaryState) => s.offline;
export const selectKeptWorkspace = (userId: string | undefined) => (s: SummaryState) =>
  s.keptWorkspace && s.keptWorkspace.userId === userId ? s.keptWorkspace.workspace : undefined;
