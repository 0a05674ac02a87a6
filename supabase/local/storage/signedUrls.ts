import type { IncomingMessage } from 'node:http';
import { signJwt, verifyJwt, JwtError, type JwtClaims } from '../jwt.ts';
import { optionalObject, readJsonObject, stringArray, type JsonObject } from './body.ts';
import { serviceCaller } from './caller.ts';
import type { Endpoint, StorageContext } from './context.ts';
import { renderObject } from './download.ts';
import { errors } from './errors.ts';
import { mustBeValidBucketName, mustBeValidKey } from './limits.ts';
import { maxObjectsPerRequest } from './objects.ts';
import { mustFindObject } from './rows.ts';

/**
 * Signed URLs as storage-api makes them
 * (https://github.com/supabase/storage/blob/master/src/storage/object.ts): a JWT signed with the
 * project's secret whose `url` claim is `<bucket>/<name>` and whose `scope` says what it
 * allows, download or upload. Whoever holds the URL may use it until it expires, without an
 * API key or a JWT of their own: the token decides.
 */

/** How long a signed upload URL lasts: storage-api's UPLOAD_SIGNED_URL_EXPIRATION_TIME. */
const uploadUrlLifetimeSeconds = 2 * 60 * 60;

function expiresIn(body: JsonObject): number {
  const value = body.expiresIn;
  if (value === undefined) throw errors.invalidRequest("body must have required property 'expiresIn'");
  if (typeof value !== 'number' || !Number.isFinite(value) || Math.floor(value) < 1) throw errors.invalidParameter('expiresIn');
  const seconds = Math.floor(value);
  if (!Number.isSafeInteger(Math.floor(Date.now() / 1000) + seconds)) throw errors.invalidParameter('expiresIn');
  return seconds;
}

function sign(ctx: StorageContext, claims: JwtClaims, lifetimeSeconds: number): string {
  const now = Math.floor(Date.now() / 1000);
  return signJwt({ ...claims, iat: now, exp: now + lifetimeSeconds }, ctx.jwtSecret);
}

/**
 * The claims of a signed URL's token, checked as storage-api's verifyObjectSignature checks
 * them: signature and expiry, the scope (tokens from before scopes count by their shape), and
 * that it names this very object.
 */
function verifyToken(ctx: StorageContext, token: string | null, bucket: string, name: string, scope: 'download' | 'upload'): JwtClaims & { exp: number } {
  if (!token) throw errors.invalidRequest("querystring must have required property 'token'");
  let claims: JwtClaims;
  try {
    claims = verifyJwt(token, ctx.jwtSecret);
  } catch (error) {
    throw errors.invalidJwt(error instanceof JwtError ? error.message : 'Invalid JWT');
  }
  const scoped = claims.scope === scope || (claims.scope === undefined && ('upsert' in claims) === (scope === 'upload'));
  if (!scoped) throw errors.invalidSignature(`Token is not scoped for ${scope}`);
  if (claims.url !== `${bucket}/${name}`) throw errors.invalidSignature();
  // verifyJwt refused an expired token; one without an expiry would never expire.
  if (typeof claims.exp !== 'number') throw errors.invalidJwt('The token has no expiry');
  return { ...claims, exp: claims.exp };
}

function objectPath(bucket: string, name: string): void {
  mustBeValidBucketName(bucket);
  mustBeValidKey(name);
}

/** The transform option asks for image transformations, which the local stack does not have. */
function refuseTransform(body: JsonObject): void {
  const transform = optionalObject(body, 'transform');
  if (transform && Object.keys(transform).length > 0) throw errors.featureNotEnabled('imageTransformation (not supported by the local stack)');
}

/** POST /object/sign/:bucket/* (createSignedUrl): for an object the caller's select policies show. */
export const signObjectUrl: Endpoint = async (ctx, req, _url, { bucket, name }) => {
  objectPath(bucket, name);
  const caller = await ctx.callers.identify(req);
  const body = await readJsonObject(req);
  const lifetime = expiresIn(body);
  refuseTransform(body);
  await ctx.db.run({ caller, operation: 'storage.object.sign', req }, (tx) => mustFindObject(tx, bucket, name));
  const token = sign(ctx, { url: `${bucket}/${name}`, scope: 'download' }, lifetime);
  return { status: 200, json: { signedURL: `/object/sign/${bucket}/${name}?token=${token}` } };
};

