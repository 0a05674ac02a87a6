import { create } from 'zustand';
import { EtlFileError, previewFile, toSavedMapping, type FilePreview, type SavedMapping, type SourceName } from '../../functions/_shared/etl/index.ts';
import { api } from '../lib/backend.ts';
import type { UserMessage } from '../lib/errors.ts';
import {
  averageLineBytes,
  downloadText,
  finishedStatuses,
  rejectedRowsCsv,
  rejectedRowsFileName,
  withColumnHeader,
  type LoadRecord,
  type LoadRowError,
} from '../lib/uploads.ts';
import { reportError } from './notices.ts';

type Step = 'choose' | 'reading' | 'ready' | 'uploading' | 'finished';

interface UploadState {
  step: Step;
  file: File | null;
  preview: FilePreview | null;
  /** Why the file cannot be read (not a CSV, empty), for the screen to say. */
  fileProblem: UserMessage | null;
  source: SourceName | null;
  mapping: SavedMapping | null;
  remember: boolean;
  bytesPerRow: number | null;
  /** The load on the server while it runs, then as it ended. */
  load: LoadRecord | null;
  cancelling: boolean;
  pickFile(workspaceId: string, file: File): Promise<void>;
  chooseSource(workspaceId: string, source: SourceName): Promise<void>;
  mapColumn(column: string, header: string | null): Promise<void>;
  setRemember(remember: boolean): void;
  /** Saves the mapping when asked to, sends the file and follows its load live; resolves with the load as it ended. */
  upload(workspaceId: string, userId: string): Promise<LoadRecord | null>;
  cancel(): Promise<void>;
  reset(): void;
}

const previewRows = 8;
/** How long the ETL function's answer is awaited after the load's row says it ended. */
const answerGraceMs = 3_000;

function readFile(file: File, source?: SourceName, saved?: SavedMapping): Promise<FilePreview> {
  return previewFile(file.stream(), { rows: previewRows, ...(source ? { source } : {}), ...(saved ? { saved } : {}) });
}

function fileProblemOf(error: unknown): UserMessage | null {
  return error instanceof EtlFileError ? { key: `upload.fileProblem.${error.code}`, values: { detail: error.message } } : null;
}

/** The upload in progress on this device: file, source, mapping, then the load's live progress. */
export const useUpload = create<UploadState>()((set, get) => {
  /** Re-reads the start of the file with a source and mapping, keeping what the person chose. */
  async function reread(source: SourceName, saved: SavedMapping | undefined): Promise<void> {
    const file = get().file;
    if (!file) return;
    try {
      const preview = await readFile(file, source, saved);
      if (get().file !== file) return;
      set({ preview, source, mapping: preview.proposal ? toSavedMapping(preview.proposal.mapping) : null, step: 'ready' });
    } catch (error) {
      set({ fileProblem: fileProblemOf(error), step: 'choose' });
      if (!fileProblemOf(error)) reportError(error);
    }
  }

  return {
    step: 'choose',
    file: null,
    preview: null,
    fileProblem: null,
    source: null,
    mapping: null,
    remember: false,
    bytesPerRow: null,
    load: null,
    cancelling: false,
    pickFile: async (workspaceId, file) => {
      set({ file, step: 'reading', preview: null, fileProblem: null, source: null, mapping: null, load: null, bytesPerRow: null });
      try {
        const [detected, start] = await Promise.all([readFile(file), file.slice(0, 256 * 1024).arrayBuffer()]);
        if (get().file !== file) return;
        set({ bytesPerRow: averageLineBytes(new Uint8Array(start)) });
        const source = detected.detection.source;
        if (!source) {
          set({ preview: detected, step: 'ready' });
          return;
        }
        await get().chooseSource(workspaceId, source);
      } catch (error) {
        const problem = fileProblemOf(error);
        set({ fileProblem: problem, step: 'choose' });
        if (!problem) reportError(error);
      }
    },
    chooseSource: async (workspaceId, source) => {
      let saved: SavedMapping | null = null;
      try {
        saved = await api().savedMapping(workspaceId, source);
      } catch (error) {
        reportError(error);
      }
      await reread(source, saved ?? undefined);
    },
    mapColumn: async (column, header) => {
      const { source, mapping } = get();
      if (!source || !mapping) return;
      await reread(source, withColumnHeader(mapping, column, header));
    },
    setRemember: (remember) => set({ remember }),
    upload: async (workspaceId, userId) => {
      const { file, source, mapping, remember, preview } = get();
      if (!file || !source || !mapping || !preview?.proposal || preview.proposal.missingRequired.length) return null;
      set({ step: 'uploading', load: null, cancelling: false });
      if (remember) await api().saveMapping(workspaceId, source, mapping).catch(reportError);
      const data = api();
      const fileName = file.name.slice(0, 255);
      let before = new Set<string>();
      try {
        before = new Set((await data.listLoads(workspaceId, 20)).map((l) => l.id));
      } catch {
        // Only used to tell this upload's row from older ones; the answer still names it.
      }
      let loadId: string | null = null;
      let ended: LoadRecord | null = null;
      const request = new AbortController();
      const follow = (load: LoadRecord) => {
        if (loadId === null && load.createdBy === userId && load.fileName === fileName && !before.has(load.id) && !finishedStatuses.has(load.status)) loadId = load.id;
        if (load.id !== loadId || get().step !== 'uploading') return;
        set({ load });
        if (finishedStatuses.has(load.status) && !ended) {
          ended = load;
          // A cancelled load stops reading the body, and the browser may keep sending it
          // without ever getting the answer: the load's row has said how it ended.
          setTimeout(() => request.abort(), answerGraceMs);
        }
      };
      const stopWatching = data.watchLoadRecords(workspaceId, (load) => load && follow(load));
      // Realtime may join after the load started; a look at the list finds it then.
      const finder = setInterval(() => {
        if (loadId === null) void data.listLoads(workspaceId, 5).then((loads) => loads.forEach(follow), () => undefined);
      }, 1_000);
      try {
        const load = await data.uploadFile(workspaceId, file, { source, mapping }, request.signal);
        set({ load, step: 'finished' });
        return load;
      } catch (error) {
        if (request.signal.aborted && ended) {
          set({ load: ended, step: 'finished' });
          return ended;
        }
        reportError(error);
        set({ step: 'ready' });
        return null;
      } finally {
        clearInterval(finder);
        stopWatching();
      }
    },
    cancel: async () => {
      const load = get().load;
      if (!load) return;
      set({ cancelling: true });
      try {
        await api().cancelLoad(load.id);
      } catch (error) {
        reportError(error);
        set({ cancelling: false });
      }
    },
    reset: () => set({ step: 'choose', file: null, preview: null, fileProblem: null, source: null, mapping: null, load: null, cancelling: false, bytesPerRow: null }),
  };
});

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
  load(workspaceId: string, quiet?: boolean): Promise<void>;
  /** Keeps the list (and the open load) live. Returns the unsubscribe. */
  follow(workspaceId: string): () => void;
  open(loadId: string, offset?: number): Promise<void>;
  change(action: 'rollback' | 'reapply', loadId: string): Promise<boolean>;
  downloadRejected(load: LoadRecord): Promise<void>;
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
      downloadText(rejectedRowsFileName(load.fileName), rejectedRowsCsv(all));
    } catch (error) {
      reportError(error);
    } finally {
      set({ busy: false });
    }
  },
}));
