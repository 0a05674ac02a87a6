import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { requestHeader } from '../body.ts';
import type { Caller } from '../caller.ts';
import type { Reply, StorageContext } from '../context.ts';
import { toStorageError } from '../errors.ts';
import { isEmptyFolderPlaceholder, mustBeAllowedMimeType } from '../limits.ts';
import type { Scope } from '../scope.ts';
import { objectMetadata, parseUserMetadata, type UploadTarget } from '../uploads.ts';
import { UploadLocks } from './locks.ts';
import {
  byteCountHeader,
  decodeUploadId,
  encodeUploadId,
  offsetContentType,
  parseUploadMetadata,
  stringifyUploadMetadata,
  TusError,
  tusErrors,
  tusExtensions,
  tusVersion,
  uploadTarget,
  type UploadId,
} from './protocol.ts';
import type { UploadInfo, UploadStates } from './uploadState.ts';

/** How long an unfinished upload lives: storage-api's TUS_URL_EXPIRY_MS. */
const uploadLifetimeMs = 60 * 60 * 1000;

/** The object's Cache-Control from the upload's cacheControl metadata (seconds), as storage-api sets it. */
function cacheControl(value: string | null | undefined): string {
  return value && /^-?\d+$/.test(value) ? `max-age=${value}` : 'no-cache';
}

/** A failure as tus answers it: the error's real status and its message as plain text. */
function tusReply(error: unknown, req: IncomingMessage): Reply {
  if (error instanceof TusError) return { status: error.status, text: error.message };
  const failure = toStorageError(error);
  if (failure.statusCode === 500) console.error(`[storage] ${req.method} ${req.url}:`, error);
  return { status: failure.statusCode, text: failure.message };
}

/**
 * Resumable uploads at /storage/v1/upload/resumable over tus 1.0.0, as Supabase Storage serves
 * them (https://github.com/supabase/storage/tree/master/src/http/routes/tus): creation (with upload), HEAD for the offset, PATCH to append,
 * termination, and expiry after an hour. Every request but HEAD asks the caller's policies
 * whether it may write the object (x-upsert: true for a replacement), as storage-api does on
 * each request. The object appears only when the last byte has arrived.
 */
export class ResumableUploads {
  private readonly locks = new UploadLocks();

  constructor(
    private readonly ctx: StorageContext,
    private readonly states: UploadStates,
  ) {}

  /** Answers one tus request; `id` is the upload's, absent for creation and OPTIONS. */
  async handle(req: IncomingMessage, id: string | undefined): Promise<Reply> {
    let reply: Reply;
    try {
      reply = await this.dispatch(req, id);
    } catch (error) {
      reply = tusReply(error, req);
    }
    return { ...reply, headers: { 'tus-resumable': tusVersion, ...reply.headers } };
  }

  private dispatch(req: IncomingMessage, id: string | undefined): Promise<Reply> {
    const method = req.method ?? 'GET';
    if (method === 'OPTIONS') return Promise.resolve(this.options());
    if (requestHeader(req, 'tus-resumable') !== tusVersion) throw tusErrors.versionRequired();
    if (id === 'sign' || id?.startsWith('sign/')) throw new TusError(501, 'Signed resumable uploads (x-signature) are not supported by the local stack');
    if (method === 'POST' && id === undefined) return this.create(req);
    if (id === undefined) throw tusErrors.notFound();
    if (method === 'HEAD') return this.head(req, id);
    if (method === 'PATCH') return this.patch(req, id);
    if (method === 'DELETE') return this.terminate(req, id);
    throw new TusError(405, `${method} is not allowed on a tus upload`);
  }

  private options(): Reply {
    return {
      status: 204,
      headers: { 'tus-version': tusVersion, 'tus-extension': tusExtensions, 'tus-max-size': String(this.ctx.uploads.projectLimit) },
    };
  }

  private scope(caller: Caller, req: IncomingMessage, operation: string): Scope {
    return { caller, operation, req };
  }

