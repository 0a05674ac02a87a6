-- Applying, rolling back, re-applying and cancelling loads. Each runs in one transaction with
-- the rollup rebuild, under a lock per workspace and source, so loads touching the same keys
-- never interleave and nothing is ever half-applied.

-- How each source's facts are keyed and dated (day_expr reads the fact table aliased f).
create function private.etl_fact(source public.etl_source, out table_name text, out key_columns text[], out day_expr text)
language sql
immutable
set search_path = ''
as $$
  select case source
    when 'tw_events' then 'tw_events'
    when 'tw_clicks' then 'tw_clicks'
    else 'ad_spend' end,
  case source
    when 'tw_events' then array['event_id']
    when 'tw_clicks' then array['date', 'campaign_id', 'offer_id', 'geo', 'sub1']
    else array['network', 'date', 'campaign_id', 'ad_group_id', 'creative_id', 'country'] end,
  case source
    when 'tw_events' then '(f.event_time at time zone ''UTC'')::date'
    else 'f.date' end
$$;

-- The fact table's own columns, in order, without workspace_id, load_id and is_active.
create function private.etl_columns(table_name text)
returns text[]
language sql
stable
set search_path = ''
as $$
  select array_agg(a.attname::text order by a.attnum)
  from pg_attribute a
  where a.attrelid = ('public.' || quote_ident(table_name))::regclass and a.attnum > 0 and not a.attisdropped
    and a.attname not in ('workspace_id', 'load_id', 'is_active')
$$;

-- One load of a workspace and source at a time.
create function private.etl_lock(workspace uuid, source public.etl_source)
returns void
language sql
set search_path = ''
as $$ select pg_advisory_xact_lock(hashtextextended(workspace::text || ':' || source::text, 0)) $$;

-- Creates the session's staging table for a source: the file line, then the fact's columns in
-- order, without NOT NULL (an empty key cell becomes the column's default when merged).
create function private.etl_create_stage(source public.etl_source)
returns text
language plpgsql
set search_path = ''
as $$
declare
  fact record := private.etl_fact(source);
begin
  execute 'drop table if exists pg_temp.etl_stage';
  execute format(
    'create temp table etl_stage as select 0::bigint as line, %s from public.%I with no data',
    array_to_string(array(select format('%I', c) from unnest(private.etl_columns(fact.table_name)) c), ', '),
    fact.table_name
  );
  return 'pg_temp.etl_stage';
end $$;

-- The staged value of each fact column as the merge inserts it: the column's default stands in
-- for a null where the fact column may not be null.
create function private.etl_column_values(table_name text)
returns text[]
language sql
stable
set search_path = ''
as $$
  select array_agg(
    case when a.attnotnull and d.adbin is not null
      then format('coalesce(%I, %s)', a.attname, pg_get_expr(d.adbin, d.adrelid))
      else format('%I', a.attname) end
    order by a.attnum)
  from pg_attribute a
  left join pg_attrdef d on d.adrelid = a.attrelid and d.adnum = a.attnum
  where a.attrelid = ('public.' || quote_ident(table_name))::regclass and a.attnum > 0 and not a.attisdropped
    and a.attname not in ('workspace_id', 'load_id', 'is_active')
$$;

-- Finishes a load as a duplicate when an earlier load of the workspace and source had the
-- same content; otherwise leaves it as it is. Returns the load as it now is.
create function private.etl_recognise(load uuid, hash text)
returns public.etl_loads
language plpgsql
set search_path = ''
as $$
declare
  current public.etl_loads;
  earlier public.etl_loads;
begin
  update public.etl_loads l set content_hash = hash where l.id = load returning * into current;
  if current.id is null then
    raise exception 'Load % does not exist', load using errcode = 'P0002';
  end if;
  select * into earlier from public.etl_loads l
  where l.workspace_id = current.workspace_id and l.source = current.source and l.content_hash = hash
    and l.id <> current.id and l.status in ('done', 'rolled_back', 'running')
  order by l.seq
  limit 1;
  if earlier.id is null then
    return current;
  end if;
  update public.etl_loads l set status = 'duplicate', duplicate_of = earlier.id, phase = null, finished_at = now(), backend_pid = null,
    error_summary = format('The same file was loaded on %s UTC as "%s" (load %s, %s); nothing changed.',
      to_char(earlier.started_at at time zone 'UTC', 'YYYY-MM-DD HH24:MI'), earlier.file_name, earlier.id,
      case earlier.status when 'rolled_back' then 'rolled back: re-apply it to bring its rows back' else earlier.status::text end)
  where l.id = load returning * into current;
  return current;
end $$;

-- Marks a pending load running (recognising a repeat at once when its hash is already known).
create function private.etl_begin(load uuid)
returns public.etl_loads
language plpgsql
set search_path = ''
as $$
declare
  current public.etl_loads;
begin
  select * into current from public.etl_loads l where l.id = load for update;
  if current.id is null then
    raise exception 'Load % does not exist', load using errcode = 'P0002';
  end if;
  -- A load whose session is gone (the database restarted, the function died) stopped before
  -- its merge committed, so nothing of it was applied: say so instead of leaving it running.
  update public.etl_loads l
  set status = 'failed', phase = null, finished_at = now(), backend_pid = null,
    error_summary = 'The load was interrupted (its connection to the database was lost) before anything was applied. Upload the file again.'
  where l.workspace_id = current.workspace_id and l.status = 'running'
    and not exists (select 1 from pg_stat_activity a where a.pid = l.backend_pid);
  if current.status <> 'pending' then
    raise exception 'Load % is %, not pending: it cannot start again', load, current.status using errcode = 'P0001';
  end if;
  update public.etl_loads l set status = 'running', phase = 'parsing', backend_pid = pg_backend_pid()
  where l.id = load returning * into current;
  if current.content_hash is not null then
    return private.etl_recognise(load, current.content_hash);
  end if;
  return current;
end $$;

-- Makes, for every key the given load holds, the row of the latest applied load the active one
-- (none, if no applied load holds the key any more). Returns the days whose facts changed.
create function private.etl_reactivate(load public.etl_loads)
returns date[]
language plpgsql
set search_path = ''
as $$
declare
  fact record := private.etl_fact(load.source);
  keys text := array_to_string(array(select format('%I', k) from unnest(fact.key_columns) k), ', ');
  joined text := array_to_string(array(select format('f.%1$I = k.%1$I', c) from unnest(fact.key_columns) c), ' and ');
  days date[];
  later date[];
begin
  execute format('create temp table etl_keys on commit drop as select distinct %s from public.%I where load_id = $1', keys, fact.table_name)
    using load.id;
  execute format('select array_agg(distinct %s) from public.%I f join pg_temp.etl_keys k on %s where f.workspace_id = $1 and f.is_active',
    fact.day_expr, fact.table_name, joined) into days using load.workspace_id;
  execute format('update public.%I f set is_active = false from pg_temp.etl_keys k where %s and f.workspace_id = $1 and f.is_active',
    fact.table_name, joined) using load.workspace_id;
  execute format(
    'update public.%1$I f set is_active = true from (
       select distinct on (%2$s) f.ctid as row_ref from public.%1$I f
       join pg_temp.etl_keys k on %3$s
       join public.etl_loads l on l.id = f.load_id and l.status = ''done''
       where f.workspace_id = $1
       order by %2$s, l.applied_seq desc nulls last
     ) latest where f.ctid = latest.row_ref',
    fact.table_name, array_to_string(array(select format('f.%I', k) from unnest(fact.key_columns) k), ', '), joined
  ) using load.workspace_id;
  execute format('select array_agg(distinct %s) from public.%I f join pg_temp.etl_keys k on %s where f.workspace_id = $1 and f.is_active',
    fact.day_expr, fact.table_name, joined) into later using load.workspace_id;
  drop table pg_temp.etl_keys;
  return array(select distinct d from unnest(coalesce(days, '{}') || coalesce(later, '{}')) d);
