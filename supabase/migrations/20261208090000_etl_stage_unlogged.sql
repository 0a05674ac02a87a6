-- Faster slices (#14): a load's staging table is UNLOGGED, keyed by the file line the function
-- writes, and the apply reads it where it is.
--
-- Measured before (npm run bench -- etl, 1M rows): a slice spent ~480 of its ~600 ms waiting
-- for the database to take its COPY into the staging table. Each staged row was written to
-- the WAL, decoded again by realtime's walsender, and took a nextval() for its `seq`; and the
-- apply then copied all staged rows into pg_temp.etl_batch before inserting them.
--
-- Now:
-- - Staging is unlogged: no WAL, so nothing for logical decoding either. An unlogged table is
--   emptied by crash recovery (not by a clean restart), so a claim that finds the staging of a
--   load with staged rows empty starts the load over from its first byte
--   (private.etl_slices_restart): its rows were only staged, nothing of it was applied.
-- - `line` (the record's physical line in the file, written by the function) replaces the
--   identity `seq`: file order as before, with no sequence.
-- - The apply inserts from the staging table itself instead of a copy of it in
--   pg_temp.etl_batch, sums the rollup from it, and keeps the last row of a repeated key by line.

create or replace function private.etl_stage_create(load uuid)
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
  execute format('create unlogged table private.%I (line bigint not null, workspace_id text, load_id text, %s)', stage, columns);
  -- Nobody but the service reads it; RLS on, as on every table.
  execute format('alter table private.%I enable row level security', stage);
  execute format('revoke all on private.%I from public, anon, authenticated, service_role', stage);
  return stage;
end $$;

-- Starts a load in slices over from the first byte of its file: what it staged and the rows it
-- rejected go, the checkpoint goes back to the start (the step number goes on, so a late
-- request for an earlier step still finds nothing to do). For a staging table lost to a crash.
create function private.etl_slices_restart(load uuid)
returns void
language plpgsql
set search_path = ''
as $$
begin
  perform private.etl_stage_drop(load);
  delete from public.etl_load_errors e where e.load_id = load;
  update private.etl_load_slices s set
    byte_offset = 0, line = 1, skipping = false, header = null, mapping = null,
    rows_read = 0, rows_accepted = 0, rows_rejected = 0, blank_lines = 0, errors_stored = 0,
    last_key = null, repeats_keys = false, hash_state = null, content_hash = null, read_all = false,
    advanced_at = now()
  where s.load_id = load;
  update public.etl_loads l set rows_read = 0, rows_accepted = 0, rows_rejected = 0, phase = 'parsing' where l.id = load;
end $$;

-- Whether the rows a load staged are gone (crash recovery empties unlogged tables).
create function private.etl_stage_lost(checkpoint private.etl_load_slices)
returns boolean
language plpgsql
set search_path = ''
as $$
declare
  stage regclass := to_regclass(format('private.%I', private.etl_stage_name(checkpoint.load_id)));
  present boolean;
begin
  if checkpoint.mapping is null then
    return false;
  end if;
  if stage is null then
    return true;
  end if;
  if checkpoint.rows_accepted = 0 then
    return false;
  end if;
  execute format('select exists (select from %s)', stage) into present;
  return not present;
end $$;

-- As before (20261207120000), and a load whose staged rows were lost starts over.
create or replace function private.etl_slice_claim(load uuid, slice integer)
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
  if private.etl_stage_lost(checkpoint) then
    perform private.etl_slices_restart(load);
    select * into checkpoint from private.etl_load_slices s where s.load_id = load;
  end if;
  -- This session works the load now: cancel_load interrupts it, the reaper sees it alive.
  insert into private.etl_load_workers (load_id, backend_pid, backend_started_at)
  select load, a.pid, a.backend_start from pg_stat_activity a where a.pid = pg_backend_pid()
  on conflict (load_id) do update set backend_pid = excluded.backend_pid, backend_started_at = excluded.backend_started_at, heartbeat_at = now();
  update public.etl_loads l set backend_pid = pg_backend_pid() where l.id = load;
  return next checkpoint;
end $$;

-- The apply of a load in slices, from its staging table (etl_stream_begin has prepared the
-- statements and session tables in this transaction). The common case, no key of the load
-- active yet: one insert, and the rollup's part summed from the staged rows. Measured on the
-- bench's 1M conversions: 11.2 s through the prepared statement, whose RETURNING * held every
-- row of the load (spilled to disk) for the sums; 7.5 s this way. Should a key be active, the
-- prepared statements supersede key by key, as private.etl_apply_batch does.
create or replace function private.etl_stage_apply(load uuid, duplicates boolean)
returns bigint
language plpgsql
set search_path = ''
as $$
declare
  stage text := format('private.%I', private.etl_stage_name(load));
  current public.etl_loads;
  fact record;
  base text;
  fact_columns text;
  typed text;
  statements record;
  superseded bigint;
  conflicts bigint;
begin
  select * into current from public.etl_loads l where l.id = load;
  select w.base_currency into base from public.workspaces w where w.id = current.workspace_id;
  fact := private.etl_fact(current.source);
  select * into statements from pg_temp.etl_statements;
  if duplicates then
    -- A key the file has more than once: its last row (the greatest line) is the one that counts.
    execute format('delete from %1$s s using (select %2$s, max(line) as last from %1$s group by %2$s having count(*) > 1) l where %3$s and s.line < l.last',
      stage,
      array_to_string(array(select format('%I', k) from unnest(fact.key_columns) k), ', '),
      array_to_string(array(select format('s.%1$I = l.%1$I', k) from unnest(fact.key_columns) k), ' and '));
  end if;
  -- The staged text as the fact table's types, an empty cell of a NOT NULL column as its
  -- default (as etl_stream_begin casts them).
  select string_agg(format('%I', a.attname), ', ' order by a.attnum),
    string_agg(
      case when a.attnotnull and d.adbin is not null
        then format('coalesce(b.%1$I::%2$s, %3$s) as %1$I', a.attname, format_type(a.atttypid, a.atttypmod), pg_get_expr(d.adbin, d.adrelid))
        else format('b.%1$I::%2$s as %1$I', a.attname, format_type(a.atttypid, a.atttypmod)) end,
      ', ' order by a.attnum)
  into fact_columns, typed
  from pg_attribute a
  left join pg_attrdef d on d.adrelid = a.attrelid and d.adnum = a.attnum
  where a.attrelid = format('public.%I', fact.table_name)::regclass and a.attnum > 0 and not a.attisdropped
    and a.attname not in ('workspace_id', 'load_id', 'is_active');
  typed := format('(select %s from %s b)', typed, stage);
  begin
    execute format('insert into public.%1$I (workspace_id, load_id, is_active, %2$s) select $1, $2, true, %2$s from %3$s t',
      fact.table_name, fact_columns, typed) using current.workspace_id, load;
    if current.source = 'tw_events' then
      execute private.etl_conversion_delta(typed, 1) using current.workspace_id, load, base;
    else
      execute format('insert into pg_temp.etl_days select distinct %s from %s f', fact.day_expr, typed);
    end if;
    superseded := 0;
  exception when unique_violation then
    -- Undone with this block's savepoint: again, key by key.
    execute replace(statements.upsert, 'pg_temp.etl_batch', stage) into superseded, conflicts using current.workspace_id, load, base;
    if conflicts > 0 then
      perform private.etl_drop_own_conflicts(statements.drop_own);
      execute replace(statements.insert_conflicting, 'pg_temp.etl_batch', stage) using current.workspace_id, load, base;
      truncate pg_temp.etl_conflicts;
    end if;
  end;
  return superseded;
end $$;

-- Loads in the middle of their slices when this runs have staging tables of the old layout:
-- they start over in the new one.
do $$
declare
  load uuid;
begin
  for load in select s.load_id from private.etl_load_slices s where s.mapping is not null loop
    perform private.etl_slices_restart(load);
  end loop;
end $$;
