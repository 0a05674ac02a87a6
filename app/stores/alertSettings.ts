import { create } from 'zustand';
import type { AlertKind, AlertSeverity } from '../lib/alerts.ts';
import type { AlertChannel, WorkspaceAlertSettings } from '../lib/alertSettings.ts';
import { createAlertSettingsApi, type AlertSettingsApi, type SlackChanges } from '../lib/alertSettingsApi.ts';
import { recallAlertSettings, rememberAlertSettings, type AlertSettingsSnapshot } from '../lib/alertSettingsCache.ts';
import { api, backendClient } from '../lib/backend.ts';
import { describeError } from '../lib/errors.ts';
import { useConnection } from './connection.ts';
import { reportError, reportSuccess, useNotices } from './notices.ts';

interface SettingsTarget {
  userId: string;
  workspaceId: string;
}

interface AlertSettingsState {
  target: SettingsTarget | null;
  snapshot: AlertSettingsSnapshot | null;
  status: 'idle' | 'loading' | 'ready' | 'failed';
  /** The values on screen were not just fetched: the backend is out of reach (read-only until it answers). */
  offline: boolean;
  /** A write on its way (which part), so its form waits. */
  saving: string | null;
  /** Shows the kept copy at once, then loads; a failed load leaves the kept copy, marked offline. */
  open(target: SettingsTarget): Promise<void>;
  reload(): Promise<void>;
  saveRule(kind: AlertKind, minSeverity: AlertSeverity, channels: AlertChannel[]): Promise<boolean>;
  resetRule(kind: AlertKind): Promise<boolean>;
  saveQuietHours(start: string | null, end: string | null): Promise<boolean>;
  /** Adds a silence in any workspace (the alert centre's "Silence" too); answers whether it worked. */
  addSilence(target: SettingsTarget, silence: { kind: AlertKind | null; subjectId: string | null; hours: number; reason: string }): Promise<boolean>;
  liftSilence(silenceId: string): Promise<boolean>;
  saveWorkspace(settings: WorkspaceAlertSettings): Promise<boolean>;
  saveSlack(changes: SlackChanges): Promise<boolean>;
  clear(): void;
}

let settingsApi: AlertSettingsApi | undefined;
const settings = (): AlertSettingsApi => (settingsApi ??= createAlertSettingsApi(backendClient()));
let latestRequest = 0;

async function fetchSnapshot(target: SettingsTarget, knownNames: Record<string, string>): Promise<AlertSettingsSnapshot> {
  const { userId, workspaceId } = target;
  const [rules, person, silences, workspace, slack] = await Promise.all([
    settings().rules(workspaceId),
    settings().person(userId),
    settings().silences(workspaceId),
    settings().workspaceSettings(workspaceId),
    settings().slack(workspaceId),
  ]);
  const unknown = [...new Set(silences.map((s) => s.createdBy).filter((id): id is string => id !== null && !(id in knownNames)))];
  const names = unknown.length ? { ...knownNames, ...(await api().displayNames(unknown)) } : knownNames;
  return { workspaceId, rules, person, silences, workspace, slack, names, fetchedAt: new Date().toISOString() };
}

/** Offline, a change is refused with a message rather than queued: settings apply when the server has them. */
function refuseOffline(): boolean {
  if (useConnection.getState().reachable) return false;
  useNotices.getState().push({ key: 'alertSettings.offlineSave' }, 'error');
  return true;
}

/** The person's alert settings in the chosen workspace: rules, quiet hours, silences and (for admins) the workspace's. */
export const useAlertSettings = create<AlertSettingsState>()((set, get) => {
  /**
   * Runs one change, then fetches the settings again (the server's word, e.g. a rule's default
   * after a reset) unless `stillShown` says the screen moved on to another workspace meanwhile.
   */
  async function change(part: string, work: () => Promise<unknown>, success: string, stillShown: () => boolean = () => true): Promise<boolean> {
    if (refuseOffline()) return false;
    set({ saving: part });
    try {
      await work();
      reportSuccess(success);
      if (stillShown()) await get().reload();
      return true;
    } catch (error) {
      if (describeError(error).key === 'errors.network') useNotices.getState().push({ key: 'alertSettings.offlineSave' }, 'error');
      else reportError(error);
      return false;
    } finally {
      set({ saving: null });
    }
  }
  const current = () => {
    const target = get().target;
    if (!target) throw new Error('No workspace is open');
    return target;
  };

  return {
    target: null,
    snapshot: null,
    status: 'idle',
    offline: false,
    saving: null,
    open: async (target) => {
      const shown = get().snapshot;
      const same = shown?.workspaceId === target.workspaceId && get().target?.userId === target.userId;
      set({ target, ...(same ? {} : { snapshot: recallAlertSettings(target.userId, target.workspaceId), offline: false }) });
      await get().reload();
    },
    reload: async () => {
      const target = get().target;
      if (!target) return;
      const request = ++latestRequest;
      if (!get().snapshot) set({ status: 'loading' });
      if (!useConnection.getState().reachable) {
        set({ status: get().snapshot ? 'ready' : 'failed', offline: true });
        return;
      }
      try {
        const snapshot = await fetchSnapshot(target, get().snapshot?.names ?? {});
        if (request !== latestRequest) return;
        rememberAlertSettings(target.userId, snapshot);
        set({ snapshot, status: 'ready', offline: false });
      } catch (error) {
        if (request !== latestRequest) return;
        if (describeError(error).key !== 'errors.network') reportError(error);
        set({ status: get().snapshot ? 'ready' : 'failed', offline: true });
      }
    },
    saveRule: (kind, minSeverity, channels) => {
      const { workspaceId, userId } = current();
      return change(`rule:${kind}`, () => settings().saveRule(workspaceId, userId, kind, minSeverity, channels), 'alertSettings.rules.saved');
    },
    resetRule: (kind) => {
      const { workspaceId, userId } = current();
      return change(`rule:${kind}`, () => settings().resetRule(workspaceId, userId, kind), 'alertSettings.rules.reset');
    },
    saveQuietHours: (start, end) => change('quiet', () => settings().saveQuietHours(current().userId, start, end), 'alertSettings.quiet.saved'),
    addSilence: (target, silence) =>
      change('silence', () => settings().addSilence(target.workspaceId, silence), 'alertSettings.silences.added', () => get().target?.workspaceId === target.workspaceId),
    liftSilence: (silenceId) => change(`lift:${silenceId}`, () => settings().liftSilence(silenceId), 'alertSettings.silences.lifted'),
    saveWorkspace: (next) => change('workspace', () => settings().saveWorkspaceSettings(current().workspaceId, next), 'alertSettings.workspace.saved'),
    saveSlack: (changes) => change('slack', () => settings().saveSlack(current().workspaceId, get().snapshot?.slack?.id ?? null, changes), 'alertSettings.slack.savedNotice'),
    clear: () => {
      latestRequest += 1;
      set({ target: null, snapshot: null, status: 'idle', offline: false, saving: null });
    },
  };
});

export const selectAlertSettingsFor = (workspaceId: string | undefined) => (s: AlertSettingsState) =>
  s.snapshot && s.snapshot.workspaceId === workspaceId ? s.snapshot : null;
export const selectAlertSettingsStatus = (s: AlertSettingsState) => s.status;
export const selectAlertSettingsOffline = (s: AlertSettingsState) => s.offline;
export const selectAlertSettingsSaving = (s: AlertSettingsState) => s.saving;
