-- Loads whose worker is gone (the function's process was killed, the database restarted, a
-- worker hung) no longer show "running" for ever: each running load's worker says it is alive
-- every few seconds, and a job every 10 seconds marks failed the loads whose worker's session
-- is gone or that stopped saying so. Nothing of such a load was applied: a load commits in one
-- transaction, together with its status "done".

-- The worker running a load: its database session (pid and start time, so a pid the server
-- has reused is not taken for it) and when it last said it was alive.
create table private.etl_load_workers (
  load_id uuid primary key references public.etl_loads (id) on delete cascade,
  backend_pid integer not null,
  backend_started_at timestamptz not null,
  heartbeat_at timestamptz not null default now()
);
revoke all on private.etl_load_workers from public, anon, authenticated, service_role;

-- The reaper looks only at unfinished loads.
create index etl_loads_unfinished_idx on public.etl_loads (workspace_id) where status in ('pending', 'running');

alter table private.etl_load_workers enable row level security;

-- Whether a load's worker is still at work: its session is the one that began the load and it
-- said it was alive less than 30 seconds ago (it does every 5). A pending load has no worker.
create function private.etl_worker_alive(load public.etl_loads)
returns boolean
language sql
stable
set search_path = ''
as $$
  select load.status = 'running' and coalesce((
    select w.heartbeat_at > now() - interval '30 seconds'
      and exists (select 1 from pg_stat_activity a where a.pid = w.backend_pid and a.backend_start = w.backend_started_at)
    from private.etl_load_workers w where w.load_id = load.id),
    -- A load begun before workers were recorded: its session is all there is to go by.
    exists (select 1 from pg_stat_activity a where a.pid = load.backend_pid))
$$;

-- Why a load without a live worker stopped, in words for the person who uploaded it.
create function private.etl_abandoned_reason(load public.etl_loads)
returns text
language sql
stable
set search_path = ''
as $$
  select case
    when load.status = 'pending' then 'The load never started: no worker took it up. Nothing was applied. Upload the file again.'
    when exists (
      select 1 from private.etl_load_workers w join pg_stat_activity a on a.pid = w.backend_pid and a.backend_start = w.backend_started_at
      where w.load_id = load.id)
      then 'The load was stopped: its worker stopped responding for more than 30 seconds. Nothing of it was applied. Upload the file again.'
    else 'The load was interrupted: the worker processing it stopped, or lost its connection to the database, before it finished. Nothing of it was applied. Upload the file again.'
  end
$$;

-- Ends the database session of a load's worker if it is still open (a worker gone silent),
-- so its transaction rolls back and its locks go. A session the server reused is left alone.
create function private.etl_end_worker_session(load uuid)
returns void
language sql
set search_path = ''
as $$
  select pg_terminate_backend(w.backend_pid)
  from private.etl_load_workers w join pg_stat_activity a on a.pid = w.backend_pid and a.backend_start = w.backend_started_at
  where w.load_id = load;
$$;

-- Marks failed every unfinished load (of one workspace, or all) whose worker is gone, ending
-- the session of a worker that went silent. A pending load gets two minutes for a worker to take it up. Returns how many were marked.
create function private.etl_reap_loads(workspace uuid default null)
returns integer
language plpgsql
security definer
set search_path = ''
as $$
declare
  gone public.etl_loads;
  reaped integer := 0;
begin
  for gone in
    select * from public.etl_loads l
    where l.status in ('pending', 'running') and (workspace is null or l.workspace_id = workspace)
      and case when l.status = 'pending' then l.started_at < now() - interval '2 minutes' else not private.etl_worker_alive(l) end
    for update skip locked
  loop
    perform private.etl_end_worker_session(gone.id);
    update public.etl_loads l
    set status = 'failed', phase = null, finished_at = now(), backend_pid = null, error_summary = private.etl_abandoned_reason(gone)
    where l.id = gone.id;
    reaped := reaped + 1;
  end loop;
  return reaped;
