-- A batch whose keys are new goes straight into the fact table. Until now every batch was
-- COPYed into pg_temp.etl_batch as text and then inserted into the facts with casts, its
-- rollup contribution summed from the insert's RETURNING rows: three passes over each row in
-- the database, which is where a big load spent most of its time. Now the function COPYs a
-- batch straight into the fact table, under a savepoint, and sums its rollup contribution
-- itself (functions/etl/rollupContribution.ts), sending the sums to pg_temp.etl_delta (or the
-- days it touched to pg_temp.etl_days) once at the end. Should the COPY fail (a key already
-- active: a correction, a repeated row), the savepoint undoes it and the same bytes go the old
-- way, through pg_temp.etl_batch and private.etl_apply_batch, which supersede key by key and
-- sum in SQL.
--
-- So that one batch of bytes can go either way, pg_temp.etl_batch now takes the fact table's
-- own COPY columns: workspace_id and load_id first (ignored there; the apply uses the load's),
-- then the canonical columns. It has no `line` any more: a file's later row of a key is the
-- later row in the batch table, whose rows only ever go to its end (COPY into a table emptied
-- by TRUNCATE, nothing deleted before the apply), so the last row is the one with the greatest ctid.

drop function private.etl_stream_begin(uuid);

-- As before (20261126100400), plus the batch table's new columns and dedupe by ctid. Answers
-- what a direct COPY needs to know: the load's workspace, the fact table, its columns that are
-- NOT NULL with a default and those defaults as text (an empty cell is written as its default
-- there, as the coalesce of the staged text did), and the workspace's base currency (the
-- rollup sums only money in it).
create function private.etl_stream_begin(load uuid, out workspace_id uuid, out fact_table_name text,
  out default_columns text[], out default_values text[], out base_currency text)
language plpgsql
set search_path = ''
as $$
declare
  current public.etl_loads;
  fact record;
  fact_table regclass;
  columns text;
  values_sql text;
  keys text;
  key_match text;
  fact_columns text;
  default_sql text;
  default_value text;
