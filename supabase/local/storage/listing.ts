import { errors } from './errors.ts';
import { optionalInteger, optionalObject, optionalString, readJsonObject, requiredString } from './body.ts';
import type { Endpoint } from './context.ts';
import { mustBeValidBucketName } from './limits.ts';

const sortColumns = ['name', 'updated_at', 'created_at', 'last_accessed_at'] as const;
type SortColumn = (typeof sortColumns)[number];

/** storage.search's ceiling on one page. */
const maxLimit = 1500;

function sortColumn(value: string | undefined): SortColumn {
  if (value === undefined) return 'name';
  if (!(sortColumns as readonly string[]).includes(value)) throw errors.invalidRequest('body/sortBy/column must be equal to one of the allowed values');
  return value as SortColumn;
}

function sortOrder(value: string | undefined): 'asc' | 'desc' {
  if (value === undefined || value === 'asc' || value === 'desc') return value ?? 'asc';
  throw errors.invalidRequest('body/sortBy/order must be equal to one of the allowed values');
}

/**
 * The ORDER BY of a listing, as storage.search orders it
 * (https://github.com/supabase/storage/blob/master/migrations/tenant/0063-fix-search-name-relative-to-prefix.sql):
 * by name, case-insensitively in byte order, a folder where its contents would sort (so
 * `a.txt` comes before folder `a/`); by a date, folders first by name, then files by the date.
 */
function orderBy(column: SortColumn, order: 'asc' | 'desc'): string {
  if (column === 'name') return `sort_key collate "C" ${order}, name collate "C" ${order}`;
  return `folder desc, case when folder then name end ${order}, ${column} ${order}, name ${order}`;
}

/**
 * POST /object/list/:bucket (supabase-js list): one level under `prefix` (a folder: a slash is
 * added), names starting with `search`, case-insensitively. Deeper names are listed once as
 * their folder, with a null id and no metadata, as storage-api lists them. It runs as the
 * caller, so only objects its select policies show are listed, and a folder only when it
 * holds one of them.
 */
export const listObjects: Endpoint = async (ctx, req, _url, { bucket }) => {
  mustBeValidBucketName(bucket);
  const caller = await ctx.callers.identify(req);
  const body = await readJsonObject(req);
  let prefix = requiredString(body, 'prefix');
  if (prefix.length > 0 && !prefix.endsWith('/')) prefix += '/';
  const search = optionalString(body, 'search') ?? '';
  const limit = Math.min(optionalInteger(body, 'limit', 1) ?? 100, maxLimit);
  const offset = optionalInteger(body, 'offset', 0) ?? 0;
  const sortBy = optionalObject(body, 'sortBy') ?? {};
  const column = sortColumn(optionalString(sortBy, 'column'));
  const order = sortOrder(optionalString(sortBy, 'order'));
  const entries = await ctx.db.run({ caller, operation: 'storage.object.list', req }, (tx) =>
    tx.unsafe(
      `with matched as (
         select o.id, o.updated_at, o.created_at, o.last_accessed_at, o.metadata, substr(o.name, char_length($2) + 1) as rest
         from storage.objects o
         where o.bucket_id = $1 and starts_with(lower(o.name), lower($2 || $3))
       ), entries as (
         select min(split_part(rest, '/', 1)) as name, null::uuid as id, null::timestamptz as updated_at,
           null::timestamptz as created_at, null::timestamptz as last_accessed_at, null::jsonb as metadata,
           lower(split_part(rest, '/', 1)) || '/' as sort_key, true as folder
         from matched where strpos(rest, '/') > 0
         group by lower(split_part(rest, '/', 1))
         union all
         select rest, id, updated_at, created_at, last_accessed_at, metadata, lower(rest), false
         from matched where strpos(rest, '/') = 0
       )
       select name, id, updated_at, created_at, last_accessed_at, metadata from entries
       order by ${orderBy(column, order)}
       limit $4 offset $5`,
      [bucket, prefix, search, limit, offset],
    ),
  );
  return { status: 200, json: entries };
};
