import { create } from 'zustand';
import { EtlFileError, previewFile, toSavedMapping, type FilePreview, type SavedMapping, type SourceName } from '../../functions/_shared/etl/index.ts';
import { api } from '../lib/backend.ts';
import { describeError, RequestError, type UserMessage } from '../lib/errors.ts';
import { TransferAborted, TransferError, type FileTransfer, type TransferProgress, type UnfinishedTransfer } from '../lib/fileTransfer.ts';
import { importsApi } from '../lib/importsApi.ts';
import { averageLineBytes, finishedStatuses, withColumnHeader, type LoadRecord, type UploadChoice } from '../lib/uploads.ts';
import { reportError } from './notices.ts';

type Step = 'choose' | 'reading' | 'ready' | 'uploading' | 'interrupted' | 'finished';

/** While uploading: the file goes to Storage, then the server processes the load. */
export type UploadStage = 'sending' | 'processing';

interface UploadState {
  step: Step;
  stage: UploadStage;
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
  /** Bytes of the file Storage has, while it is being sent. */
  transfer: TransferProgress | null;
  /** Where an earlier, interrupted upload of this file was taken up again, in bytes. */
  resumedFrom: number | null;
  /** Storage has the whole file: a resume only has the load processed. */
  fileStored: boolean;
  /** Why sending stopped (the connection, the server): the person may resume. */
  interruption: UserMessage | null;
  cancelling: boolean;
  pickFile(workspaceId: string, file: File): Promise<void>;
  chooseSource(workspaceId: string, source: SourceName): Promise<void>;
  mapColumn(column: string, header: string | null): Promise<void>;
  setRemember(remember: boolean): void;
  /**
   * Saves the mapping when asked to, sends the file to Storage (continuing an earlier upload of
   * the same file), has the load processed and follows it live; resolves with the load as it
   * ended, or null when it did not get that far.
   */
  upload(workspaceId: string, userId: string): Promise<LoadRecord | null>;
  cancel(): Promise<void>;
  reset(): void;
}

const previewRows = 8;
/** How often a load being processed is looked at, in case realtime misses a change. */
const pollMs = 3_000;

function readFile(file: File, source?: SourceName, saved?: SavedMapping): Promise<FilePreview> {
  return previewFile(file.stream(), { rows: previewRows, ...(source ? { source } : {}), ...(saved ? { saved } : {}) });
}

function fileProblemOf(error: unknown): UserMessage | null {
  return error instanceof EtlFileError ? { key: `upload.fileProblem.${error.code}`, values: { detail: error.message } } : null;
}

/** A failure worth resuming after: no answer, or the server's own trouble. Refusals are not. */
function isPassing(error: unknown): boolean {
  const status = error instanceof TransferError || error instanceof RequestError ? error.status : -1;
  return status === 0 || status >= 500 || error instanceof TypeError;
}

/** One press of Upload (or Resume), until its load ends or it stops. */
interface Attempt {
  ended: Promise<LoadRecord | null>;
  /** Ends the attempt once: with the load as it ended, or null when it stopped short. */
  end(load: LoadRecord | null): void;
  over: boolean;
  request: AbortController;
  stopFollowing(): void;
}

let attempt: Attempt | null = null;
/** The file's transfer, kept past an interruption so Cancel can delete what Storage has. */
let transfer: FileTransfer | null = null;