begin
  select * into current from public.etl_loads l where l.id = load;
  if current.status is distinct from 'running' then
    raise exception 'Load % is %, not running', load, coalesce(current.status::text, 'missing') using errcode = 'P0001';
  end if;
  perform private.etl_lock(current.workspace_id, current.source);
  if (select l.cancel_requested from public.etl_loads l where l.id = load) then
    raise exception 'Load % was cancelled', load using errcode = '57014';
  end if;
  workspace_id := current.workspace_id;
  select w.base_currency into base_currency from public.workspaces w where w.id = current.workspace_id;
  fact := private.etl_fact(current.source);
  fact_table_name := fact.table_name;
  fact_table := ('public.' || quote_ident(fact.table_name))::regclass;
  keys := (select string_agg(format('%I', k), ', ') from unnest(fact.key_columns) k);

  select string_agg(format('%I text', a.attname), ', ' order by a.attnum),
    string_agg(
      case when a.attnotnull and d.adbin is not null
        then format('coalesce(b.%I::%s, %s)', a.attname, format_type(a.atttypid, a.atttypmod), pg_get_expr(d.adbin, d.adrelid))
        else format('b.%I::%s', a.attname, format_type(a.atttypid, a.atttypmod)) end,
      ', ' order by a.attnum),
    string_agg(format('%I', a.attname), ', ' order by a.attnum),
    array_agg(a.attname::text order by a.attnum) filter (where a.attnotnull and d.adbin is not null)
  into columns, values_sql, fact_columns, default_columns
  from pg_attribute a
  left join pg_attrdef d on d.adrelid = a.attrelid and d.adnum = a.attnum
  where a.attrelid = fact_table and a.attnum > 0 and not a.attisdropped
    and a.attname not in ('workspace_id', 'load_id', 'is_active');
  default_columns := coalesce(default_columns, '{}');
  default_values := '{}';
  -- The function writes these values itself, so each must be a constant ('' or 0 today).
  for default_sql in
    select pg_get_expr(d.adbin, d.adrelid) from unnest(default_columns) with ordinality c(name, n)
    join pg_attribute a on a.attrelid = fact_table and a.attname = c.name
    join pg_attrdef d on d.adrelid = a.attrelid and d.adnum = a.attnum
    order by c.n
  loop
    if default_sql !~ '^(''[^'']*''(::text)?|-?[0-9]+(\.[0-9]+)?)$' then
      raise exception 'The default % of a NOT NULL column of % is not a constant: the direct COPY cannot write it', default_sql, fact_table;
    end if;
    execute format('select (%s)::text', default_sql) into default_value;
    default_values := default_values || default_value;
  end loop;
  select string_agg(format('c.%1$I = b.%1$I::%2$s', a.attname, format_type(a.atttypid, a.atttypmod)), ' and ')
  into key_match
  from unnest(fact.key_columns) k join pg_attribute a on a.attrelid = fact_table and a.attname = k;

  execute format('create temp table etl_batch (workspace_id text, load_id text, %s) on commit drop', columns);
  execute format('create temp table etl_conflicts on commit drop as select %s, ctid as row_ref, true as own from %s with no data',
    keys, fact_table);
  create temp table etl_delta (
    date date, campaign_id text, offer_id text, geo text, source text, network_campaign_id text, creative_id text,
    name_added text, name_removed text, removed boolean,
    registrations bigint, ftds bigint, deposits bigint, deposits_amount numeric, revenue numeric,
    chargebacks bigint, chargeback_amount numeric, other_currency_rows bigint
  ) on commit drop;
  create temp table etl_days (day date) on commit drop;

  create temp table etl_statements (
    dedupe text not null,
    insert text not null,
    upsert text not null,
    drop_own text not null,
    insert_conflicting text not null
  ) on commit drop;
  insert into pg_temp.etl_statements values (
    -- Keeps the last row of each key that occurs more than once in the batch.
    format('delete from pg_temp.etl_batch b using (select %1$s, max(ctid) as row_ref from pg_temp.etl_batch group by %1$s having count(*) > 1) l
      where %2$s and b.ctid < l.row_ref',
      keys, (select string_agg(format('b.%1$I = l.%1$I', k), ' and ') from unnest(fact.key_columns) k)),
    format(
      'with added as (
         insert into %1$s (workspace_id, load_id, is_active, %2$s) select $1, $2, true, %3$s from pg_temp.etl_batch b
         returning *
       ) %4$s',
      fact_table, fact_columns, values_sql,
      case when current.source = 'tw_events' then private.etl_conversion_delta('added', 1)
        else format('insert into pg_temp.etl_days select distinct %s from added f', fact.day_expr) end),
    format(
      'with upserted as (
         insert into %1$s as f (workspace_id, load_id, is_active, %2$s) select $1, $2, true, %3$s from pg_temp.etl_batch b
         on conflict (workspace_id, %4$s) where is_active do update set is_active = false
         returning f.ctid as row_ref, f.*
       ),
       conflicts as (insert into pg_temp.etl_conflicts select %4$s, row_ref, load_id = $2 from upserted where not is_active),
       added as (%5$s),
       removed as (%6$s)
       select count(*) filter (where not is_active and load_id <> $2), count(*) filter (where not is_active) from upserted',
      fact_table, fact_columns, values_sql, keys,
      case when current.source = 'tw_events' then private.etl_conversion_delta('(select * from upserted where is_active)', 1)
        else format('insert into pg_temp.etl_days select distinct %s from upserted f', fact.day_expr) end,
      case when current.source = 'tw_events' then private.etl_conversion_delta('(select * from upserted where not is_active)', -1)
        else 'select' end),
    format('delete from %s f using pg_temp.etl_conflicts c where c.own and f.ctid = c.row_ref', fact_table),
    format(
      'with added as (
         insert into %1$s (workspace_id, load_id, is_active, %2$s) select $1, $2, true, %3$s from pg_temp.etl_batch b
         where exists (select from pg_temp.etl_conflicts c where %4$s)
         returning *
       ) %5$s',
      fact_table, fact_columns, values_sql, key_match,
      case when current.source = 'tw_events' then private.etl_conversion_delta('added', 1)
        else format('insert into pg_temp.etl_days select distinct %s from added f', fact.day_expr) end));
end $$;
