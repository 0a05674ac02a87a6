import type { TransactionSql } from 'postgres';
import { errors } from './errors.ts';

/** What uploads need to know of a bucket. */
export interface BucketRow {
  id: string;
  public: boolean;
  file_size_limit: number | null;
  allowed_mime_types: string[] | null;
}

/** A storage.objects row, as the API reads it. */
export interface ObjectRow {
  id: string;
  bucket_id: string;
  name: string;
  version: string | null;
  owner: string | null;
  owner_id: string | null;
  metadata: Record<string, unknown> | null;
  user_metadata: Record<string, unknown> | null;
  created_at: Date | null;
  updated_at: Date | null;
  last_accessed_at: Date | null;
}

const objectColumns = 'id, bucket_id, name, version, owner, owner_id, metadata, user_metadata, created_at, updated_at, last_accessed_at';

/** The bucket, or 404 NoSuchBucket; RLS applies unless the transaction is the service role's. */
export async function findBucket(tx: TransactionSql, id: string, options: { publicOnly?: boolean } = {}): Promise<BucketRow> {
  const [bucket] = await tx<BucketRow[]>`
    select id, coalesce(public, false) as public, file_size_limit::float8 as file_size_limit, allowed_mime_types
    from storage.buckets where id = ${id} ${options.publicOnly ? tx`and public` : tx``}`;
  if (!bucket) throw errors.noSuchBucket();
  return bucket;
}

/** The object, or undefined; RLS decides what the caller sees. */
export async function findObject(tx: TransactionSql, bucketId: string, name: string): Promise<ObjectRow | undefined> {
  const [object] = await tx.unsafe<ObjectRow[]>(`select ${objectColumns} from storage.objects where bucket_id = $1 and name = $2`, [bucketId, name]);
  return object;
}

/** The object, or 404 NoSuchKey (which is also what a caller gets for an object RLS hides). */
export async function mustFindObject(tx: TransactionSql, bucketId: string, name: string): Promise<ObjectRow> {
  const object = await findObject(tx, bucketId, name);
  if (!object) throw errors.noSuchKey();
  return object;
}

/** Serialises writers of one object name within a transaction, as storage-api's object lock. */
export async function lockObjectName(tx: TransactionSql, bucketId: string, name: string): Promise<void> {
  await tx`select pg_advisory_xact_lock(hashtextextended(${`${bucketId}/${name}`}, 0))`;
}

/** A JWT's sub as the deprecated uuid `owner` column takes it: only when it is a UUID. */
export function ownerUuid(owner: string | undefined): string | null {
  return owner && /^[0-9a-f]{8}-[0-9a-f]{4}-[0-5][0-9a-f]{3}-[089ab][0-9a-f]{3}-[0-9a-f]{12}$/i.test(owner) ? owner : null;
}
