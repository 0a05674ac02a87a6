import { optionalBoolean, optionalString, optionalStringArray, readJsonObject, requiredString, type JsonObject } from './body.ts';
import { serviceCaller } from './caller.ts';
import type { Endpoint, StorageContext } from './context.ts';
import { errors } from './errors.ts';
import { mustBeValidBucketName, mustBeValidMimePattern, parseFileSize } from './limits.ts';
import { ownerUuid } from './rows.ts';

/**
 * The bucket routes (https://github.com/supabase/storage/tree/master/src/http/routes/bucket),
 * each run as the caller so that policies on storage.buckets decide; with none (as a new
 * project has), only the service role manages buckets.
 */

const bucketColumns = 'id, name, owner, public, created_at, updated_at, file_size_limit::float8 as file_size_limit, allowed_mime_types, type';

/** file_size_limit given as bytes or as text ("5MB"), at most the project's limit (413 above). */
function fileSizeLimit(ctx: StorageContext, body: JsonObject): number | null | undefined {
  const value = body.file_size_limit;
  if (value === undefined) return undefined;
  if (value === null) return null;
  const bytes = typeof value === 'number' ? value : typeof value === 'string' ? parseFileSize(value) : NaN;
  if (!Number.isSafeInteger(bytes) || bytes < 0) throw errors.invalidFileSizeLimit();
  if (bytes > ctx.uploads.projectLimit) throw errors.entityTooLarge();
  return bytes;
}

/** allowed_mime_types without empty entries, each well formed (415 otherwise). */
function allowedMimeTypes(body: JsonObject): string[] | null | undefined {
  const types = optionalStringArray(body, 'allowed_mime_types');
  if (!types) return types;
  const kept = types.filter((type) => type);
  kept.forEach(mustBeValidMimePattern);
  return kept;
}

/** GET /bucket (listBuckets): the buckets the caller's select policies show. */
export const listBuckets: Endpoint = async (ctx, req, url) => {
  const caller = await ctx.callers.identify(req);
  const query = url.searchParams;
  const sortColumn = query.get('sortColumn');
  const sortOrder = query.get('sortOrder') ?? 'asc';
  if (sortColumn !== null && !['id', 'name', 'created_at', 'updated_at'].includes(sortColumn)) throw errors.invalidRequest('querystring/sortColumn must be equal to one of the allowed values');
  if (!['asc', 'desc'].includes(sortOrder)) throw errors.invalidRequest('querystring/sortOrder must be equal to one of the allowed values');
  const number = (name: string, min: number) => {
    const text = query.get(name);
    if (text === null) return null;
    const value = Number(text);
    if (!Number.isSafeInteger(value) || value < min) throw errors.invalidRequest(`querystring/${name} must be integer >= ${min}`);
    return value;
  };
  const limit = number('limit', 1);
  const offset = number('offset', 0);
  const search = query.get('search');
  const buckets = await ctx.db.run({ caller, operation: 'storage.bucket.list', req }, (tx) =>
    tx.unsafe(
      `select ${bucketColumns} from storage.buckets
       where $1::text is null or name ilike '%' || replace(replace(replace($1, '\\', '\\\\'), '%', '\\%'), '_', '\\_') || '%'
       ${sortColumn ? `order by ${sortColumn} ${sortOrder}` : ''}
       limit $2 offset $3`,
      [search || null, limit, offset ?? 0],
    ),
  );
  return { status: 200, json: buckets };
};

/** GET /bucket/:id (getBucket). */
export const getBucket: Endpoint = async (ctx, req, _url, { bucket }) => {
  const caller = await ctx.callers.identify(req);
  const [found] = await ctx.db.run({ caller, operation: 'storage.bucket.get', req }, (tx) =>
    tx.unsafe(`select ${bucketColumns} from storage.buckets where id = $1`, [bucket]),
  );
  if (!found) throw errors.noSuchBucket();
  return { status: 200, json: found };
};

