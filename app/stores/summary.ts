import { create } from 'zustand';
import { api } from '../lib/backend.ts';
import type { Membership } from '../lib/dataApi.ts';
import { RequestError } from '../lib/errors.ts';
import { chosenTimeZone, periodRange, previousRange, rankByProfit, todayIn, type Period } from '../lib/summary.ts';
import { forgetWorkspaceSummaries, recallShownSummary, recallSummary, rememberShownSummary, rememberSummary, type SummarySnapshot } from '../lib/summaryCache.ts';
import { reportError } from './notices.ts';

interface SummaryTarget {
  userId: string;
  workspaceId: string;
  timeZone: string;
}

/**
 * Why the snapshot on screen was not just fetched: it was kept on this device and fresh
 * figures are on their way ('updating'), or the backend did not answer ('offline').
 */
export type KeptState = 'updating' | 'offline';

interface SummaryState {
  period: Period;
  target: SummaryTarget | null;
  snapshot: SummarySnapshot | null;
  status: 'idle' | 'loading' | 'ready' | 'failed';
  kept: KeptState | null;
  /** The workspace whose summary this device kept for a person: it stands in until their workspaces load. */
  keptWorkspace: { userId: string; workspace: Membership } | null;
  /**
   * Loads the summary of a workspace, showing the copy this device kept meanwhile; `quiet`
   * keeps what is on screen unmarked while it does. The figures already asked for are not asked again.
   */
  load(target: SummaryTarget, quiet?: boolean): Promise<void>;
  /** Loads again what is on screen, quietly (a load finished, the connection is back). */
  reload(): Promise<void>;
  choosePeriod(period: Period): void;
  /**
   * At start, before any request: the workspace the person last saw stands in and its kept
   * summary shows, marked as updating; `reload` then asks for its figures. Nothing is shown
   * when the person has since chosen another workspace (`chosenWorkspaceId`): only that one's
   * figures are asked for, to show once the workspace list confirms it.
   */
  resume(userId: string, chosenWorkspaceId: string | null): void;
  /**
   * The person's workspaces have loaded: a workspace asked for at start that is not the
   * current one is dropped with its stand-in and figures, even those still on their way (and
   * forgotten if they are no longer a member), and the current workspace's summary is asked
   * for at once (in the profile's time zone once it is known).
   */
  settle(userId: string, memberships: Membership[], current: Membership | undefined, profileTimeZone: string | undefined): void;
  /** Notes that the person saw this workspace's summary, for the next start. */
  rememberWorkspace(userId: string, workspace: Membership, timeZone: string): void;
  /**
   * The backend is out of reach: the figures on screen are marked as kept, or the copy this
   * device kept shows at once instead of after the requests give up. Without `workspaceId`
   * (the workspaces did not load) the stand-in of `resume` does.
   */
  showKept(userId: string, workspaceId: string | undefined): void;
  /** Follows the workspace's uploads: numbers reload when one is applied or rolled back. Returns the unsubscribe. */
  followLoads(workspaceId: string): () => void;
  clear(): void;
}

/** Loads that change the numbers; other changes (progress, failures) only change the load shown. */
const changesNumbers = new Set(['done', 'rolled_back']);

/** The latest request, which figures it asked for, and whether they failed to come. */
const latest = { request: 0, figures: '', failed: false };

/** The workspace asked for at start, before the person's workspaces loaded to confirm it is still theirs. */
let unconfirmed: string | null = null;

/** Which figures a target and period name: the same workspace, period and day are the same figures. */
const figuresOf = (target: SummaryTarget, period: Period) => `${target.userId} ${target.workspaceId} ${period} ${todayIn(target.timeZone)}`;

