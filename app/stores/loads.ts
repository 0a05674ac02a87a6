import { create } from 'zustand';
import { api } from '../lib/backend.ts';
import { importsApi } from '../lib/importsApi.ts';
import { downloadBlob, downloadText, rejectedRowsCsv, rejectedRowsFileName, type LoadRecord, type LoadRowError } from '../lib/uploads.ts';
import { reportError } from './notices.ts';

export const errorsPageSize = 50;

interface LoadsState {
  workspaceId: string | null;
  loads: LoadRecord[];
  /** Display names of the people who uploaded, by user id. */
  names: Record<string, string>;
  status: 'idle' | 'loading' | 'ready' | 'failed';
  detail: { load: LoadRecord; errors: LoadRowError[]; total: number; offset: number } | null;
  detailStatus: 'idle' | 'loading' | 'ready' | 'failed';
  busy: boolean;
  /** The load whose original file is no longer kept (asked for and found gone). */
  originalGone: string | null;
  load(workspaceId: string, quiet?: boolean): Promise<void>;
  /** Keeps the list (and the open load) live. Returns the unsubscribe. */
  follow(workspaceId: string): () => void;
  open(loadId: string, offset?: number): Promise<void>;
  change(action: 'rollback' | 'reapply', loadId: string): Promise<boolean>;
  downloadRejected(load: LoadRecord): Promise<void>;
  /** Saves the file the load was made from under its name, or notes that it is gone. */
  downloadOriginal(workspaceId: string, load: LoadRecord): Promise<void>;
}

async function namesOf(loads: LoadRecord[], known: Record<string, string>): Promise<Record<string, string>> {
  const missing = [...new Set(loads.map((l) => l.createdBy).filter((id): id is string => id !== null && !(id in known)))];
  return missing.length ? { ...known, ...(await api().displayNames(missing)) } : known;
}

let reloadTimer: ReturnType<typeof setTimeout> | undefined;

/** The workspace's load history and the load opened from it. */
export const useLoads = create<LoadsState>()((set, get) => ({
  workspaceId: null,
  loads: [],
  names: {},
  status: 'idle',
  detail: null,
  detailStatus: 'idle',
  busy: false,
  originalGone: null,
  load: async (workspaceId, quiet = false) => {
    if (!quiet || get().workspaceId !== workspaceId) set({ workspaceId, status: 'loading', ...(get().workspaceId === workspaceId ? {} : { loads: [] }) });
    try {
      const loads = await api().listLoads(workspaceId);
      const names = await namesOf(loads, get().names);
      if (get().workspaceId === workspaceId) set({ loads, names, status: 'ready' });
    } catch (error) {
      reportError(error);
      if (!quiet) set({ status: 'failed' });
    }
  },
  follow: (workspaceId) =>
    api().watchLoadRecords(workspaceId, (changed) => {
      const { loads, detail } = get();
      if (changed && detail?.load.id === changed.id) set({ detail: { ...detail, load: changed } });
      const known = changed ? loads.findIndex((l) => l.id === changed.id) : -1;
      if (changed && known >= 0) {
        set({ loads: loads.map((l, i) => (i === known ? changed : l)) });
        return;
      }
      // A new load (or an unreadable change): the list is fetched again, once per burst.
      clearTimeout(reloadTimer);
      reloadTimer = setTimeout(() => void get().load(workspaceId, true), 300);
    }),
  open: async (loadId, offset = 0) => {
    const shown = get().detail;
    if (shown?.load.id !== loadId) set({ detail: null, detailStatus: 'loading' });
    try {
      const [load, page] = await Promise.all([api().loadRecord(loadId), api().loadErrors(loadId, offset, errorsPageSize)]);
      const names = await namesOf([load], get().names);
      set({ detail: { load, errors: page.errors, total: page.total, offset }, names, detailStatus: 'ready' });
    } catch (error) {
      reportError(error);
      if (get().detail?.load.id !== loadId) set({ detailStatus: 'failed' });
    }
  },
  change: async (action, loadId) => {
    set({ busy: true });
    try {
      await (action === 'rollback' ? api().rollbackLoad(loadId) : api().reapplyLoad(loadId));
      await get().open(loadId, get().detail?.offset ?? 0);
      const workspaceId = get().workspaceId;
      if (workspaceId) await get().load(workspaceId, true);
      return true;
    } catch (error) {
      reportError(error);
      return false;
    } finally {
      set({ busy: false });
    }
  },
  downloadRejected: async (load) => {
    set({ busy: true });
    try {
      const all: LoadRowError[] = [];
      // At most 10 000 rejected rows are kept per load; 1 000 per request stays under PostgREST's cap.
      for (let offset = 0; ; offset += 1_000) {
        const page = await api().loadErrors(load.id, offset, 1_000);
        all.push(...page.errors);
        if (page.errors.length < 1_000) break;
      }
      downloadText(rejectedRowsFileName(load.fileName), rejectedRowsCsv(all, await api().loadFileColumns(load.id)));
    } catch (error) {
      reportError(error);
    } finally {
      set({ busy: false });
    }
  },
  downloadOriginal: async (workspaceId, load) => {
    set({ busy: true });
    try {
      const original = await importsApi().originalFile(workspaceId, load.id);
      if (original) downloadBlob(load.fileName, original);
      else set({ originalGone: load.id });
    } catch (error) {
      reportError(error);
    } finally {
      set({ busy: false });
    }
  },
}));