  private target(req: IncomingMessage, caller: Caller, info: Pick<UploadInfo, 'bucketId' | 'name'>): UploadTarget {
    return { bucketId: info.bucketId, name: info.name, owner: caller.owner, upsert: req.headers['x-upsert'] === 'true' };
  }

  /** What the policies are shown of an upload: its type and length, and its user metadata. */
  private canUpload(req: IncomingMessage, caller: Caller, info: Pick<UploadInfo, 'bucketId' | 'name' | 'length' | 'metadata'>, operation: string): Promise<void> {
    const metadata = { mimetype: info.metadata.contentType ?? undefined, contentLength: info.length };
    return this.ctx.uploads.canUpload(this.scope(caller, req, operation), this.target(req, caller, info), metadata, parseUserMetadata(info.metadata.metadata ?? undefined));
  }

  private expires(info: UploadInfo): Record<string, string> {
    return info.completed ? {} : { 'upload-expires': new Date(info.createdAt + uploadLifetimeMs).toUTCString() };
  }

  /** POST: a new upload of Upload-Length bytes, its bucket and name in Upload-Metadata. */
  private async create(req: IncomingMessage): Promise<Reply> {
    if (requestHeader(req, 'upload-concat') !== undefined) throw tusErrors.concatenation();
    if (requestHeader(req, 'upload-defer-length') !== undefined) throw tusErrors.deferredLength();
    const length = byteCountHeader(req, 'upload-length', tusErrors.invalidLength);
    if (length === undefined) throw tusErrors.invalidLength();
    const metadata = parseUploadMetadata(requestHeader(req, 'upload-metadata'));
    const { bucketId, name } = uploadTarget(metadata);
    const caller = await this.ctx.callers.identify(req);
    const bucket = await this.ctx.uploads.bucket(req, bucketId);
    if (length > this.ctx.uploads.maxSize(bucket, name)) throw tusErrors.maxSizeExceeded();
    const info: UploadInfo = { bucketId, name, version: randomUUID(), length, metadata: Object.fromEntries(metadata), createdAt: Date.now(), completed: false };
    await this.canUpload(req, caller, info, 'storage.upload.resumable.create');
    const contentType = metadata.get('contentType');
    if (contentType && !isEmptyFolderPlaceholder(name)) mustBeAllowedMimeType(contentType, bucket.allowed_mime_types);
    await this.states.sweep(uploadLifetimeMs);
    await this.states.create(info);
    const headers: Record<string, string> = { location: `${this.ctx.externalUrl()}/storage/v1/upload/resumable/${encodeUploadId(info)}` };
    // creation-with-upload: the first bytes come with the creation.
    if (requestHeader(req, 'content-type') === offsetContentType) {
      const written = await this.receive(req, caller, info, 0);
      headers['upload-offset'] = String(written.offset);
      return { status: 201, headers: { ...headers, ...written.headers, ...this.expires(written.info) } };
    }
    if (length === 0) {
      const finished = await this.finish(req, caller, info);
      return { status: 201, headers: { ...headers, ...finished.headers } };
    }
    return { status: 201, headers: { ...headers, ...this.expires(info) } };
  }

  /** The upload, or 404 when unknown and 410 when expired. */
  private async find(id: UploadId): Promise<UploadInfo> {
    const info = await this.states.read(id);
    if (!info) throw tusErrors.notFound();
    if (!info.completed && Date.now() > info.createdAt + uploadLifetimeMs) throw tusErrors.expired();
    return info;
  }

  private async currentOffset(info: UploadInfo): Promise<number> {
    if (info.completed) return info.length;
    const offset = await this.states.offset(info);
    if (offset === undefined) throw tusErrors.expired();
    return offset;
  }