/** The metrics RPC refuses a workspace the caller is not a member of (`42501`, see the metrics migration). */
const notAMember = (error: unknown) => error instanceof RequestError && error.code === '42501';

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
export const useSummary = create<SummaryState>()((set, get) => {
  const onScreen = (workspaceId: string, period: Period) => {
    const { snapshot } = get();
    return snapshot?.workspaceId === workspaceId && snapshot.period === period ? snapshot : null;
  };

  /** Drops a workspace asked for at start, its stand-in and whatever of it is on screen or on its way. */
  const dropUnconfirmed = (workspaceId: string) => {
    unconfirmed = null;
    const { target, snapshot } = get();
    const asked = target?.workspaceId === workspaceId;
    if (asked) Object.assign(latest, { request: latest.request + 1, figures: '' });
    set({
      keptWorkspace: null,
      ...(asked ? { target: null, status: 'idle' } : {}),
      ...(snapshot?.workspaceId === workspaceId ? { snapshot: null, kept: null } : {}),
    });
  };

  return {
    period: 'today',
    target: null,
    snapshot: null,
    status: 'idle',
    kept: null,
    keptWorkspace: null,
    load: async (target, quiet = false) => {
      const period = get().period;
      const figures = figuresOf(target, period);
      if (!quiet && figures === latest.figures && !latest.failed) {
        // Start-up asked for these already (perhaps in a time zone that gives the same day).
        set({ target });
        return;
      }
      const request = ++latest.request;
      Object.assign(latest, { figures, failed: false });
      if (quiet) set({ target });
      else if (onScreen(target.workspaceId, period)) set({ target, status: 'loading' });
      else {
        const keptCopy = recallSummary(target.userId, target.workspaceId, period);
        set({ target, status: 'loading', ...(keptCopy ? { snapshot: keptCopy, kept: 'updating' } : { kept: null }) });
      }
      try {
        const snapshot = await fetchSnapshot(target, period);
        if (request !== latest.request) return;
        rememberSummary(target.userId, snapshot);
        set({ snapshot, status: 'ready', kept: null });
      } catch (error) {
        if (request !== latest.request) return;
        latest.failed = true;
        if (unconfirmed === target.workspaceId && notAMember(error)) {
          // Asked before the person's workspaces loaded, for one they have left since: it is not theirs to see.
          forgetWorkspaceSummaries(target.userId, target.workspaceId);
          dropUnconfirmed(target.workspaceId);
          return;
        }
        reportError(error);
        const shown = onScreen(target.workspaceId, period);
        if (quiet && shown && !get().kept) return;
        const copy = shown ?? recallSummary(target.userId, target.workspaceId, period);
        set(copy ? { snapshot: copy, status: 'ready', kept: 'offline' } : { status: 'failed' });
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
    resume: (userId, chosenWorkspaceId) => {
      get().clear();
      const kept = recallShownSummary(userId);
      const shown = kept && (!chosenWorkspaceId || chosenWorkspaceId === kept.workspace.workspaceId) ? kept : null;
      // Signing out forgets what was shown, not which workspace was chosen: its figures are asked for all the same.
      const workspaceId = shown?.workspace.workspaceId ?? chosenWorkspaceId;
      if (!workspaceId) return;
      unconfirmed = workspaceId;
      const keptCopy = shown ? recallSummary(userId, workspaceId, get().period) : null;
      set({
        target: { userId, workspaceId, timeZone: shown?.timeZone ?? chosenTimeZone(undefined) },
        status: 'loading',
        ...(shown ? { keptWorkspace: { userId, workspace: shown.workspace } } : {}),
        ...(keptCopy ? { snapshot: keptCopy, kept: 'updating' } : {}),
      });
    },
    settle: (userId, memberships, current, profileTimeZone) => {
      const { target } = get();
      const asked = unconfirmed;
      unconfirmed = null;
      if (asked && !memberships.some((m) => m.workspaceId === asked)) forgetWorkspaceSummaries(userId, asked);
      if (asked && asked !== current?.workspaceId) dropUnconfirmed(asked);
      else set({ keptWorkspace: null });
      if (current) void get().load({ userId, workspaceId: current.workspaceId, timeZone: chosenTimeZone(profileTimeZone ?? target?.timeZone) });
    },
    rememberWorkspace: (userId, workspace, timeZone) => rememberShownSummary(userId, { workspace, timeZone }),
    showKept: (userId, workspaceId) => {
      const { keptWorkspace, period } = get();
      // Only the stand-in resume() accepted: not one the person has since switched away from.
      const standIn = keptWorkspace?.userId === userId ? keptWorkspace.workspace : undefined;
      const shownId = workspaceId ?? standIn?.workspaceId;
      const keptCopy = shownId ? (onScreen(shownId, period) ?? recallSummary(userId, shownId, period)) : null;
      set({
        keptWorkspace: standIn ? { userId, workspace: standIn } : null,
        ...(keptCopy ? { snapshot: keptCopy, status: 'ready', kept: 'offline' } : {}),
      });
    },
    followLoads: (workspaceId) =>
      api().watchLoads(workspaceId, (status) => {
        if (get().target?.workspaceId !== workspaceId) return;
        if (status === null || changesNumbers.has(status)) void get().reload();
        else void refreshLatestLoad(workspaceId);
      }),
    clear: () => {
      unconfirmed = null;
      Object.assign(latest, { request: latest.request + 1, figures: '', failed: false });
      set({ target: null, snapshot: null, status: 'idle', kept: null, keptWorkspace: null });
    },
  };
});

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
export const selectSummaryKept = (s: SummaryState) => s.kept;
/** The time zone the summary counts days in: the profile's, or until it loads (or while offline) the one kept with the summary. */
export const selectSummaryTimeZone = (s: SummaryState) => s.target?.timeZone;
export const selectKeptWorkspace = (userId: string | undefined) => (s: SummaryState) =>
  s.keptWorkspace && s.keptWorkspace.userId === userId ? s.keptWorkspace.workspace : undefined;
