-- Retention of imported originals (#14): a workspace keeps the original file of a finished load
-- for as many days as its admins choose, then the imports-retention function removes it through
-- the Storage API (hosted Supabase refuses deleting storage.objects rows with SQL) and records
-- when on the load. Supabase Cron asks the function every hour, through pg_net.

-- Days the originals of finished loads are kept after they finished; null keeps them for ever.
-- Admins change it like the rest of the workspace ("admins can change their workspace"); the
-- audit trigger on workspaces records every change.
alter table public.workspaces
  add column import_retention_days integer default 90 check (import_retention_days between 1 and 3650);

-- When the retention job removed the load's original from Storage. The server's alone: the API
-- roles write only the columns 20261207100000_server_set_columns.sql grants, and not this one.
alter table public.etl_loads add column original_removed_at timestamptz;

-- Statuses after which a load's original is no longer read: the ETL only reads a pending or
-- running load's file. A rolled-back load finished too; re-applying it reads the facts, not the file.
create function private.import_finished_statuses()
returns public.etl_status[]
language sql
immutable
set search_path = ''
as $$ select '{done,duplicate,failed,cancelled,rolled_back}'::public.etl_status[] $$;

-- Up to `max` originals past their workspace's retention, oldest first, locked for the
-- caller's transaction: two runs at once take different ones (skip locked), and a run that
-- fails leaves them to the next. Driven by the objects that exist, so an original already
-- removed (or never uploaded) is never asked for again.
create function private.import_originals_due(max integer)
returns table (load_id uuid, object_name text)
language sql
set search_path = ''
as $$
  select l.id, o.name
  from storage.objects o
  join public.etl_loads l on l.id = private.import_object_load(o.name) and l.workspace_id::text = split_part(o.name, '/', 1)
  join public.workspaces w on w.id = l.workspace_id
  where o.bucket_id = 'imports'
    and l.status = any (private.import_finished_statuses())
    and w.import_retention_days is not null
    and l.finished_at < now() - make_interval(days => w.import_retention_days)
  order by l.finished_at
  limit max
  for update of l skip locked
$$;
revoke all on function private.import_originals_due(integer) from public, anon, authenticated, service_role;

-- Records that Storage no longer has these loads' originals; the first removal's time stays.
create function private.import_originals_removed(loads uuid[])
returns void
language sql
set search_path = ''
as $$
  update public.etl_loads l set original_removed_at = now()
  where l.id = any (loads) and l.original_removed_at is null
$$;
revoke all on function private.import_originals_removed(uuid[]) from public, anon, authenticated, service_role;

-- Asks the imports-retention function to run, through pg_net with the project URL and service
-- key from Supabase Vault (the secrets project_url and service_role_key, as
-- private.etl_resume_slices reads them). Answers pg_net's request id; raises when it cannot
-- ask, so that the cron job's run is recorded as failed with the reason.
create function private.import_retention_request()
returns bigint
language plpgsql
set search_path = ''
as $$
declare
  project_url text;
  service_key text;
  request_id bigint;
begin
  if to_regproc('net.http_post') is null or to_regclass('vault.decrypted_secrets') is null then
    raise exception 'The database has no pg_net or no Vault: imports-retention cannot be called from SQL';
  end if;
  execute 'select (select decrypted_secret from vault.decrypted_secrets where name = ''project_url''),
    (select decrypted_secret from vault.decrypted_secrets where name = ''service_role_key'')' into project_url, service_key;
  if project_url is null or service_key is null then
    raise exception 'The Vault secrets project_url and service_role_key are not set (see README.md): imports-retention was not called';
  end if;
  -- A run removes at most its cap of originals (well inside 150 s); pg_net waits for its answer.
  execute 'select net.http_post(url := $1, body := $2, headers := $3, timeout_milliseconds := 120000)'
    using rtrim(project_url, '/') || '/functions/v1/imports-retention', '{}'::jsonb,
      jsonb_build_object('Content-Type', 'application/json', 'Authorization', 'Bearer ' || service_key)
    into request_id;
  return request_id;
end $$;
revoke all on function private.import_retention_request() from public, anon, authenticated, service_role;

-- Every hour, at minute 23 (away from the top of the hour, when other jobs crowd).
select cron.schedule('imports-retention', '23 * * * *', 'select private.import_retention_request()');
