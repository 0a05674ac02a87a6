import type { IncomingMessage } from 'node:http';
import type { Reply, StorageContext } from './context.ts';
import { errors } from './errors.ts';
import { parseRange } from './range.ts';
import type { ObjectRow } from './rows.ts';

/** How an object is answered: its bytes, its headers only, or its info as JSON. */
export interface RenderOptions {
  /** `?download=` asks for an attachment, named as given (or as stored when empty). */
  download: string | null;
  /** Signed URLs answer with Expires instead of the object's Cache-Control. */
  expires?: Date;
  head?: boolean;
}

/** The object's metadata as stored, each field checked: the row is the project's to change. */
function describe(object: ObjectRow): { mimeType: string; cacheControl: string; eTag: string | undefined; lastModified: Date | undefined } {
  const metadata = object.metadata ?? {};
  const text = (key: string) => (typeof metadata[key] === 'string' ? metadata[key] : undefined);
  const modified = text('lastModified') ?? object.updated_at?.toISOString();
  const lastModified = modified === undefined ? undefined : new Date(modified);
  return {
    mimeType: text('mimetype') ?? 'application/octet-stream',
    cacheControl: text('cacheControl') ?? 'no-cache',
    eTag: text('eTag'),
    lastModified: lastModified && !Number.isNaN(lastModified.getTime()) ? lastModified : undefined,
  };
}

function contentDisposition(download: string): string {
  if (download === '') return 'attachment;';
  const encoded = encodeURIComponent(download);
  return `attachment; filename=${encoded}; filename*=UTF-8''${encoded}`;
}

/**
 * An object's bytes with storage-api's headers (src/storage/renderer/renderer.ts): type (HTML
 * served as text, so a bucket cannot host pages on the API's origin), length, ETag,
 * Last-Modified, Cache-Control, and a single byte Range as 206 with Content-Range. The file
 * is opened before the answer starts and streamed from disk.
 */
export async function renderObject(ctx: StorageContext, req: IncomingMessage, object: ObjectRow, options: RenderOptions): Promise<Reply> {
  const stored = await ctx.files.open(object.version);
  if (!stored) throw errors.noSuchKey();
  try {
    const meta = describe(object);
    const headers: Record<string, string> = {
      'accept-ranges': 'bytes',
      'content-type': meta.mimeType.includes('text/html') ? 'text/plain' : meta.mimeType,
      'x-robots-tag': 'none',
    };
    if (meta.eTag) headers.etag = meta.eTag;
    if (meta.lastModified) headers['last-modified'] = meta.lastModified.toUTCString();
    if (options.expires) headers.expires = options.expires.toUTCString();
    else headers['cache-control'] = meta.cacheControl;
    if (options.download !== null) headers['content-disposition'] = contentDisposition(options.download);
    if (meta.eTag && req.headers['if-none-match'] === meta.eTag) {
      await stored.handle.close();
      return { status: 304, headers };
    }
    const rangeHeader = req.headers.range;
    const range = rangeHeader ? parseRange(rangeHeader, stored.size) : undefined;
    if (range) headers['content-range'] = `bytes ${range.start}-${range.end}/${stored.size}`;
    headers['content-length'] = String(range ? range.end - range.start + 1 : stored.size);
    const status = range ? 206 : 200;
    if (options.head) {
      await stored.handle.close();
      return { status, headers };
    }
    const stream = stored.handle.createReadStream(range ? { start: range.start, end: range.end } : {});
    return { status, headers, stream };
  } catch (error) {
    await stored.handle.close();
    throw error;
  }
}

/** GET /object/info: what storage-api's InfoRenderer answers, from the object's row. */
export function objectInfo(object: ObjectRow): Reply {
  const metadata = object.metadata ?? {};
  const meta = describe(object);
  const size = typeof metadata.size === 'number' ? metadata.size : null;
  return {
    status: 200,
    headers: meta.eTag ? { etag: meta.eTag, 'cache-control': meta.cacheControl } : { 'cache-control': meta.cacheControl },
    json: {
      id: object.id,
      name: object.name,
      version: object.version,
      bucket_id: object.bucket_id,
      size,
      content_type: typeof metadata.mimetype === 'string' ? metadata.mimetype : null,
      cache_control: typeof metadata.cacheControl === 'string' ? metadata.cacheControl : null,
      etag: meta.eTag ?? null,
      metadata: object.user_metadata,
      last_modified: object.updated_at,
      created_at: object.created_at,
    },
  };
}
