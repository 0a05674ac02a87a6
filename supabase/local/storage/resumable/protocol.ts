import type { IncomingMessage } from 'node:http';
import { requestHeader } from '../body.ts';
import { errors } from '../errors.ts';
import { mustBeValidBucketName, mustBeValidKey } from '../limits.ts';

/**
 * The tus 1.0.0 protocol (https://tus.io/protocols/resumable-upload) as Supabase Storage
 * speaks it through @tus/server: its headers, its upload ids, and its errors, which carry
 * their real status and a plain-text body.
 */

export const tusVersion = '1.0.0';
export const tusExtensions = 'creation,creation-with-upload,termination,expiration';
export const offsetContentType = 'application/offset+octet-stream';

/** A tus error: the status as it is (not storage-api's 400 for all), the message as text. */
export class TusError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** @tus/server's messages for the protocol's own failures. */
export const tusErrors = {
  versionRequired: () => new TusError(412, 'Tus-Resumable Required'),
  notFound: () => new TusError(404, 'The file for this url was not found'),
  expired: () => new TusError(410, 'The file for this url no longer exists'),
  offsetConflict: () => new TusError(409, 'Upload-Offset conflict'),
  missingOffset: () => new TusError(403, 'Upload-Offset header required'),
  contentType: () => new TusError(403, 'Content-Type header required'),
  sizeExceeded: () => new TusError(413, "upload's size exceeded"),
  maxSizeExceeded: () => new TusError(413, 'Maximum size exceeded'),
  invalidLength: () => new TusError(400, 'Upload-Length or Upload-Defer-Length header required'),
  deferredLength: () => new TusError(501, 'creation-defer-length extension is not (yet) supported.'),
  concatenation: () => new TusError(501, 'Concatenation extension is not (yet) supported. Disable parallel uploads in the tus client.'),
  invalidMetadata: () => new TusError(400, 'Upload-Metadata is invalid. It MUST consist of one or more comma-separated key-value pairs. The key and value MUST be separated by a space. The key MUST NOT contain spaces and commas and MUST NOT be empty. The key SHOULD be ASCII encoded and the value MUST be Base64 encoded. All keys MUST be unique'),
  finished: () => new TusError(400, 'Cannot terminate an already completed upload'),
  lockTimeout: () => new TusError(500, 'failed to acquire lock before timeout'),
  aborted: () => new TusError(400, 'Request aborted due to lock acquired'),
};

/** A non-negative whole number header (Upload-Length, Upload-Offset); undefined when absent. */
export function byteCountHeader(req: IncomingMessage, name: string, invalid: () => TusError): number | undefined {
  const value = requestHeader(req, name);
  if (value === undefined) return undefined;
  const number = Number(value);
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(number)) throw invalid();
  return number;
}

/** Upload-Metadata: comma-separated `key base64value` pairs (a key may stand alone). */
export function parseUploadMetadata(value: string | undefined): Map<string, string | null> {
  const metadata = new Map<string, string | null>();
  if (value === undefined || value.trim() === '') return metadata;
  for (const pair of value.split(',')) {
    const [key, encoded, ...rest] = pair.trim().split(' ');
    if (!key || rest.length > 0 || metadata.has(key)) throw tusErrors.invalidMetadata();
    if (encoded !== undefined && !/^[A-Za-z0-9+/]*={0,2}$/.test(encoded)) throw tusErrors.invalidMetadata();
    metadata.set(key, encoded === undefined ? null : Buffer.from(encoded, 'base64').toString('utf8'));
  }
  return metadata;
}

/** Upload-Metadata for a HEAD response, from the values an upload was created with. */
export function stringifyUploadMetadata(metadata: Record<string, string | null>): string {
  return Object.entries(metadata)
    .map(([key, value]) => (value === null ? key : `${key} ${Buffer.from(value, 'utf8').toString('base64')}`))
    .join(',');
}

/** Where an upload goes and which try it is; its id is these, base64url-encoded, as storage-api makes it. */
export interface UploadId {
  bucketId: string;
  name: string;
  /** A UUID: the upload's own, and the stored object's version once it completes. */
  version: string;
}

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export function encodeUploadId(id: UploadId): string {
  return Buffer.from(`${id.bucketId}/${id.name}/${id.version}`, 'utf8').toString('base64url');
}

/** The id in an upload URL, or 404 for one this service did not make. */
export function decodeUploadId(encoded: string): UploadId {
  const parts = Buffer.from(encoded, 'base64url').toString('utf8').split('/');
  const bucketId = parts.shift() ?? '';
  const version = parts.pop() ?? '';
  const name = parts.join('/');
  if (!uuidPattern.test(version)) throw tusErrors.notFound();
  try {
    mustBeValidBucketName(bucketId);
    mustBeValidKey(name);
  } catch {
    throw tusErrors.notFound();
  }
  return { bucketId, name, version };
}

/** The bucket and object an upload's metadata names (400 when missing or invalid, as storage-api's UploadId). */
export function uploadTarget(metadata: Map<string, string | null>): { bucketId: string; name: string } {
  const bucketId = metadata.get('bucketName') ?? '';
  const name = metadata.get('objectName') ?? '';
  if (!metadata.has('bucketName') || !metadata.has('objectName')) throw errors.invalidRequest('Metadata header is required: bucketName and objectName');
  mustBeValidBucketName(bucketId);
  mustBeValidKey(name);
  return { bucketId, name };
}
