import { errors } from './errors.ts';

/**
 * Names, sizes and media types as storage-api checks them
 * (https://github.com/supabase/storage/blob/master/src/storage/limits.ts).
 */

// S3-safe characters only; the hyphen last so it stays literal.
const validKey = /^[A-Za-z0-9_/!.*'() &$=@;:+,?-]*$/;
const validBucketName = /^[A-Za-z0-9_!.*'() &$=@;:+,?-]*$/;

/** Refuses an object name storage-api refuses (400 InvalidKey). */
export function mustBeValidKey(key: string): void {
  if (key.length === 0 || !validKey.test(key)) throw errors.invalidKey(key);
}

/** Refuses a bucket name storage-api refuses (400 InvalidBucketName): 1 to 100 safe characters. */
export function mustBeValidBucketName(name: string): void {
  if (name.length === 0 || name.length > 100 || !validBucketName.test(name)) throw errors.invalidBucketName();
}

/** A bucket's file_size_limit given as text ("20MB", "1.5GB", "300KB", "3B"), in bytes: decimal units, as storage-api. */
export function parseFileSize(text: string): number {
  const match = /^([0-9]+(?:\.[0-9]+)?)(gb|mb|kb|b)$/i.exec(text);
  if (!match) throw errors.invalidFileSizeLimit();
  const value = Number(parseFloat(match[1] ?? '').toPrecision(3));
  const unit = { gb: 1e9, mb: 1e6, kb: 1e3, b: 1 }[(match[2] ?? '').toLowerCase() as 'gb' | 'mb' | 'kb' | 'b'];
  return Math.round(value * unit);
}

/** Whether a bucket's allowed_mime_types entry is well formed (`image/png`, `image/*`, `*`…). */
export function mustBeValidMimePattern(pattern: string): void {
  if (pattern.length > 1000 || !/^([a-zA-Z0-9\-+.]+)\/([a-zA-Z0-9\-+.]+)(;\s*charset=[a-zA-Z0-9-]+)?$|\*$/.test(pattern)) {
    throw errors.invalidMimeType(pattern);
  }
}

/**
 * Refuses a media type the bucket does not allow (415), as storage-api's validateMimeType:
 * `type/subtype` matches itself or `type/*`. The subtype is compared whole, parameters
 * included, so `text/plain;charset=UTF-8` (supabase-js's default) is not `text/plain`.
 */
export function mustBeAllowedMimeType(mimeType: string, allowed: string[] | null): void {
  if (!allowed || allowed.length === 0) return;
  const [type, subtype] = mimeType.split('/');
  if (type === undefined || subtype === undefined) throw errors.invalidMimeType(mimeType);
  const accepted = allowed.some((pattern) => {
    const [allowedType, allowedSubtype] = pattern.split('/');
    return allowedType === type && (allowedSubtype === '*' || allowedSubtype === subtype);
  });
  if (!accepted) throw errors.invalidMimeType(mimeType);
}

/** The dashboard's marker of an empty folder: always allowed, whatever the bucket's types, and 0 bytes. */
export function isEmptyFolderPlaceholder(name: string): boolean {
  return name.endsWith('.emptyFolderPlaceholder');
}
