import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { PassThrough, type Readable } from 'node:stream';
import type { TransactionSql } from 'postgres';
import { requestHeader } from './body.ts';
import { serviceCaller } from './caller.ts';
import { errors } from './errors.ts';
import type { ObjectFiles, ReceivedFile } from './files.ts';
import { isEmptyFolderPlaceholder, mustBeAllowedMimeType } from './limits.ts';
import { multipartBoundary, readMultipartFile } from './multipart.ts';
import { findBucket, findObject, lockObjectName, ownerUuid, type BucketRow, type ObjectRow } from './rows.ts';
import type { Scope, ScopedDatabase } from './scope.ts';

/** Where an upload goes and who it is for. */
export interface UploadTarget {
  bucketId: string;
  name: string;
  /** The uploader's JWT `sub`, recorded as owner_id (and owner when a UUID). */
  owner: string | undefined;
  /** Replace an existing object (x-upsert: true, or PUT); otherwise an existing name is 409. */
  upsert: boolean;
}

/** A file on its way in: its bytes and what the request says about them. */
export interface IncomingFile {
  body: Readable;
  mimeType: string;
  cacheControl: string;
  userMetadata: Record<string, unknown> | undefined;
  /** The request's Content-Length (of the whole form for multipart), for the policies' view, as storage-api shows it. */
  declaredLength: number | undefined;
}

/** The metadata storage-api keeps in storage.objects.metadata for stored bytes. */
export function objectMetadata(received: Pick<ReceivedFile, 'size' | 'eTag'>, mimeType: string, cacheControl: string): Record<string, unknown> {
  return {
    eTag: received.eTag,
    size: received.size,
    mimetype: mimeType,
    cacheControl,
    lastModified: new Date().toISOString(),
    contentLength: received.size,
    httpStatusCode: 200,
  };
}

