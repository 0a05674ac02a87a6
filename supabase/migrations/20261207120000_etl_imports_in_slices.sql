-- Imports go through Storage and are processed in slices (docs/imports.md), so that no Edge
-- Function invocation needs more than a hosted one may use (2 s of CPU, 256 MB, 150 s).
--
-- The file is uploaded to the private bucket `imports` as <workspace_id>/<load_id>/original.csv.
-- The etl function then reads it a slice (a byte range) at a time: each slice's valid rows go
-- to a staging table of the load, its rejected rows to etl_load_errors, and where it got to to
-- private.etl_load_slices, all in one transaction, so a slice killed half-way left nothing and
-- is simply done again. The last step applies the staged rows to the facts in one transaction,
-- so readers never see half a load. A load whose slices stop coming is resumed from its
-- checkpoint by the reaper (through pg_net), or failed with the reason.

-- Hosted projects on the free plan cap every file at 50 MB whatever a bucket says; the bucket
-- allows what a paid plan may set (supabase/config.toml's [storage] file_size_limit).
insert into storage.buckets (id, name, public, file_size_limit)
values ('imports', 'imports', false, 1073741824)
on conflict (id) do nothing;

-- The load an object of the imports bucket belongs to: names are <workspace_id>/<load_id>/original.csv;
-- null for any other name, so a policy never casts a malformed one.
create function private.import_object_load(object_name text)
returns uuid
language sql
immutable
set search_path = ''
as $$
  select case when object_name ~ '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/original\.csv$'
    then split_part(object_name, '/', 2)::uuid end
$$;
grant execute on function private.import_object_load(text) to authenticated, service_role;

-- Who uploads: the person who created the load, while it waits for its file, if they still
-- may upload to the workspace (the access matrix: media buyers and admins). Nobody overwrites
-- or removes an original through the API: that is the service's (retention) alone.
create policy "media buyers and admins upload the file of their pending load" on storage.objects
  for insert to authenticated
  with check (
    bucket_id = 'imports' and exists (
      select 1 from public.etl_loads l
      where l.id = private.import_object_load(name) and l.workspace_id::text = split_part(name, '/', 1)
        and l.created_by = auth.uid() and l.status = 'pending'
        and private.has_role(l.workspace_id, '{media_buyer,admin}')));

-- Every member of the workspace may download the original of any of its loads (the history).
create policy "members read the original files of their workspace's loads" on storage.objects
  for select to authenticated
  using (
    bucket_id = 'imports' and exists (
      select 1 from public.etl_loads l
      where l.id = private.import_object_load(name) and l.workspace_id::text = split_part(name, '/', 1)
        and private.has_role(l.workspace_id, private.all_roles())));

-- Where a load processed in slices got to. Written only in the transaction that stages a
-- slice's rows, so it never runs ahead of them.
create table private.etl_load_slices (
  load_id uuid primary key references public.etl_loads (id) on delete cascade,
  object_name text not null,
  -- What the person asked of this file: {source, network, mapping}, each optional (no source:
  -- told by the header; no mapping: the workspace's saved one, else the proposal).
  request jsonb not null default '{}',
  -- The slice to run next; a request for any other slice is a late or repeated one, and is ignored.
  next_slice integer not null default 0,
  byte_offset bigint not null default 0,
  -- Physical line at byte_offset, and whether that line is an over-long one being dropped.
  line bigint not null default 1,
  skipping boolean not null default false,
  -- Known once the first slice has read the header: the header (names, delimiter, encoding) and the mapping in use.
  header jsonb,
  mapping jsonb,
  rows_read bigint not null default 0,
  rows_accepted bigint not null default 0,
  rows_rejected bigint not null default 0,
  blank_lines bigint not null default 0,
  errors_stored integer not null default 0,
  -- The natural key of the last staged row (as a JSON string: it may hold NUL), and whether keys ever failed to grow (then the
  -- apply keeps the last row of each key; see functions/etl/factWriter.ts).
  last_key text,
  repeats_keys boolean not null default false,
  -- The incremental SHA-256 of the bytes read so far (functions/_shared/etl/hash.ts).
  hash_state jsonb,
  -- Once all of the file is read: its SHA-256, which tells a repeated file at the apply.
  content_hash text,
  -- All of the file is read: the next step applies the staged rows.
  read_all boolean not null default false,
  -- Resumes since the last slice that moved the load forward; a load that does not move is failed.
  resumes integer not null default 0,
  advanced_at timestamptz not null default now()
);
alter table private.etl_load_slices enable row level security;
revoke all on private.etl_load_slices from public, anon, authenticated, service_role;

-- The staging table of a load: the fact table's columns as text (as pg_temp.etl_batch has
-- them), in file order by seq. A table of its own per load: dropped whole when the load ends.
create function private.etl_stage_name(load uuid)
returns text
language sql
immutable
set search_path = ''
as $$
  select 'etl_stage_' || replace(load::text, '-', '')
$$;

create function private.etl_stage_create(load uuid)
returns text
language plpgsql
set search_path = ''
as $$
declare
  current public.etl_loads;
  fact record;
  columns text;
  stage text := private.etl_stage_name(load);
begin
  select * into current from public.etl_loads l where l.id = load;
  fact := private.etl_fact(current.source);
  select string_agg(format('%I text', c.name), ', ' order by c.n) into columns
  from unnest(private.etl_columns(fact.table_name)) with ordinality c(name, n);
  execute format('drop table if exists private.%I', stage);
  execute format('create table private.%I (seq bigint generated always as identity, workspace_id text, load_id text, %s)', stage, columns);
  -- Nobody but the service reads it; RLS on, as on every table.
  execute format('alter table private.%I enable row level security', stage);
  execute format('revoke all on private.%I from public, anon, authenticated, service_role', stage);
  return stage;
end $$;

create function private.etl_stage_drop(load uuid)
returns void
language plpgsql
set search_path = ''
as $$
begin
  execute format('drop table if exists private.%I', private.etl_stage_name(load));
end $$;

-- The last step of a load in slices, inside the transaction private.etl_stream_begin opened:
-- the staged rows, in file order, go to pg_temp.etl_batch and are applied key by key.
-- Answers how many active rows of earlier loads they superseded.
create function private.etl_stage_apply(load uuid, duplicates boolean)
returns bigint
language plpgsql
set search_path = ''
as $$
declare
  columns text;
begin
  select string_agg(format('%I', a.attname), ', ' order by a.attnum) into columns
  from pg_attribute a where a.attrelid = 'pg_temp.etl_batch'::regclass and a.attnum > 0 and not a.attisdropped;
  execute format('insert into pg_temp.etl_batch (%1$s) select %1$s from private.%2$I order by seq', columns, private.etl_stage_name(load));
  return private.etl_apply_batch(load, duplicates);
end $$;

-- A load that ended (done, failed, cancelled, a repeat) needs neither its staging nor its
-- checkpoint: dropped by the function once it sees the load end, else by the reaper's next run.
-- Not from a trigger on the status: a cancel would then wait for the slice at work to finish.
create function private.etl_slices_cleanup(load uuid default null)
returns void
language plpgsql
set search_path = ''
as $$
declare
  ended uuid;
begin
  for ended in
    select s.load_id from private.etl_load_slices s join public.etl_loads l on l.id = s.load_id
    where (load is null or s.load_id = load) and l.status not in ('pending', 'running')
    for update of s skip locked
  loop
    perform private.etl_stage_drop(ended);
    delete from private.etl_load_slices s where s.load_id = ended;
  end loop;
end $$;

-- As before (20261207090000), and a load in slices is cancelled at once, whether a slice is at
-- work or not: a slice that commits after it only stages rows that are never applied (the
-- apply checks the status under the load's lock), and the next one finds nothing to do.
create or replace function public.cancel_load(load_id uuid)
returns public.etl_loads
language plpgsql
security definer
set search_path = ''
as $$
declare
  current public.etl_loads := private.etl_load_for_change(load_id);
  in_slices boolean;
begin
  select * into current from public.etl_loads l where l.id = load_id for update;
  if current.status not in ('pending', 'running') then
    raise exception 'This load is % and cannot be cancelled', current.status using errcode = 'P0001';
  end if;
  in_slices := exists (select 1 from private.etl_load_slices s where s.load_id = current.id);
  if in_slices or not private.etl_worker_alive(current) then
    if not in_slices then
      perform private.etl_end_worker_session(current.id);
    end if;
    update public.etl_loads l
    set status = 'cancelled', cancel_requested = true, phase = null, finished_at = now(), backend_pid = null,
      error_summary = 'The load was cancelled; the facts are as they were before it.'
    where l.id = load_id returning * into current;
    return current;
  end if;
  update public.etl_loads l set cancel_requested = true where l.id = load_id returning * into current;
  if current.backend_pid is not null then
    perform pg_cancel_backend(current.backend_pid);
  end if;
  return current;
end $$;

-- Begins a load of a file in Storage: records where its slices read from, and marks it running.
create function private.etl_slices_begin(load uuid, object_name text, request jsonb)
returns public.etl_loads
language plpgsql
set search_path = ''
as $$
declare
  current public.etl_loads;
begin
  current := private.etl_begin(load);
  if current.status <> 'running' then
    return current;
  end if;
  insert into private.etl_load_slices (load_id, object_name, request) values (load, object_name, coalesce(request, '{}'));
  update public.etl_loads l set phase = 'parsing', backend_pid = null where l.id = load returning * into current;
  return current;
end $$;

-- Takes slice `slice` of a load for this session, or answers nothing when there is nothing to
-- do (the load ended, or that slice is done already: a late or repeated request). Raises
-- 55P03 when another session holds it (a request that arrived twice), 57014 once cancelled.
create function private.etl_slice_claim(load uuid, slice integer)
returns setof private.etl_load_slices
language plpgsql
set search_path = ''
as $$
declare
  current public.etl_loads;
  checkpoint private.etl_load_slices;
begin
  -- The load's row before its checkpoint, the order a delete of the load (or its workspace)
  -- cascades in: the other order deadlocks with it. The step updates that row anyway.
  select * into current from public.etl_loads l where l.id = load for update;
  if current.status is distinct from 'running' then
    return;
  end if;
  if current.cancel_requested then
    raise exception 'Load % was cancelled', load using errcode = '57014';
  end if;
  select * into checkpoint from private.etl_load_slices s where s.load_id = load for update nowait;
  if checkpoint.load_id is null or checkpoint.next_slice <> slice then
    return;
  end if;
  -- This session works the load now: cancel_load interrupts it, the reaper sees it alive.
  insert into private.etl_load_workers (load_id, backend_pid, backend_started_at)
  select load, a.pid, a.backend_start from pg_stat_activity a where a.pid = pg_backend_pid()
  on conflict (load_id) do update set backend_pid = excluded.backend_pid, backend_started_at = excluded.backend_started_at, heartbeat_at = now();
  update public.etl_loads l set backend_pid = pg_backend_pid() where l.id = load;
  return next checkpoint;
end $$;

-- Whether a load's worker is still at work (as before, 20261207090000), and for a load in
-- slices: a slice said it was alive less than 15 seconds ago. Its slices run in one session
-- after another, with none in between, so the heartbeat is all there is to go by.
create or replace function private.etl_worker_alive(load public.etl_loads)
returns boolean
language sql
stable
set search_path = ''
as $$
  select load.status = 'running' and case
    when exists (select 1 from private.etl_load_slices s where s.load_id = load.id) then
      coalesce((select w.heartbeat_at > now() - interval '15 seconds' from private.etl_load_workers w where w.load_id = load.id), false)
    else coalesce((
      select w.heartbeat_at > now() - interval '30 seconds'
        and exists (select 1 from pg_stat_activity a where a.pid = w.backend_pid and a.backend_start = w.backend_started_at)
      from private.etl_load_workers w where w.load_id = load.id),
      exists (select 1 from pg_stat_activity a where a.pid = load.backend_pid))
  end
$$;

-- How many times in a row a load in slices is resumed without moving forward before it is failed.
create function private.etl_max_resumes()
returns integer
language sql
immutable
as $$ select 3 $$;

-- Asks the etl function to go on with a load in slices from its checkpoint, through pg_net
-- (net.http_post), with the project URL and service key from Supabase Vault (the secrets
-- project_url and service_role_key; see README.md). Answers why it could not, or null.
create function private.etl_resume_slices(load uuid)
returns text
language plpgsql
set search_path = ''
as $$
declare
  checkpoint private.etl_load_slices;
  project_url text;
  service_key text;
begin
  select * into checkpoint from private.etl_load_slices s where s.load_id = load;
  if checkpoint.resumes >= private.etl_max_resumes() then
    return format('The load stopped moving forward: it was resumed %s times from line %s without getting further. Nothing of it was applied. Upload the file again; if it happens again, the file may be the cause.',
      checkpoint.resumes, checkpoint.line);
  end if;
  if to_regproc('net.http_post') is null or to_regclass('vault.decrypted_secrets') is null then
    return 'The load was interrupted and cannot be resumed here: the database has no pg_net or no Vault. Nothing of it was applied. Upload the file again.';
  end if;
  execute 'select (select decrypted_secret from vault.decrypted_secrets where name = ''project_url''),
    (select decrypted_secret from vault.decrypted_secrets where name = ''service_role_key'')' into project_url, service_key;
  if project_url is null or service_key is null then
    return 'The load was interrupted and cannot be resumed: the Vault secrets project_url and service_role_key are not set (see README.md). Nothing of it was applied. Upload the file again.';
  end if;
  update private.etl_load_slices s set resumes = s.resumes + 1 where s.load_id = load;
  -- The resumed slice gets the usual time to say it is alive.
  update private.etl_load_workers w set heartbeat_at = now() where w.load_id = load;
  execute 'select net.http_post(url := $1, body := $2, headers := $3, timeout_milliseconds := 10000)'
    using rtrim(project_url, '/') || '/functions/v1/etl',
      jsonb_build_object('load_id', load, 'slice', checkpoint.next_slice),
      jsonb_build_object('Content-Type', 'application/json', 'Authorization', 'Bearer ' || service_key);
  return null;
end $$;

-- As before (20261207090000), with two changes: a load in slices whose worker is gone is
-- resumed from its checkpoint rather than failed (while it keeps moving forward), and a
-- pending load waits a day for its file (a resumable upload of a big file over a slow link
-- takes long; Storage keeps an unfinished upload resumable for 24 hours).
create or replace function private.etl_reap_loads(workspace uuid default null)
returns integer
language plpgsql
security definer
set search_path = ''
as $$
declare
  gone public.etl_loads;
  reaped integer := 0;
  cannot_resume text;
begin
  perform private.etl_slices_cleanup();
  for gone in
    select * from public.etl_loads l
    where l.status in ('pending', 'running') and (workspace is null or l.workspace_id = workspace)
      and case when l.status = 'pending' then l.started_at < now() - interval '24 hours' else not private.etl_worker_alive(l) end
    for update skip locked
  loop
    perform private.etl_end_worker_session(gone.id);
    if gone.status = 'running' and exists (select 1 from private.etl_load_slices s where s.load_id = gone.id) then
      cannot_resume := private.etl_resume_slices(gone.id);
      if cannot_resume is null then
        continue;
      end if;
    end if;
    update public.etl_loads l
    set status = 'failed', phase = null, finished_at = now(), backend_pid = null,
      error_summary = case
        when gone.status = 'pending' then 'The file was not uploaded within 24 hours, so the load never started. Nothing was applied. Upload the file again.'
        else coalesce(cannot_resume, private.etl_abandoned_reason(gone)) end
    where l.id = gone.id;
    reaped := reaped + 1;
  end loop;
  return reaped;
end $$;
revoke all on function private.etl_reap_loads(uuid) from public, anon, authenticated, service_role;