/** POST /bucket (createBucket): owned by the JWT's sub; its insert policies decide. */
export const createBucket: Endpoint = async (ctx, req) => {
  const caller = await ctx.callers.identify(req);
  const body = await readJsonObject(req);
  const name = requiredString(body, 'name');
  const id = optionalString(body, 'id') || name;
  if (name.trim() !== name) throw errors.invalidBucketName();
  mustBeValidBucketName(name);
  mustBeValidBucketName(id);
  const type = optionalString(body, 'type') ?? 'STANDARD';
  if (type !== 'STANDARD') throw errors.featureNotEnabled(`${type.toLowerCase()} buckets (not supported by the local stack)`);
  const limit = fileSizeLimit(ctx, body);
  const types = allowedMimeTypes(body);
  await ctx.db
    .run({ caller, operation: 'storage.bucket.create', req }, (tx) =>
      tx`
        insert into storage.buckets (id, name, owner, owner_id, public, file_size_limit, allowed_mime_types)
        values (${id}, ${name}, ${ownerUuid(caller.owner)}::uuid, ${caller.owner ?? null}, ${optionalBoolean(body, 'public') ?? false},
          ${limit ?? null}::bigint, ${types ?? null}::text[])`,
    )
    .catch((error: unknown) => {
      throw (error as { code?: unknown }).code === '23505' ? errors.alreadyExists('BucketAlreadyExists') : error;
    });
  return { status: 200, json: { name } };
};

/** PUT /bucket/:id (updateBucket): public, file_size_limit and allowed_mime_types; its update policies decide. */
export const updateBucket: Endpoint = async (ctx, req, _url, { bucket }) => {
  mustBeValidBucketName(bucket);
  const caller = await ctx.callers.identify(req);
  const body = await readJsonObject(req);
  const isPublic = optionalBoolean(body, 'public');
  const limit = fileSizeLimit(ctx, body);
  const types = allowedMimeTypes(body);
  if (isPublic === undefined && limit === undefined && types === undefined) throw errors.noContent();
  // A column given as null is cleared; one not given stays as it is.
  const updated = await ctx.db.run({ caller, operation: 'storage.bucket.update', req }, (tx) => tx`
    update storage.buckets set
      public = case when ${isPublic !== undefined} then ${isPublic ?? false} else public end,
      file_size_limit = case when ${limit !== undefined} then ${limit ?? null}::bigint else file_size_limit end,
      allowed_mime_types = case when ${types !== undefined} then ${types ?? null}::text[] else allowed_mime_types end
    where id = ${bucket}
    returning id`);
  if (updated.length === 0) throw errors.noSuchBucket();
  return { status: 200, json: { message: 'Successfully updated' } };
};

/**
 * POST /bucket/:id/empty (emptyBucket): deletes the bucket's objects that the caller's delete
 * policies allow, at once. storage-api queues the deletion of every object of a bucket the
 * caller can see; here the policies decide object by object (stricter, never wider).
 */
export const emptyBucket: Endpoint = async (ctx, req, _url, { bucket }) => {
  mustBeValidBucketName(bucket);
  const caller = await ctx.callers.identify(req);
  const removed = await ctx.db.run({ caller, operation: 'storage.bucket.empty', req }, async (tx) => {
    const [found] = await tx`select id from storage.buckets where id = ${bucket}`;
    if (!found) throw errors.noSuchBucket();
    return tx<{ version: string | null }[]>`delete from storage.objects where bucket_id = ${bucket} returning version`;
  });
  await ctx.files.remove(removed.map((object) => object.version));
  return { status: 200, json: { message: 'Successfully emptied' } };
};

/** DELETE /bucket/:id (deleteBucket): only an empty bucket (409 otherwise); its delete policies decide. */
export const deleteBucket: Endpoint = async (ctx, req, _url, { bucket }) => {
  mustBeValidBucketName(bucket);
  const caller = await ctx.callers.identify(req);
  await ctx.db.run({ caller: serviceCaller, operation: 'storage.bucket.delete', req }, async (tx) => {
    const [found] = await tx`select id from storage.buckets where id = ${bucket}`;
    if (!found) throw errors.noSuchBucket();
    const [object] = await tx`select 1 from storage.objects where bucket_id = ${bucket} limit 1`;
    if (object) throw errors.bucketNotEmpty();
  });
  const deleted = await ctx.db.run({ caller, operation: 'storage.bucket.delete', req }, (tx) => tx`delete from storage.buckets where id = ${bucket} returning id`);
  if (deleted.length === 0) throw errors.noSuchBucket();
  return { status: 200, json: { message: 'Successfully deleted' } };
};
