import type { DetailedError, HttpRequest, HttpResponse, PreviousUpload, UploadOptions } from 'tus-js-client';

/**
 * A file sent to Supabase Storage over tus, resumable: a dropped connection is retried, and
 * after a reload or a closed laptop the same file picked again continues from the server's
 * offset. tus-js-client keeps each upload's URL in localStorage under the file's fingerprint;
 * the object's name holds the load it belongs to.
 * https://supabase.com/docs/guides/storage/uploads/resumable-uploads
 */

/** The private bucket of uploaded originals (`<workspace>/<load>/original.csv`). */
export const importsBucket = 'imports';

/** Supabase Storage takes tus chunks of exactly 6 MB (the last one smaller). */
export const transferChunkBytes = 6 * 1024 * 1024;

/** Waits between tries of a failed request; past the last one the transfer stops and can be resumed. */
export const transferRetryDelaysMs = [0, 1_000, 3_000, 5_000, 10_000, 20_000];

export function originalObjectName(workspaceId: string, loadId: string): string {
  return `${workspaceId}/${loadId}/original.csv`;
}

const objectNamePattern = /^([0-9a-f-]{36})\/([0-9a-f-]{36})\/original\.csv$/i;

/** The load an object of the imports bucket belongs to, when it is one of `workspaceId`'s originals. */
export function loadIdOfObject(workspaceId: string, objectName: string | undefined): string | null {
  const match = objectNamePattern.exec(objectName ?? '');
  return match && match[1]?.toLowerCase() === workspaceId.toLowerCase() ? (match[2] ?? null) : null;
}

/** Where the transfers go and who sends them. */
export interface TransferEndpoint {
  /** The project's API URL (`https://<ref>.supabase.co`). */
  supabaseUrl: string;
  anonKey: string;
  /** The signed-in person's access token, fresh for each request (a long upload outlives a token). */
  accessToken(): Promise<string>;
}

/** An upload this device began and did not finish, for the same file in the same workspace. */
export interface UnfinishedTransfer {
  loadId: string;
  previous: PreviousUpload;
}

/** Why a transfer stopped: the server's status and text, or status 0 when no answer came. */
export class TransferError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'TransferError';
  }
}

/** The transfer was stopped on purpose (Cancel, or the person left the screen). */
export class TransferAborted extends Error {
  constructor() {
    super('The transfer was stopped');
    this.name = 'TransferAborted';
  }
}

export interface TransferProgress {
  sent: number;
  total: number;
}

export interface FileTransfer {
  /** Resolves once Storage has every byte; rejects with TransferError or TransferAborted. */
  done: Promise<void>;
  /**
   * Stops sending. `discard` also deletes what the server has and forgets the upload (Cancel);
   * without it the upload can be resumed later (leaving the screen).
   */
  abort(discard: boolean): Promise<void>;
}

export interface TransferHandlers {
  onProgress(progress: TransferProgress): void;
  /** The server's offset when an earlier upload is taken up again. */
  onResume(offset: number): void;
}

type Tus = typeof import('tus-js-client');
let tusModule: Promise<Tus> | undefined;

/** tus-js-client travels with the screen that sends files, not with the load history. */
function tus(): Promise<Tus> {
  tusModule ??= import('tus-js-client');
  return tusModule;
}

function transferError(error: Error | DetailedError): TransferError {
  const response = 'originalResponse' in error ? error.originalResponse : null;
  if (!response) return new TransferError(0, error.message);
  return new TransferError(response.getStatus(), response.getBody().trim() || error.message);
}

/**
 * The options every transfer of `workspaceId` shares. The fingerprint is tus-js-client's own
 * (name, type, size, modification time, endpoint) with the workspace added: the same file in
 * another workspace is another load.
 */
function sharedOptions(t: Tus, endpoint: TransferEndpoint, workspaceId: string): UploadOptions {
  return {
    endpoint: `${endpoint.supabaseUrl}/storage/v1/upload/resumable`,
    fingerprint: async (file, options) => `${await t.defaultOptions.fingerprint(file, options)}-${workspaceId}`,
    // supabase-js sends the API key too: the local stack's gateway, like a hosted project's
    // API host, asks for it (the docs' example goes to the direct storage host).
    headers: { apikey: endpoint.anonKey, 'x-upsert': 'false' },
    onBeforeRequest: async (req: HttpRequest) => req.setHeader('authorization', `Bearer ${await endpoint.accessToken()}`),
  };
}

/** The newest upload of this file into `workspaceId` that this device began and did not finish. */
export async function findUnfinishedTransfer(endpoint: TransferEndpoint, workspaceId: string, file: File): Promise<UnfinishedTransfer | null> {
  const t = await tus();
  if (!t.canStoreURLs) return null;
  const previous = await new t.Upload(file, sharedOptions(t, endpoint, workspaceId)).findPreviousUploads();
  const ours = previous
    .map((p) => ({ previous: p, loadId: p.metadata.bucketName === importsBucket ? loadIdOfObject(workspaceId, p.metadata.objectName) : null }))
    .filter((u): u is UnfinishedTransfer => u.loadId !== null && u.previous.size === file.size)
    .sort((a, b) => b.previous.creationTime.localeCompare(a.previous.creationTime));
  return ours[0] ?? null;
}

/** Forgets an unfinished upload whose load can no longer take it (cancelled, failed, another person's). */
export async function forgetTransfer(transfer: UnfinishedTransfer): Promise<void> {
  const t = await tus();
  await t.defaultOptions.urlStorage.removeUpload(transfer.previous.urlStorageKey);
}

/**
 * Sends `file` as the original of a load, `imports/<workspace>/<load>/original.csv`, in 6 MB
 * chunks; with `resume`, from where that earlier upload stopped.
 */
export function sendFile(endpoint: TransferEndpoint, workspaceId: string, loadId: string, file: File, resume: UnfinishedTransfer | null, handlers: TransferHandlers): FileTransfer {
  let stop: ((discard: boolean) => Promise<void>) | undefined;
  let stopped = false;
  let rejectDone: (error: Error) => void = () => undefined;
  const done = new Promise<void>((resolve, reject) => {
    rejectDone = reject;
    void tus().then((t) => {
      if (stopped) return;
      const upload = new t.Upload(file, {
        ...sharedOptions(t, endpoint, workspaceId),
        metadata: { bucketName: importsBucket, objectName: originalObjectName(workspaceId, loadId), contentType: 'text/csv', cacheControl: '3600' },
        chunkSize: transferChunkBytes,
        retryDelays: transferRetryDelaysMs,
        uploadDataDuringCreation: true,
        removeFingerprintOnSuccess: true,
        onProgress: (sent, total) => handlers.onProgress({ sent, total }),
        onAfterResponse: (req: HttpRequest, res: HttpResponse) => {
          const offset = Number(res.getHeader('upload-offset'));
          if (req.getMethod() === 'HEAD' && res.getStatus() === 200 && Number.isFinite(offset)) handlers.onResume(offset);
        },
        onSuccess: () => resolve(),
        onError: (error) => reject(transferError(error)),
      });
      stop = (discard) => upload.abort(discard);
      if (resume) upload.resumeFromPreviousUpload(resume.previous);
      upload.start();
    }, reject);
  });
  return {
    done,
    abort: async (discard) => {
      stopped = true;
      rejectDone(new TransferAborted());
      if (stop) await stop(discard);
      else if (discard && resume) await forgetTransfer(resume);
    },
  };
}
