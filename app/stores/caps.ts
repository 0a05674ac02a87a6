import { useEffect, useMemo } from 'react';
import { create } from 'zustand';
import { capActionError, type CapAction, type CapActionKind, type CapRow } from '../lib/caps.ts';
import { createCapsApi, type CapsApi } from '../lib/capsApi.ts';
import { recallCaps, rememberCaps, type CapsSnapshot } from '../lib/capsCache.ts';
import { api, backendClient } from '../lib/backend.ts';
import type { UserMessage } from '../lib/errors.ts';
import { useAlertsWorkspace } from './alerts.ts';
import { selectReachable, useConnection } from './connection.ts';
import { reportError, reportSuccess } from './notices.ts';
import { selectUser, useSession } from './session.ts';
import type { KeptState } from './summary.ts';

interface CapsTarget {
  userId: string;
  workspaceId: string;
}

/** An offer's latest cap actions, with the names of who acted. */
export interface CapHistory {
  offerId: string;
  actions: CapAction[];
  names: Record<string, string>;
}

export interface CapActionRequest {
  row: Pick<CapRow, 'offerId' | 'geo'>;
  action: CapActionKind;
  reason: string;
  newLimit: number | null;
}

interface CapsState {
  target: CapsTarget | null;
  snapshot: CapsSnapshot | null;
  status: 'idle' | 'loading' | 'ready' | 'failed';
  /** Why the list on screen was not just fetched, or null when it was. */
  kept: KeptState | null;
  /** An action on its way. */
  acting: boolean;
  history: CapHistory | null;
  /** Shows the kept copy at once and loads the workspace's caps (again when it is the same workspace). */
  open(target: CapsTarget): Promise<void>;
  reload(): Promise<void>;
  /** The backend is out of reach: the list on screen (or the one kept) is marked as such. */
  showKept(): void;
  loadHistory(offerId: string): Promise<void>;
  /** Sends the action; resolves with the refusal in words, or null when it was done (the list and history reload). */
  act(request: CapActionRequest): Promise<UserMessage | null>;
  clear(): void;
}

let capsApi: CapsApi | undefined;
const caps = (): CapsApi => (capsApi ??= createCapsApi(backendClient()));
let latestRequest = 0;

/** The caps monitor of the chosen workspace: what the monitor, the offer card and the summary show of caps. */
export const useCaps = create<CapsState>()((set, get) => {
  const shown = (workspaceId: string) => {
    const snapshot = get().snapshot;
    return snapshot?.workspaceId === workspaceId ? snapshot : null;
  };

  return {
    target: null,
    snapshot: null,
    status: 'idle',
    kept: null,
    acting: false,
    history: null,
    open: async (target) => {
      const keptCopy = shown(target.workspaceId) ? null : recallCaps(target.userId, target.workspaceId);
      set({ target, ...(keptCopy ? { snapshot: keptCopy, kept: 'updating' } : shown(target.workspaceId) ? {} : { snapshot: null, kept: null }) });
      if (useConnection.getState().reachable) await get().reload();
      else get().showKept();
    },
    reload: async () => {
      const target = get().target;
      if (!target) return;
      const request = ++latestRequest;
      if (!shown(target.workspaceId)) set({ status: 'loading' });
      try {
        const rows = await caps().overview(target.workspaceId);
        if (request !== latestRequest) return;
        const snapshot: CapsSnapshot = { workspaceId: target.workspaceId, rows, fetchedAt: new Date().toISOString() };
        rememberCaps(target.userId, snapshot);
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
      const copy = shown(target.workspaceId) ?? recallCaps(target.userId, target.workspaceId);
      if (copy) set({ snapshot: copy, status: 'ready', kept: 'offline' });
    },
    loadHistory: async (offerId) => {
      if (get().history?.offerId !== offerId) set({ history: null });
      try {
        const actions = await caps().actions(offerId);
        const people = [...new Set(actions.map((a) => a.actor).filter((id): id is string => id !== null))];
        const names = people.length ? await api().displayNames(people) : {};
        set({ history: { offerId, actions, names } });
      } catch (error) {
        reportError(error);
      }
    },
    act: async ({ row, action, reason, newLimit }) => {
      // Nothing is queued: a cap acted on later than meant could pay for traffic nobody wanted.
      if (!useConnection.getState().reachable) return { key: 'caps.errors.offline' };
      set({ acting: true });
      try {
        await caps().act(row.offerId, row.geo, action, reason.trim(), newLimit);
      } catch (error) {
        const refusal = capActionError(error);
        return refusal.key === 'errors.network' ? { key: 'caps.errors.offline' } : refusal;
      } finally {
        set({ acting: false });
      }
      reportSuccess(`caps.done.${action}`);
      await Promise.all([get().reload(), get().history?.offerId === row.offerId ? get().loadHistory(row.offerId) : undefined]);
      return null;
    },
    clear: () => {
      latestRequest += 1;
      set({ target: null, snapshot: null, status: 'idle', kept: null, acting: false, history: null });
    },
  };
});

export const selectCapsFor = (workspaceId: string | undefined) => (s: CapsState) => (s.snapshot && s.snapshot.workspaceId === workspaceId ? s.snapshot : null);
export const selectCapsStatus = (s: CapsState) => s.status;
export const selectCapsKept = (s: CapsState) => s.kept;
export const selectCapActing = (s: CapsState) => s.acting;
export const selectCapHistory = (offerId: string) => (s: CapsState) => (s.history?.offerId === offerId ? s.history : null);

/**
 * Keeps the caps of the workspace on screen loaded: on opening a screen that shows them, again
 * after a reconnect, kept and marked while offline. Returns the workspace (the kept one offline).
 */
export function useFollowCaps() {
  const userId = useSession(selectUser)?.id;
  const workspace = useAlertsWorkspace();
  const workspaceId = workspace?.workspaceId;
  const reachable = useConnection(selectReachable);

  useEffect(() => {
    if (userId && workspaceId) void useCaps.getState().open({ userId, workspaceId });
  }, [userId, workspaceId]);

  useEffect(() => {
    const state = useCaps.getState();
    if (!reachable) state.showKept();
    else if (state.kept === 'offline' || state.status === 'failed') void state.reload();
  }, [reachable]);

  return workspace;
}

/** The caps of one offer and its latest cap actions, loaded while `shown` (the offer card's Caps tab). */
export function useOfferCaps(offerId: string, shown: boolean) {
  useFollowCaps();
  const workspaceId = useAlertsWorkspace()?.workspaceId;
  const snapshot = useCaps(selectCapsFor(workspaceId));
  const history = useCaps(selectCapHistory(offerId));
  const acting = useCaps(selectCapActing);
  const reachable = useConnection(selectReachable);

  useEffect(() => {
    if (shown && reachable && offerId) void useCaps.getState().loadHistory(offerId);
  }, [shown, reachable, offerId]);

  const rows = useMemo(() => (snapshot?.rows ?? []).filter((r) => r.offerId === offerId), [snapshot, offerId]);
  return { rows, history, acting };
}