end $$;

-- Applies the staged rows of a running load: rows of the same key supersede the active ones
-- (which stay, inactive), the last row of a key within the file wins, and the rollup of every
-- touched day is rebuilt. The caller COPYs into pg_temp.etl_stage first.
create function private.etl_merge(load uuid, accepted bigint, rejected bigint, read bigint)
returns public.etl_loads
language plpgsql
set search_path = ''
as $$
declare
  current public.etl_loads;
  fact record;
  columns text[];
  keys text;
  joined text;
  superseded bigint;
  old_days date[];
  new_days date[];
begin
  select * into current from public.etl_loads l where l.id = load for update;
  if current.status <> 'running' then
    raise exception 'Load % is %, not running', load, current.status using errcode = 'P0001';
  end if;
  if current.cancel_requested then
    raise exception 'Load % was cancelled', load using errcode = '57014';
  end if;
  perform private.etl_lock(current.workspace_id, current.source);
  fact := private.etl_fact(current.source);
  columns := private.etl_columns(fact.table_name);
  keys := array_to_string(array(select format('%I', k) from unnest(fact.key_columns) k), ', ');
  joined := array_to_string(array(select format('f.%1$I = s.%1$I', c) from unnest(fact.key_columns) c), ' and ');
  update public.etl_loads l set phase = 'merging' where l.id = load;
  -- The staging table is new: without statistics the planner guesses its joins blind; and the
  -- last-row-per-key sort of a big file should stay in memory.
  analyze pg_temp.etl_stage;
  set local work_mem = '256MB';

  execute format(
    'with deactivated as (
       update public.%1$I f set is_active = false
       from (select distinct %2$s from pg_temp.etl_stage) s
       where %3$s and f.workspace_id = $1 and f.is_active
       returning %4$s as day
     ) select count(*), array_agg(distinct day) from deactivated',
    fact.table_name, keys, joined, fact.day_expr
  ) into superseded, old_days using current.workspace_id;

  execute format(
    'insert into public.%1$I (workspace_id, load_id, is_active, %2$s)
     select distinct on (%4$s) $1, $2, true, %3$s from pg_temp.etl_stage order by %4$s, line desc',
    fact.table_name,
    array_to_string(array(select format('%I', c) from unnest(columns) c), ', '),
    array_to_string(private.etl_column_values(fact.table_name), ', '),
    keys
  ) using current.workspace_id, load;

  execute format('select array_agg(distinct %s) from pg_temp.etl_stage f', fact.day_expr) into new_days;

  update public.etl_loads l set phase = 'rollups' where l.id = load;
  perform private.refresh_daily_metrics(
    current.workspace_id,
    array(select distinct d from unnest(coalesce(old_days, '{}') || coalesce(new_days, '{}')) d)
  );
  update public.etl_loads l
  set status = 'done', phase = null, finished_at = now(), backend_pid = null, rows_superseded = superseded,
    applied_seq = nextval('public.etl_apply_seq'),
    rows_accepted = accepted, rows_rejected = rejected, rows_read = read
  where l.id = load
  returning * into current;
  return current;