/** user_metadata as sent: a JSON object, or nothing (storage-api drops what does not parse). */
export function parseUserMetadata(text: string | undefined): Record<string, unknown> | undefined {
  if (text === undefined) return undefined;
  if (Buffer.byteLength(text, 'utf8') > 1024 * 1024) throw errors.entityTooLarge('user_metadata');
  try {
    const value: unknown = JSON.parse(text);
    return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * A request's body through a pass-through: a refused upload then drops the rest of the body
 * instead of tearing the request down (its answer must get through), and a client that goes
 * away ends it with an error rather than leaving it open.
 */
function requestBody(req: IncomingMessage): Readable {
  const body = new PassThrough();
  // Whoever stores the body learns of a failure from its state; until then it must not throw.
  body.on('error', () => {});
  req.once('close', () => {
    if (!req.complete) body.destroy(new Error('The client went away before the upload was complete'));
  });
  return req.pipe(body);
}

/**
 * The uploads of every route (plain, signed, resumable, copy), as storage-api's Uploader
 * (https://github.com/supabase/storage/blob/master/src/storage/uploader.ts): the bucket's
 * limits, the policies asked first, the bytes streamed to disk, and the row written last, so
 * that an object appears only once it is whole.
 */
export class Uploads {
  constructor(
    private readonly db: ScopedDatabase,
    private readonly files: ObjectFiles,
    /** The project's limit for one file ([storage] file_size_limit in config.toml). */
    readonly projectLimit: number,
  ) {}

  /** The bucket an upload goes to, read past RLS as storage-api reads it. */
  bucket(req: IncomingMessage, bucketId: string): Promise<BucketRow> {
    return this.db.run({ caller: serviceCaller, operation: 'storage.bucket.get', req }, (tx) => findBucket(tx, bucketId));
  }

  /** The most bytes an object of this bucket may have; the dashboard's folder marker has none. */
  maxSize(bucket: BucketRow, name: string): number {
    if (isEmptyFolderPlaceholder(name)) return 0;
    return bucket.file_size_limit === null ? this.projectLimit : Math.min(bucket.file_size_limit, this.projectLimit);
  }

  /**
   * The file of an upload request, as storage-api's fileUploadFromRequest reads it: the first
   * file of a multipart form (supabase-js sends Blobs so) with its cacheControl, metadata and
   * contentType fields, or else the raw body with Content-Type, Cache-Control and x-metadata.
   */
  async incomingFile(req: IncomingMessage, bucket: BucketRow, name: string): Promise<IncomingFile> {
    const boundary = multipartBoundary(requestHeader(req, 'content-type'));
    const declared = Number(requestHeader(req, 'content-length'));
    const declaredLength = Number.isFinite(declared) && declared >= 0 ? declared : undefined;
    const checkType = (mimeType: string) => {
      if (!isEmptyFolderPlaceholder(name)) mustBeAllowedMimeType(mimeType, bucket.allowed_mime_types);
    };
    if (boundary) {
      const form = await readMultipartFile(req, boundary);
      if (!form) throw errors.noContent();
      const mimeType = form.fields.get('contentType') || form.mimeType;
      const cacheTime = form.fields.get('cacheControl');
      try {
        checkType(mimeType);
      } catch (error) {
        form.body.resume();
        throw error;
      }
      return {
        body: form.body,
        mimeType,
        cacheControl: cacheTime ? `max-age=${cacheTime}` : 'no-cache',
        userMetadata: parseUserMetadata(form.fields.get('metadata') ?? form.fields.get('userMetadata')),
        declaredLength,
      };
    }
    const mimeType = requestHeader(req, 'content-type') || 'application/octet-stream';
    checkType(mimeType);
    if (declaredLength !== undefined && declaredLength > this.maxSize(bucket, name)) throw errors.entityTooLarge();
    const encoded = requestHeader(req, 'x-metadata');
    return {
      body: requestBody(req),
      mimeType,
      cacheControl: requestHeader(req, 'cache-control') ?? 'no-cache',
      userMetadata: encoded === undefined ? undefined : parseUserMetadata(Buffer.from(encoded, 'base64').toString('utf8')),
      declaredLength,
    };
  }

  /**
   * Asks the policies whether the caller may write the object, with a statement rolled back:
   * an insert, or for an upsert an insert … on conflict do update (insert and update policies).
   */
  canUpload(scope: Scope, target: UploadTarget, metadata: Record<string, unknown>, userMetadata: Record<string, unknown> | undefined): Promise<void> {
    // An upsert returns its row, as storage-api's does, so it also needs a select policy.
    return this.db.test(scope, (tx) => this.writeRow(tx, target, { version: randomUUID(), metadata, userMetadata }, target.upsert).catch((error: unknown) => {
      if (!target.upsert && (error as { code?: unknown }).code === '23505') throw errors.alreadyExists('KeyAlreadyExists');
      throw error;
    }));
  }

  /** An upload from start to end: policies, bytes, row. */
  async store(scope: Scope, target: UploadTarget, file: IncomingFile, maxSize: number): Promise<ObjectRow> {
    try {
      await this.canUpload(scope, target, { mimetype: file.mimeType, contentLength: file.declaredLength }, file.userMetadata);
    } catch (error) {
      file.body.resume();
      throw error;
    }
    const received = await this.files.receive(file.body, maxSize);
    // storage-api stores an upload's user metadata as given, or as {} when none was.
    return this.complete(scope.req, target, received, objectMetadata(received, file.mimeType, file.cacheControl), file.userMetadata ?? {});
  }

  /**
   * Makes received bytes the object: the file goes to its version's place, then the row points
   * at it in one transaction (past RLS, the policies were asked before), then the bytes it
   * replaced go. A failure leaves the previous object as it was.
   */
  async complete(req: IncomingMessage, target: UploadTarget, received: ReceivedFile, metadata: Record<string, unknown>, userMetadata: Record<string, unknown> | undefined): Promise<ObjectRow> {
    const version = randomUUID();
    try {
      await this.files.keep(received, version);
    } catch (error) {
      await this.files.discard(received);
      throw error;
    }
    return this.commitVersion(req, target, version, metadata, userMetadata);
  }

  /** Points the object's row at a version whose bytes are already in place (uploads, copies). */
  async commitVersion(req: IncomingMessage, target: UploadTarget, version: string, metadata: Record<string, unknown>, userMetadata: Record<string, unknown> | undefined): Promise<ObjectRow> {
    let replaced: string | null = null;
    try {
      const row = await this.db.run({ caller: serviceCaller, operation: 'storage.object.upload', req }, async (tx) => {
        await lockObjectName(tx, target.bucketId, target.name);
        const current = await findObject(tx, target.bucketId, target.name);
        if (current && !target.upsert) throw errors.alreadyExists('KeyAlreadyExists');
        replaced = current?.version ?? null;
        const written = await this.writeRow(tx, target, { version, metadata, userMetadata }, true);
        if (!written) throw errors.internal('The object row was not written');
        return written;
      });
      await this.files.remove([replaced]);
      return row;
    } catch (error) {
      await this.files.remove([version]);
      throw error;
    }
  }

  private async writeRow(tx: TransactionSql, target: UploadTarget, values: { version: string; metadata: Record<string, unknown>; userMetadata: Record<string, unknown> | undefined }, returning: boolean): Promise<ObjectRow | undefined> {
    const row = [target.bucketId, target.name, ownerUuid(target.owner), target.owner ?? null, JSON.stringify(values.metadata), values.userMetadata === undefined ? null : JSON.stringify(values.userMetadata), values.version];
    // A replacement keeps the owner and user metadata it is not given, as storage-api's upsert.
    const conflict = target.upsert
      ? `on conflict (bucket_id, name) do update set owner = coalesce(excluded.owner, o.owner), owner_id = coalesce(excluded.owner_id, o.owner_id),
           metadata = excluded.metadata, user_metadata = coalesce(excluded.user_metadata, o.user_metadata), version = excluded.version`
      : '';
    const [written] = await tx.unsafe<ObjectRow[]>(
      `insert into storage.objects as o (bucket_id, name, owner, owner_id, metadata, user_metadata, version)
       values ($1, $2, $3::uuid, $4, $5::jsonb, $6::jsonb, $7) ${conflict}
       ${returning ? 'returning id, bucket_id, name, version, owner, owner_id, metadata, user_metadata, created_at, updated_at, last_accessed_at' : ''}`,
      row,
    );
    return written;
  }
}