/** The upload in progress on this device: file, source, mapping, the file's transfer, then the load's live progress. */
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

  function newAttempt(): Attempt {
    let settle: (load: LoadRecord | null) => void = () => undefined;
    const current: Attempt = {
      ended: new Promise((resolve) => (settle = resolve)),
      over: false,
      request: new AbortController(),
      stopFollowing: () => undefined,
      end: (load) => {
        if (current.over) return;
        current.over = true;
        current.stopFollowing();
        current.request.abort();
        if (load) set({ load, step: 'finished', cancelling: false });
        settle(load);
      },
    };
    return current;
  }

  /** Follows the load live (realtime, and a look every few seconds) until it ends. */
  function follow(current: Attempt, workspaceId: string, loadId: string): void {
    const seen = (load: LoadRecord) => {
      if (current.over || load.id !== loadId) return;
      set({ load });
      if (finishedStatuses.has(load.status)) current.end(load);
    };
    const stopWatching = api().watchLoadRecords(workspaceId, (load) => load && seen(load));
    const poll = setInterval(() => void api().loadRecord(loadId).then(seen, () => undefined), pollMs);
    current.stopFollowing = () => {
      stopWatching();
      clearInterval(poll);
    };
  }

  /**
   * The load the file goes to: the one an unfinished upload of this file on this device
   * belongs to while it still waits for it, else a new one.
   */
  async function loadToSendTo(workspaceId: string, userId: string, file: File, choice: UploadChoice): Promise<{ load: LoadRecord; resume: UnfinishedTransfer | null }> {
    const imports = importsApi();
    const unfinished = await imports.unfinishedTransfer(workspaceId, file);
    if (unfinished) {
      const load = await api().loadRecord(unfinished.loadId).catch((error: unknown) => {
        if (isPassing(error)) throw error;
        return null;
      });
      if (load?.status === 'pending' && load.createdBy === userId) return { load, resume: unfinished };
      await imports.forgetTransfer(unfinished);
    }
    return { load: await imports.createLoad(workspaceId, file, choice), resume: null };
  }

  async function run(current: Attempt, workspaceId: string, userId: string, file: File, choice: UploadChoice): Promise<void> {
    let load = get().fileStored ? get().load : null;
    if (load) {
      // Resumed after the file was stored: the load may have begun, or ended, meanwhile.
      load = await api().loadRecord(load.id);
      if (current.over) return;
      set({ load });
    } else {
      const earlier = get().load;
      const target = await loadToSendTo(workspaceId, userId, file, choice);
      if (current.over) return;
      load = target.load;
      // An interrupted try whose upload cannot be continued (no storage for its URL) leaves its load behind.
      if (earlier?.status === 'pending' && earlier.id !== load.id) void api().cancelLoad(earlier.id).catch(() => undefined);
      set({ load, resumedFrom: null, transfer: { sent: 0, total: file.size } });
      transfer = importsApi().sendFile(workspaceId, load.id, file, target.resume, {
        onProgress: (progress) => !current.over && set({ transfer: progress }),
        onResume: (offset) => !current.over && set({ resumedFrom: offset, transfer: { sent: offset, total: file.size } }),
      });
      await transfer.done;
      transfer = null;
      set({ fileStored: true });
    }
    set({ stage: 'processing' });
    if (finishedStatuses.has(load.status)) return current.end(load);
    follow(current, workspaceId, load.id);
    if (load.status !== 'pending') return;
    const answer = await importsApi().startLoad(load.id, choice.mapping, current.request.signal);
    if (current.over) return;
    set({ load: answer });
    if (finishedStatuses.has(answer.status)) current.end(answer);
  }

  /** Sending or starting stopped: passing trouble can be resumed, a refusal goes back to the choice. */
  function stopped(current: Attempt, error: unknown): void {
    if (current.over || error instanceof TransferAborted) return;
    current.end(null);
    if (isPassing(error)) {
      set({ step: 'interrupted', interruption: describeError(error), cancelling: false });
      return;
    }
    reportError(error);
    const load = get().load;
    // Refused, the pending load would wait for nothing; the next try makes a new one.
    if (load?.status === 'pending') void api().cancelLoad(load.id).catch(() => undefined);
    set({ step: 'ready', load: null, transfer: null, fileStored: false, cancelling: false });
  }

  const initial = {
    step: 'choose' as Step,
    stage: 'sending' as UploadStage,
    file: null,
    preview: null,
    fileProblem: null,
    source: null,
    mapping: null,
    bytesPerRow: null,
    load: null,
    transfer: null,
    resumedFrom: null,
    fileStored: false,
    interruption: null,
    cancelling: false,
  };

  return {
    ...initial,
    remember: false,
    pickFile: async (workspaceId, file) => {
      get().reset();
      set({ file, step: 'reading' });
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
      attempt?.end(null);
      const current = newAttempt();
      attempt = current;
      set({ step: 'uploading', stage: 'sending', interruption: null, cancelling: false });
      if (remember) await api().saveMapping(workspaceId, source, mapping).catch(reportError);
      run(current, workspaceId, userId, file, { source, mapping }).catch((error: unknown) => stopped(current, error));
      const ended = await current.ended;
      if (attempt === current) attempt = null;
      return ended;
    },
    cancel: async () => {
      const { load, fileStored } = get();
      set({ cancelling: true });
      try {
        // Cancel also deletes what Storage has of the file and forgets the upload.
        if (transfer && !fileStored) await transfer.abort(true).catch(() => undefined);
        transfer = null;
        if (!load) {
          attempt?.end(null);
          set({ step: 'ready', transfer: null, cancelling: false });
          return;
        }
        const cancelled = await api().cancelLoad(load.id);
        if (!finishedStatuses.has(cancelled.status)) return; // a running load ends by itself: the follow sees it
        if (attempt) attempt.end(cancelled);
        else set({ load: cancelled, step: 'finished', cancelling: false });
      } catch (error) {
        reportError(error);
        set({ cancelling: false });
      }
    },
    reset: () => {
      attempt?.end(null);
      attempt = null;
      // Leaving keeps what Storage has: the same file picked again continues from there.
      void transfer?.abort(false);
      transfer = null;
      set(initial);
    },
  };
});