end $$;
revoke all on function private.etl_reap_loads(uuid) from public, anon, authenticated, service_role;

-- The worker's "still alive", every few seconds from its own connection pool. Answers whether
-- the load is still running (false once it was cancelled or reaped: the worker stops then).
create function private.etl_heartbeat(load uuid)
returns boolean
language sql
set search_path = ''
as $$
  update private.etl_load_workers w set heartbeat_at = now() where w.load_id = load;
  select exists (select 1 from public.etl_loads l where l.id = load and l.status = 'running');
$$;
revoke all on function private.etl_heartbeat(uuid) from public, anon, authenticated, service_role;

-- As before (see 20261126080300): marks a pending load running, reaping the workspace's
-- abandoned loads first; and now records the worker's session.
create or replace function private.etl_begin(load uuid)
returns public.etl_loads
language plpgsql
set search_path = ''
as $$
declare
  current public.etl_loads;
begin
  perform private.etl_reap_loads((select l.workspace_id from public.etl_loads l where l.id = load));
  select * into current from public.etl_loads l where l.id = load for update;
  if current.id is null then
    raise exception 'Load % does not exist', load using errcode = 'P0002';
  end if;
  if current.status <> 'pending' then
    raise exception 'Load % is %, not pending: it cannot start again', load, current.status using errcode = 'P0001';
  end if;
  update public.etl_loads l set status = 'running', phase = 'parsing', backend_pid = pg_backend_pid()
  where l.id = load returning * into current;
  insert into private.etl_load_workers (load_id, backend_pid, backend_started_at)
  select load, a.pid, a.backend_start from pg_stat_activity a where a.pid = pg_backend_pid()
  on conflict (load_id) do update set backend_pid = excluded.backend_pid, backend_started_at = excluded.backend_started_at, heartbeat_at = now();
  if current.content_hash is not null then
    return private.etl_recognise(load, current.content_hash);
  end if;
  return current;
end $$;

-- As before (see 20261126080300), but a load that already ended (cancelled at once, or reaped)
-- keeps its status and reason: its worker learns of it late and must not overwrite them.
create or replace function private.etl_finish(load uuid, final_status public.etl_status, summary text, accepted bigint, rejected bigint, read bigint)
returns public.etl_loads
language plpgsql
set search_path = ''
as $$
declare
  current public.etl_loads;
begin
  update public.etl_loads l
  set status = final_status, phase = null, finished_at = now(), backend_pid = null, error_summary = summary,
    rows_accepted = accepted, rows_rejected = rejected, rows_read = read
  where l.id = load and l.status in ('pending', 'running')
  returning * into current;
  if current.id is null then
    select * into current from public.etl_loads l where l.id = load;
  end if;
  return current;
end $$;

-- As before (see 20261126100400), and a load without a live worker (pending, or its worker
-- gone) is cancelled at once: there is nobody to tell.
create or replace function public.cancel_load(load_id uuid)
returns public.etl_loads
language plpgsql
security definer
set search_path = ''
as $$
declare
  current public.etl_loads := private.etl_load_for_change(load_id);
begin
  select * into current from public.etl_loads l where l.id = load_id for update;
  if current.status not in ('pending', 'running') then
    raise exception 'This load is % and cannot be cancelled', current.status using errcode = 'P0001';
  end if;
  if not private.etl_worker_alive(current) then
    perform private.etl_end_worker_session(current.id);
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

-- Supabase Cron (pg_cron) runs the reaper every 10 seconds; where the server has no pg_cron,
-- the local stack runs the job (supabase/local/cron/).
do $$ begin
  if exists (select from pg_available_extensions where name = 'pg_cron') then
    create extension if not exists pg_cron;
  end if;
end $$;
select cron.schedule('etl-reap-abandoned-loads', '10 seconds', 'select private.etl_reap_loads()');
