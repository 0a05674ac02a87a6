import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { optionalBoolean, optionalObject, optionalString, readJsonObject, requiredString } from './body.ts';
import type { Endpoint } from './context.ts';
import { errors } from './errors.ts';
import { mustBeValidBucketName, mustBeValidKey } from './limits.ts';
import { mustFindObject, ownerUuid } from './rows.ts';
import { parseUserMetadata } from './uploads.ts';

/**
 * move and copy, as storage-api's moveObject and copyObject
 * (https://github.com/supabase/storage/blob/master/src/storage/object.ts).
 */

/** The source and destination a move or copy names (supabase-js move/copy bodies). */
async function transferBody(req: IncomingMessage) {
  const body = await readJsonObject(req);
  const bucketId = requiredString(body, 'bucketId');
  const sourceKey = requiredString(body, 'sourceKey');
  const destinationKey = requiredString(body, 'destinationKey');
  const destinationBucket = optionalString(body, 'destinationBucket') || bucketId;
  mustBeValidBucketName(bucketId);
  mustBeValidBucketName(destinationBucket);
  mustBeValidKey(sourceKey);
  mustBeValidKey(destinationKey);
  return { body, bucketId, sourceKey, destinationKey, destinationBucket };
}

/**
 * POST /object/move: renames an object, as the caller, so its select and update policies
 * decide (a hidden source is 404, a refused destination 403, a taken name 409). A user who
 * moves it becomes its owner, as in storage-api. The bytes stay where they are: only the row moves.
 */
export const moveObject: Endpoint = async (ctx, req) => {
  const { bucketId, sourceKey, destinationKey, destinationBucket } = await transferBody(req);
  const caller = await ctx.callers.identify(req);
  const moved = await ctx.db.run({ caller, operation: 'storage.object.move', req }, async (tx) => {
    await mustFindObject(tx, bucketId, sourceKey);
    const [row] = await tx<{ id: string }[]>`
      update storage.objects
      set bucket_id = ${destinationBucket}, name = ${destinationKey},
        owner = coalesce(${ownerUuid(caller.owner)}::uuid, owner), owner_id = coalesce(${caller.owner ?? null}, owner_id)
      where bucket_id = ${bucketId} and name = ${sourceKey}
      returning id`;
    if (!row) throw errors.noSuchKey();
    return row;
  });
  return { status: 200, json: { message: 'Successfully moved', Id: moved.id, Key: destinationKey } };
};

/**
 * POST /object/copy: copies an object the caller may read to a name it may write (its
 * insert policies, and update ones with x-upsert: true), with the source's metadata unless
 * `copyMetadata` is false, as storage-api's copyObject. The copy has bytes of its own.
 */
export const copyObject: Endpoint = async (ctx, req) => {
  const { body, bucketId, sourceKey, destinationKey, destinationBucket } = await transferBody(req);
  const copyMetadata = optionalBoolean(body, 'copyMetadata') ?? true;
  const given = optionalObject(body, 'metadata') ?? {};
  const caller = await ctx.callers.identify(req);
  const scope = { caller, operation: 'storage.object.copy', req };
  const source = await ctx.db.run(scope, (tx) => mustFindObject(tx, bucketId, sourceKey));
  const metadata: Record<string, unknown> = { ...(source.metadata ?? {}) };
  if (!copyMetadata) {
    if (typeof given.cacheControl === 'string') metadata.cacheControl = given.cacheControl;
    if (typeof given.mimetype === 'string') metadata.mimetype = given.mimetype;
  }
  const header = req.headers['x-metadata'];
  const userMetadata = copyMetadata
    ? (source.user_metadata ?? undefined)
    : typeof header === 'string' ? parseUserMetadata(Buffer.from(header, 'base64').toString('utf8')) : undefined;
  const target = { bucketId: destinationBucket, name: destinationKey, owner: caller.owner, upsert: req.headers['x-upsert'] === 'true' };
  await ctx.uploads.canUpload(scope, target, metadata, userMetadata);
  const version = randomUUID();
  if (!(await ctx.files.copy(source.version, version))) throw errors.noSuchKey();
  const copy = await ctx.uploads.commitVersion(req, target, version, { ...metadata, lastModified: new Date().toISOString() }, userMetadata);
  return { status: 200, json: { Id: copy.id, Key: `${destinationBucket}/${destinationKey}`, ...copy } };
};