end $$;

-- The user may change loads of the workspace (media buyers and admins).
create function private.etl_load_for_change(load uuid)
returns public.etl_loads
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
  current public.etl_loads;
begin
  select * into current from public.etl_loads l where l.id = load;
  if current.id is null or not private.has_role(current.workspace_id, private.all_roles()) then
    raise exception 'Load % does not exist', load using errcode = 'P0002';
  end if;
  if not private.has_role(current.workspace_id, '{media_buyer,admin}') then
    raise exception 'Only media buyers and admins can change loads' using errcode = '42501';
  end if;
  return current;
end $$;

-- Rolls a load back: its rows go inactive and what it superseded comes back, in one transaction.
create function public.rollback_load(load_id uuid)
returns public.etl_loads
language plpgsql
security definer
set search_path = ''
as $$
declare
  current public.etl_loads := private.etl_load_for_change(load_id);
begin
  perform private.etl_lock(current.workspace_id, current.source);
  select * into current from public.etl_loads l where l.id = load_id for update;
  if current.status <> 'done' then
    raise exception 'Only an applied load can be rolled back; this one is %', current.status
      using errcode = 'P0001', hint = case when current.status = 'rolled_back' then 'Re-apply it instead.' end;
  end if;
  update public.etl_loads l set status = 'rolled_back', rolled_back_at = now(), rolled_back_by = auth.uid()
  where l.id = load_id returning * into current;
  perform private.refresh_daily_metrics(current.workspace_id, private.etl_reactivate(current));
  return current;
end $$;

-- Applies a rolled-back load again, in its original place in the order of loads.
create function public.reapply_load(load_id uuid)
returns public.etl_loads
language plpgsql
security definer
set search_path = ''
as $$
declare
  current public.etl_loads := private.etl_load_for_change(load_id);
begin
  perform private.etl_lock(current.workspace_id, current.source);
  select * into current from public.etl_loads l where l.id = load_id for update;
  if current.status <> 'rolled_back' then
    raise exception 'Only a rolled-back load can be re-applied; this one is %', current.status using errcode = 'P0001';
  end if;
  update public.etl_loads l set status = 'done', rolled_back_at = null, rolled_back_by = null
  where l.id = load_id returning * into current;
  perform private.refresh_daily_metrics(current.workspace_id, private.etl_reactivate(current));
  return current;
end $$;

-- Asks a pending or running load to stop; a merge in progress is interrupted and rolls back.
create function public.cancel_load(load_id uuid)
returns public.etl_loads
language plpgsql
security definer
set search_path = ''
as $$
declare
  current public.etl_loads := private.etl_load_for_change(load_id);
begin
  if current.status not in ('pending', 'running') then
    raise exception 'This load is % and cannot be cancelled', current.status using errcode = 'P0001';
  end if;
  update public.etl_loads l set cancel_requested = true where l.id = load_id returning * into current;
  if current.backend_pid is not null and current.phase in ('merging', 'rollups') then
    perform pg_cancel_backend(current.backend_pid);
  end if;
  return current;
end $$;

-- Records how a load ended when it did not apply (failed or cancelled), with its rejected rows kept.
create function private.etl_finish(load uuid, final_status public.etl_status, summary text, accepted bigint, rejected bigint, read bigint)
returns public.etl_loads
language sql
set search_path = ''
as $$
  update public.etl_loads l
  set status = final_status, phase = null, finished_at = now(), backend_pid = null, error_summary = summary,
    rows_accepted = accepted, rows_rejected = rejected, rows_read = read
  where l.id = load
  returning *
$$;

revoke all on function public.rollback_load(uuid), public.reapply_load(uuid), public.cancel_load(uuid) from public, anon;
grant execute on function public.rollback_load(uuid), public.reapply_load(uuid), public.cancel_load(uuid) to authenticated;