  /** HEAD: how many bytes the upload has, to resume from. */
  private async head(req: IncomingMessage, id: string): Promise<Reply> {
    await this.ctx.callers.identify(req);
    const uploadId = decodeUploadId(id);
    const release = await this.locks.acquire(uploadId.version);
    try {
      const info = await this.find(uploadId);
      return {
        status: 200,
        headers: {
          'upload-offset': String(await this.currentOffset(info)),
          'upload-length': String(info.length),
          'upload-metadata': stringifyUploadMetadata(info.metadata),
          'cache-control': 'no-store',
          ...this.expires(info),
        },
      };
    } finally {
      release();
    }
  }

  /** PATCH: bytes appended at Upload-Offset, which must be the upload's offset (409 otherwise). */
  private async patch(req: IncomingMessage, id: string): Promise<Reply> {
    const offset = byteCountHeader(req, 'upload-offset', tusErrors.missingOffset);
    if (offset === undefined) throw tusErrors.missingOffset();
    const type = requestHeader(req, 'content-type');
    if (type === undefined) throw tusErrors.contentType();
    if (type !== offsetContentType) throw new TusError(400, 'Invalid content-type');
    const caller = await this.ctx.callers.identify(req);
    const info = await this.find(decodeUploadId(id));
    await this.canUpload(req, caller, info, 'storage.upload.resumable.upload_part');
    const written = await this.receive(req, caller, info, offset);
    return { status: 204, headers: { 'upload-offset': String(written.offset), ...written.headers, ...this.expires(written.info) } };
  }

  /**
   * Appends the request's bytes under the upload's lock, and completes the object when they
   * were the last. A request dropped half-way keeps what arrived.
   */
  private async receive(req: IncomingMessage, caller: Caller, info: UploadInfo, offset: number): Promise<{ offset: number; info: UploadInfo; headers: Record<string, string> }> {
    const stop = new AbortController();
    const release = await this.locks.acquire(info.version, () => stop.abort());
    try {
      const current = await this.currentOffset(info);
      if (current !== offset) throw tusErrors.offsetConflict();
      const remaining = info.length - offset;
      const declared = Number(requestHeader(req, 'content-length'));
      if (Number.isFinite(declared) && declared > remaining) throw tusErrors.sizeExceeded();
      try {
        await this.states.append(info, req, remaining, stop.signal);
      } catch (error) {
        if (stop.signal.aborted) throw tusErrors.aborted();
        // The client went away: what arrived is kept for it to resume from; nobody reads an answer.
        if (req.destroyed) return { offset: await this.currentOffset(info), info, headers: {} };
        throw error;
      }
      const reached = await this.currentOffset(info);
      if (reached < info.length || info.completed) return { offset: reached, info, headers: {} };
      return { offset: reached, ...(await this.finish(req, caller, info)) };
    } finally {
      release();
    }
  }

  /** The last byte arrived: the bytes become the object, as the caller, owned by its sub. */
  private async finish(req: IncomingMessage, caller: Caller, info: UploadInfo): Promise<{ info: UploadInfo; headers: Record<string, string> }> {
    try {
      const received = await this.states.received(info);
      const metadata = objectMetadata(received, info.metadata.contentType || 'application/octet-stream', cacheControl(info.metadata.cacheControl));
      await this.ctx.uploads.complete(req, this.target(req, caller, info), received, metadata, parseUserMetadata(info.metadata.metadata ?? undefined));
    } catch (error) {
      await this.states.remove(info.version);
      throw error;
    }
    await this.states.markCompleted(info);
    return { info: { ...info, completed: true }, headers: { 'tus-complete': '1' } };
  }

  /** DELETE: abandons an unfinished upload and its bytes. */
  private async terminate(req: IncomingMessage, id: string): Promise<Reply> {
    const caller = await this.ctx.callers.identify(req);
    const info = await this.find(decodeUploadId(id));
    if (info.completed) throw tusErrors.finished();
    await this.canUpload(req, caller, info, 'storage.upload.resumable.delete');
    const release = await this.locks.acquire(info.version);
    try {
      await this.states.remove(info.version);
    } finally {
      release();
    }
    return { status: 204 };
  }
}