/** POST /object/sign/:bucket (createSignedUrls): a URL for each visible object, an error for the others. */
export const signObjectUrls: Endpoint = async (ctx, req, _url, { bucket }) => {
  mustBeValidBucketName(bucket);
  const caller = await ctx.callers.identify(req);
  const body = await readJsonObject(req);
  const lifetime = expiresIn(body);
  const paths = stringArray(body, 'paths', 1, maxObjectsPerRequest);
  const visible = await ctx.db.run({ caller, operation: 'storage.object.sign_many', req }, (tx) =>
    tx<{ name: string }[]>`select name from storage.objects where bucket_id = ${bucket} and name = any(${paths}::text[])`,
  );
  const names = new Set(visible.map((row) => row.name));
  const signed = paths.map((path) => {
    if (!names.has(path)) return { error: 'Either the object does not exist or you do not have access to it', path, signedURL: null };
    const token = sign(ctx, { url: `${bucket}/${path}`, scope: 'download' }, lifetime);
    return { error: null, path, signedURL: `/object/sign/${bucket}/${path}?token=${token}` };
  });
  return { status: 200, json: signed };
};

/** GET (and HEAD) /object/sign/:bucket/*?token=…: the object's bytes, to whoever holds the URL. */
export function signedDownload(head: boolean): Endpoint {
  return async (ctx, req, url, { bucket, name }) => {
    objectPath(bucket, name);
    const claims = verifyToken(ctx, url.searchParams.get('token'), bucket, name, 'download');
    const object = await ctx.db.run({ caller: serviceCaller, operation: 'storage.object.get_signed', req }, (tx) => mustFindObject(tx, bucket, name));
    return renderObject(ctx, req, object, { download: url.searchParams.get('download'), expires: new Date(claims.exp * 1000), head });
  };
}

/** POST /object/upload/sign/:bucket/* (createSignedUploadUrl): asks the caller's insert (or upsert) policies now. */
export const signUploadUrl: Endpoint = async (ctx, req, _url, { bucket, name }) => {
  objectPath(bucket, name);
  const caller = await ctx.callers.identify(req);
  const upsert = req.headers['x-upsert'] === 'true';
  const declared = Number(req.headers['content-length']);
  const metadata = { mimetype: req.headers['content-type'], contentLength: Number.isFinite(declared) ? declared : undefined };
  await ctx.uploads.canUpload({ caller, operation: 'storage.object.sign_upload_url', req }, { bucketId: bucket, name, owner: caller.owner, upsert }, metadata, undefined);
  const token = sign(ctx, { owner: caller.owner, url: `${bucket}/${name}`, upsert, scope: 'upload' }, uploadUrlLifetimeSeconds);
  return { status: 200, json: { url: `/object/upload/sign/${bucket}/${name}?token=${token}`, token } };
};

/** PUT /object/upload/sign/:bucket/*?token=… (uploadToSignedUrl): the token's owner and upsert, past RLS. */
export const uploadToSignedUrl: Endpoint = async (ctx, req: IncomingMessage, url, { bucket: bucketId, name }) => {
  objectPath(bucketId, name);
  const claims = verifyToken(ctx, url.searchParams.get('token'), bucketId, name, 'upload');
  const owner = typeof claims.owner === 'string' ? claims.owner : undefined;
  const bucket = await ctx.uploads.bucket(req, bucketId);
  const file = await ctx.uploads.incomingFile(req, bucket, name);
  const target = { bucketId, name, owner, upsert: claims.upsert === true };
  await ctx.uploads.store({ caller: serviceCaller, operation: 'storage.object.upload_signed', req }, target, file, ctx.uploads.maxSize(bucket, name));
  return { status: 200, json: { Key: `${bucketId}/${name}` } };
};
