import type { IncomingMessage, ServerResponse } from 'node:http';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { Sql } from 'postgres';
import { corsHeaders, send, sendJson } from '../http.ts';
import type { Service } from '../server.ts';
import { createBucket, deleteBucket, emptyBucket, getBucket, listBuckets, updateBucket } from './buckets.ts';
import { Callers } from './caller.ts';
import type { Endpoint, Reply, RouteParams, StorageContext } from './context.ts';
import { errors, StorageError, toStorageError } from './errors.ts';
import { ObjectFiles } from './files.ts';
import { listObjects } from './listing.ts';
import { deleteObject, readObject, removeObjects, updateObject, uploadObject } from './objects.ts';
import { ResumableUploads } from './resumable/ResumableUploads.ts';
import { UploadStates } from './resumable/uploadState.ts';
import { ScopedDatabase } from './scope.ts';
import { signedDownload, signObjectUrl, signObjectUrls, signUploadUrl, uploadToSignedUrl } from './signedUrls.ts';
import { copyObject, moveObject } from './transfers.ts';
import { Uploads } from './uploads.ts';

export interface StorageOptions {
  sql: Sql;
  jwtSecret: string;
  /** The stack's data folder; the bytes live in its `storage/` folder. */
  dataDir: string;
  /** The project's limit for one file, in bytes ([storage] file_size_limit). */
  fileSizeLimit: number;
  externalUrl: () => string;
}

interface Route {
  /** Matches the path after /storage/v1; groups: the bucket, then the object's name. */
  path: RegExp;
  methods: Partial<Record<string, Endpoint>>;
}

/** Routes in storage-api's order of precedence: fixed words before a bucket's name. */
const routes: Route[] = [
  { path: /^\/bucket\/?$/, methods: { GET: listBuckets, POST: createBucket } },
  { path: /^\/bucket\/([^/]+)\/empty$/, methods: { POST: emptyBucket } },
  { path: /^\/bucket\/([^/]+)$/, methods: { GET: getBucket, PUT: updateBucket, DELETE: deleteBucket } },
  { path: /^\/object\/move$/, methods: { POST: moveObject } },
  { path: /^\/object\/copy$/, methods: { POST: copyObject } },
  { path: /^\/object\/list\/([^/]+)$/, methods: { POST: listObjects } },
  { path: /^\/object\/sign\/([^/]+)$/, methods: { POST: signObjectUrls } },
  { path: /^\/object\/sign\/([^/]+)\/(.+)$/, methods: { POST: signObjectUrl, GET: signedDownload(false), HEAD: signedDownload(true) } },
  { path: /^\/object\/upload\/sign\/([^/]+)\/(.+)$/, methods: { POST: signUploadUrl, PUT: uploadToSignedUrl } },
  { path: /^\/object\/public\/([^/]+)\/(.+)$/, methods: { GET: readObject.getPublic, HEAD: readObject.headPublic } },
  { path: /^\/object\/authenticated\/([^/]+)\/(.+)$/, methods: { GET: readObject.getAuthenticated, HEAD: readObject.headAuthenticated } },
  { path: /^\/object\/info\/public\/([^/]+)\/(.+)$/, methods: { GET: readObject.infoPublic } },
  { path: /^\/object\/info\/authenticated\/([^/]+)\/(.+)$/, methods: { GET: readObject.infoAuthenticated } },
  { path: /^\/object\/info\/([^/]+)\/(.+)$/, methods: { GET: readObject.info } },
  { path: /^\/object\/([^/]+)\/(.+)$/, methods: { POST: uploadObject, PUT: updateObject, GET: readObject.get, HEAD: readObject.head, DELETE: deleteObject } },
  { path: /^\/object\/([^/]+)$/, methods: { DELETE: removeObjects } },
];

/** What the local stack refuses outright, for every method, with the reason. */
const refused: [RegExp, () => StorageError][] = [
  [/^\/object\/list-v2\//, () => errors.notSupported('listV2 is not supported by the local stack; use list()')],
  [/^\/render\//, () => errors.featureNotEnabled('imageTransformation (image transformations are not supported by the local stack)')],
  [/^\/s3(\/|$)/, () => errors.notSupported('The S3 protocol is not supported by the local stack; use the Storage API (supabase-js)')],
];

function decodeParam(value: string | undefined): string {
  try {
    return decodeURIComponent(value ?? '');
  } catch {
    throw errors.invalidKey(value ?? '');
  }
}

/**
 * Supabase Storage (`/storage/v1`, https://supabase.com/docs/guides/storage): buckets,
 * objects, signed URLs and resumable uploads, as storage-api answers what supabase-js's
 * storage client sends. Every statement runs as the caller so that the project's policies on
 * storage.objects and storage.buckets decide; the bytes stream to and from
 * `<data dir>/storage/`.
 */
export class StorageService implements Service {
  private readonly ctx: StorageContext;
  private readonly resumable: ResumableUploads;

  constructor(options: StorageOptions) {
    const root = join(options.dataDir, 'storage');
    const db = new ScopedDatabase(options.sql);
    const files = new ObjectFiles(root);
    this.ctx = {
      db,
      callers: new Callers(options.sql, options.jwtSecret),
      files,
      uploads: new Uploads(db, files, options.fileSizeLimit),
      jwtSecret: options.jwtSecret,
      externalUrl: options.externalUrl,
    };
    this.resumable = new ResumableUploads(this.ctx, new UploadStates(join(root, 'resumable')));
  }

  async handle(req: IncomingMessage, res: ServerResponse, url: URL, path: string): Promise<void> {
    let reply: Reply;
    try {
      reply = await this.dispatch(req, url, path);
    } catch (error) {
      const failure = toStorageError(error);
      // A client that went away mid-upload is no server fault worth a log line.
      if (failure.statusCode === 500 && !req.destroyed) console.error(`[storage] ${req.method} ${url.pathname}:`, error);
      reply = { status: failure.httpStatus, json: failure };
    }
    // A refused upload's body is read and dropped, so the client gets to read the answer.
    if (!req.complete) req.resume();
    await this.respond(req, res, reply);
  }

  private dispatch(req: IncomingMessage, url: URL, path: string): Promise<Reply> {
    const method = req.method ?? 'GET';
    const resumable = /^\/upload\/resumable(?:\/(.+?))?\/?$/.exec(path);
    if (resumable) return this.resumable.handle(req, resumable[1]);
    const refusal = refused.find(([pattern]) => pattern.test(path));
    if (refusal) throw refusal[1]();
    for (const route of routes) {
      const match = route.path.exec(path);
      const endpoint = match && route.methods[method];
      if (!match || !endpoint) continue;
      const params: RouteParams = { bucket: decodeParam(match[1]), name: decodeParam(match[2]) };
      return endpoint(this.ctx, req, url, params);
    }
    throw new StorageError(404, 'InvalidRequest', `Route ${method}:${url.pathname}${url.search} not found`, 'Not Found', 404);
  }

  private async respond(req: IncomingMessage, res: ServerResponse, reply: Reply): Promise<void> {
    const headers = reply.headers ?? {};
    if (reply.stream) {
      res.writeHead(reply.status, { ...corsHeaders, ...headers });
      // A client that goes away mid-download ends the stream; nothing is left to answer.
      await pipeline(reply.stream, res).catch(() => undefined);
      return;
    }
    if (reply.json !== undefined && req.method !== 'HEAD') sendJson(res, reply.status, reply.json, headers);
    else if (reply.text !== undefined) send(res, reply.status, `${reply.text}\n`, { 'content-type': 'text/plain; charset=utf-8', ...headers });
    else send(res, reply.status, null, headers);
  }
}
