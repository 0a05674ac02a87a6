import type { IncomingMessage } from 'node:http';
import { readJsonObject, stringArray } from './body.ts';
import { serviceCaller, type Caller } from './caller.ts';
import type { Endpoint, Reply, StorageContext } from './context.ts';
import { objectInfo, renderObject } from './download.ts';
import { errors } from './errors.ts';
import { mustBeValidBucketName, mustBeValidKey } from './limits.ts';
import { findBucket, mustFindObject, type ObjectRow } from './rows.ts';

/**
 * The object routes that read, write and delete one bucket's objects
 * (https://github.com/supabase/storage/tree/master/src/http/routes/object).
 */

/** At most this many names in one bulk request, as storage-api's MAX_OBJECTS_PER_REQUEST. */
export const maxObjectsPerRequest = 1000;

/** How a read route finds its caller: public buckets need none, `/authenticated/` routes insist. */
type Access = 'public' | 'authenticated' | 'optional';

/**
 * The object a read route serves, found as storage-api finds it: a public bucket's objects
 * past RLS, a private bucket's as the caller (so its select policies decide), and a private
 * bucket's not at all for a request without a valid JWT.
 */
async function readableObject(ctx: StorageContext, req: IncomingMessage, bucketId: string, name: string, access: Access, operation: string): Promise<ObjectRow> {
  mustBeValidBucketName(bucketId);
  mustBeValidKey(name);
  const caller: Caller = access === 'public' ? serviceCaller : await ctx.callers.identify(req, access === 'optional');
  const bucket = await ctx.db.run({ caller: serviceCaller, operation, req }, (tx) => findBucket(tx, bucketId, { publicOnly: access === 'public' }));
  if (!caller.authenticated && !bucket.public) throw errors.noSuchBucket();
  return ctx.db.run({ caller: bucket.public ? serviceCaller : caller, operation, req }, (tx) => mustFindObject(tx, bucketId, name));
}

function readRoute(access: Access, mode: 'get' | 'head' | 'info'): Endpoint {
  const operation = mode === 'info' ? 'storage.object.info' : access === 'public' ? 'storage.object.get_public' : 'storage.object.get_authenticated';
  return async (ctx, req, url, { bucket, name }) => {
    const object = await readableObject(ctx, req, bucket, name, access, operation);
    if (mode === 'info') return objectInfo(object);
    return renderObject(ctx, req, object, { download: url.searchParams.get('download'), head: mode === 'head' });
  };
}

/** GET and HEAD /object/[authenticated/|public/]:bucket/*, GET /object/info/[…]:bucket/*. */
export const readObject = {
  get: readRoute('optional', 'get'),
  getAuthenticated: readRoute('authenticated', 'get'),
  getPublic: readRoute('public', 'get'),
  head: readRoute('optional', 'head'),
  headAuthenticated: readRoute('authenticated', 'head'),
  headPublic: readRoute('public', 'head'),
  info: readRoute('optional', 'info'),
  infoAuthenticated: readRoute('authenticated', 'info'),
  infoPublic: readRoute('public', 'info'),
};

/**
 * POST /object/:bucket/* uploads (x-upsert: true replaces), PUT replaces: as the caller, whose
 * insert (and for a replacement update and select) policies decide, owned by the JWT's sub.
 */
function uploadRoute(method: 'POST' | 'PUT'): Endpoint {
  return async (ctx, req, _url, { bucket: bucketId, name }) => {
    mustBeValidBucketName(bucketId);
    mustBeValidKey(name);
    const caller = await ctx.callers.identify(req);
    const upsert = method === 'PUT' || req.headers['x-upsert'] === 'true';
    const bucket = await ctx.uploads.bucket(req, bucketId);
    const maxSize = ctx.uploads.maxSize(bucket, name);
    const file = await ctx.uploads.incomingFile(req, bucket, name);
    const scope = { caller, operation: method === 'PUT' ? 'storage.object.upload_update' : 'storage.object.upload', req };
    const object = await ctx.uploads.store(scope, { bucketId, name, owner: caller.owner, upsert }, file, maxSize);
    return { status: 200, json: { Id: object.id, Key: `${bucketId}/${name}` } };
  };
}

export const uploadObject = uploadRoute('POST');
export const updateObject = uploadRoute('PUT');

/**
 * DELETE /object/:bucket with `{prefixes}` (supabase-js remove): deletes, as the caller, the
 * named objects its delete policies allow and answers them; the others are left out, not
 * refused. Their bytes go once the rows are gone.
 */
export const removeObjects: Endpoint = async (ctx, req, _url, { bucket }) => {
  mustBeValidBucketName(bucket);
  const caller = await ctx.callers.identify(req);
  const prefixes = stringArray(await readJsonObject(req), 'prefixes', 1, maxObjectsPerRequest);
  const removed = await ctx.db.run({ caller, operation: 'storage.object.delete_many', req }, (tx) =>
    tx<ObjectRow[]>`
      delete from storage.objects where bucket_id = ${bucket} and name = any(${prefixes}::text[])
      returning id, bucket_id, name, version, owner, owner_id, metadata, user_metadata, created_at, updated_at, last_accessed_at`,
  );
  await ctx.files.remove(removed.map((object) => object.version));
  return { status: 200, json: removed };
};

/**
 * DELETE /object/:bucket/*: one object, 404 when there is none, 403 when the caller's
 * delete policies do not allow it (storage-api's deleteObject).
 */
export const deleteObject: Endpoint = async (ctx, req, _url, { bucket, name }): Promise<Reply> => {
  mustBeValidBucketName(bucket);
  mustBeValidKey(name);
  const caller = await ctx.callers.identify(req);
  const scope = { caller, operation: 'storage.object.delete', req };
  await ctx.db.run({ ...scope, caller: serviceCaller }, (tx) => mustFindObject(tx, bucket, name));
  const [removed] = await ctx.db.run(scope, (tx) =>
    tx<{ version: string | null }[]>`delete from storage.objects where bucket_id = ${bucket} and name = ${name} returning version`,
  );
  if (!removed) throw errors.accessDenied();
  await ctx.files.remove([removed.version]);
  return { status: 200, json: { message: 'Successfully deleted' } };
};
