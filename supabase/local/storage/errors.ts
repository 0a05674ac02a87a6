import { isDatabaseError } from '../rest/pgErrors.ts';

/** storage-api's error codes that this service answers with (src/internal/errors/codes.ts). */
export type StorageErrorCode =
  | 'NoSuchBucket'
  | 'NoSuchKey'
  | 'InvalidJWT'
  | 'InvalidRequest'
  | 'EntityTooLarge'
  | 'InternalError'
  | 'ResourceAlreadyExists'
  | 'ResourceNotEmpty'
  | 'InvalidBucketName'
  | 'InvalidKey'
  | 'InvalidRange'
  | 'InvalidMimeType'
  | 'KeyAlreadyExists'
  | 'BucketAlreadyExists'
  | 'DatabaseTimeout'
  | 'InvalidSignature'
  | 'AccessDenied'
  | 'ResourceLocked'
  | 'ResourceReferenced'
  | 'DatabaseError'
  | 'InvalidParameter'
  | 'FeatureNotEnabled'
  | 'NotSupported';

/**
 * An error in storage-api's shape. `statusCode` in the body is the error's own status (404,
 * 409, 413…); the HTTP status is 400 for all of them except 500, as storage-api's error
 * handler answers (`userStatusCode`), unless `httpStatus` says otherwise (416, for one).
 * supabase-js shows the body's `statusCode` and `message`.
 * https://github.com/supabase/storage/blob/master/src/http/error-handler.ts
 */
export class StorageError extends Error {
  constructor(
    readonly statusCode: number,
    readonly code: StorageErrorCode,
    message: string,
    /** storage-api's older `error` field; the code when it has none. */
    readonly error: string = code,
    readonly httpStatus: number = statusCode === 500 ? 500 : 400,
  ) {
    super(message);
  }

  toJSON(): { statusCode: string; code: StorageErrorCode; error: string; message: string } {
    return { statusCode: String(this.statusCode), code: this.code, error: this.error, message: this.message };
  }
}

/** The errors storage-api raises, with its codes and messages. */
export const errors = {
  noSuchBucket: () => new StorageError(404, 'NoSuchBucket', 'Bucket not found', 'Bucket not found'),
  noSuchKey: () => new StorageError(404, 'NoSuchKey', 'Object not found', 'not_found'),
  bucketNotEmpty: () => new StorageError(409, 'ResourceNotEmpty', 'The bucket you tried to delete is not empty'),
  alreadyExists: (code: 'ResourceAlreadyExists' | 'KeyAlreadyExists' | 'BucketAlreadyExists' = 'ResourceAlreadyExists') =>
    new StorageError(409, code, 'The resource already exists', 'Duplicate'),
  accessDenied: (message = 'Access denied') => new StorageError(403, 'AccessDenied', message, 'Unauthorized'),
  invalidJwt: (message = 'Invalid JWT') => new StorageError(400, 'InvalidJWT', message),
  invalidSignature: (message = 'Invalid signature') => new StorageError(400, 'InvalidSignature', message),
  invalidRequest: (message: string) => new StorageError(400, 'InvalidRequest', message),
  invalidParameter: (parameter: string, message = `Invalid Parameter ${parameter}`) => new StorageError(400, 'InvalidParameter', message),
  invalidBucketName: () => new StorageError(400, 'InvalidBucketName', 'Bucket name invalid', 'Invalid Input'),
  invalidKey: (key: string) => new StorageError(400, 'InvalidKey', `Invalid key: ${key}`),
  invalidMimeType: (mimeType: string) => new StorageError(415, 'InvalidMimeType', `mime type ${mimeType} is not supported`, 'invalid_mime_type'),
  invalidFileSizeLimit: () => new StorageError(400, 'InvalidRequest', 'Invalid file size format, hint: use 20GB / 20MB / 30KB / 3B'),
  entityTooLarge: (entity = 'object', limit = 'the maximum allowed size') =>
    new StorageError(413, 'EntityTooLarge', `The ${entity} exceeded ${limit}`, 'Payload too large'),
  invalidRange: () => new StorageError(416, 'InvalidRange', 'invalid range provided', 'invalid_range', 416),
  noContent: () => new StorageError(400, 'InvalidRequest', 'No content provided'),
  featureNotEnabled: (feature: string) => new StorageError(409, 'FeatureNotEnabled', `The feature ${feature} is not enabled for this resource`),
  notSupported: (message: string) => new StorageError(409, 'NotSupported', message),
  internal: (message = 'Internal server error') => new StorageError(500, 'InternalError', message),
};

/**
 * A PostgreSQL error as storage-api's DBError.fromDBError reports it: row-level security and
 * privileges are 403, unique violations 409, everything unforeseen 500.
 */
export function fromDatabaseError(error: unknown): StorageError | undefined {
  if (!isDatabaseError(error)) return undefined;
  switch (error.code) {
    case '42501':
      return errors.accessDenied(error.message.includes('row-level security') ? 'new row violates row-level security policy' : error.message);
    case '23505':
      return errors.alreadyExists();
    case '23503':
      return error.detail?.includes('is still referenced from table')
        ? new StorageError(409, 'ResourceReferenced', 'The resource could not be updated or removed due to a foreign key constraint')
        : new StorageError(404, 'InvalidRequest', 'The related resource does not exist');
    case '22P02':
      return errors.invalidParameter('value', error.message);
    case '55P03':
      return new StorageError(423, 'ResourceLocked', 'The resource is locked');
    case '57014':
      return new StorageError(544, 'DatabaseTimeout', 'The connection to the database timed out', 'DatabaseTimeout', 544);
    default:
      return new StorageError(500, 'DatabaseError', `database error, code: ${error.code}`);
  }
}

/** Any failure as a StorageError: ours as they are, database errors mapped, the rest 500. */
export function toStorageError(error: unknown): StorageError {
  if (error instanceof StorageError) return error;
  return fromDatabaseError(error) ?? errors.internal();
}
