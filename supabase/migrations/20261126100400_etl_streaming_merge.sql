-- Loads stream straight into the facts. A load used to COPY the whole file into a staging
-- table and then merge and rebuild rollups in one long step after the upload; now its batches
-- are applied as they arrive, inside one transaction that holds the workspace+source lock from
-- the first batch to the commit: while the function parses the next batch, the database
-- supersedes, inserts and sums up the previous one. Nothing is visible before the commit, so a
-- cancel, a failure or a restart mid-load still leaves the facts exactly as they were.
--
-- Per batch (private.etl_apply_batch): the function COPYs it into pg_temp.etl_batch (text
-- columns, so a value the database refuses fails the apply with its own message, not the
-- COPY); its rows are inserted, and the active rows of their keys go inactive (earlier loads:
-- superseded, and kept) or go away (an earlier batch of this very load: the last row of a key
-- in a file wins); for conversions, the rollup contribution of both is summed into
-- pg_temp.etl_delta, which private.etl_stream_finish adds to daily_metrics instead of
-- rebuilding every touched day.

-- Inactive rows are only ever looked up by key during a rollback or re-apply; active ones
-- have their unique index. Indexing only the inactive (history) rows spares every new row
-- one index insertion, the costliest part of a big load after the heap itself.
drop index public.tw_events_key_idx;
create index tw_events_history_idx on public.tw_events (workspace_id, event_id) where not is_active;
drop index public.tw_clicks_key_idx;
create index tw_clicks_history_idx on public.tw_clicks (workspace_id, date, campaign_id, offer_id, geo, sub1) where not is_active;
drop index public.ad_spend_key_idx;
create index ad_spend_history_idx on public.ad_spend (workspace_id, network, date, campaign_id, ad_group_id, creative_id, country) where not is_active;

-- The staging merge this replaces.
drop function private.etl_merge(uuid, bigint, bigint, bigint);
drop function private.etl_create_stage(public.etl_source);
drop function private.etl_column_values(text);

-- A conversion rollup contribution (see refresh_daily_metrics) of the rows `r` with a sign:
-- +1 for rows a load adds, -1 for rows it takes away. $3 is the workspace's base currency.
create function private.etl_conversion_delta(rows_sql text, sign integer)
returns text
language sql
immutable
set search_path = ''
as $$
  select format(
    'insert into pg_temp.etl_delta
     select (r.event_time at time zone ''UTC'')::date, r.campaign_id, r.offer_id, r.geo, r.source, r.sub1, r.sub2,
       %2$s, %3$s, %4$s,
       %1$s * count(*) filter (where r.event_type = ''registration''),
       %1$s * count(*) filter (where r.event_type = ''first_deposit''),
       %1$s * count(*) filter (where r.event_type in (''first_deposit'', ''deposit'')),
       %1$s * sum(case when coalesce(r.currency, $3) = $3 and r.event_type in (''first_deposit'', ''deposit'') then coalesce(r.amount, 0) else 0 end),
       %1$s * sum(case when coalesce(r.currency, $3) = $3 then coalesce(r.payout, 0) else 0 end),
       %1$s * count(*) filter (where r.event_type = ''chargeback''),
       %1$s * sum(case when coalesce(r.currency, $3) = $3 and r.event_type = ''chargeback'' then coalesce(r.payout, 0) else 0 end),
       %1$s * count(*) filter (where coalesce(r.currency, $3) <> $3)
     from %5$s r
     group by 1, 2, 3, 4, 5, 6, 7',
    sign,
    case when sign > 0 then 'max(r.campaign_name)' else 'null' end,
    case when sign > 0 then 'null' else 'max(r.campaign_name)' end,
    case when sign > 0 then 'false' else 'true' end,
    rows_sql)
$$;

-- Opens a load's apply: waits for the workspace+source lock (held to the commit), then makes
-- the session tables its batches go through and the statements that apply them. The caller
-- has begun a transaction; cancel_load() interrupts the wait.
--
-- A batch is first inserted as it is, which costs least. Should a key be active already, the
-- active-key index refuses the insert and the batch goes again with ON CONFLICT on that
-- index: a row whose key is active turns that row inactive instead (and is inserted in a
-- second step). Both find existing keys through that index, whatever the planner's
-- statistics say; a lookup by key would not: statistics lag behind a table a load is filling
-- (its own rows are not even visible to ANALYZE), and the planner then reads every row of
-- the workspace for each batch.
create function private.etl_stream_begin(load uuid)
returns void
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
begin
  select * into current from public.etl_loads l where l.id = load;
  if current.status is distinct from 'running' then
    raise exception 'Load % is %, not running', load, coalesce(current.status::text, 'missing') using errcode = 'P0001';
  end if;
  perform private.etl_lock(current.workspace_id, current.source);
  if (select l.cancel_requested from public.etl_loads l where l.id = load) then
    raise exception 'Load % was cancelled', load using errcode = '57014';
  end if;
  fact := private.etl_fact(current.source);
  fact_table := ('public.' || quote_ident(fact.table_name))::regclass;
  keys := (select string_agg(format('%I', k), ', ') from unnest(fact.key_columns) k);

  -- Each fact column as staged text, cast back to its type; a key cell left empty is ''.
  select string_agg(format('%I text', a.attname), ', ' order by a.attnum),
    string_agg(
      case when a.attnotnull and d.adbin is not null
        then format('coalesce(b.%I::%s, %s)', a.attname, format_type(a.atttypid, a.atttypmod), pg_get_expr(d.adbin, d.adrelid))
        else format('b.%I::%s', a.attname, format_type(a.atttypid, a.atttypmod)) end,
      ', ' order by a.attnum)
  into columns, values_sql
  from pg_attribute a
  left join pg_attrdef d on d.adrelid = a.attrelid and d.adnum = a.attnum
  where a.attrelid = fact_table and a.attnum > 0 and not a.attisdropped
    and a.attname not in ('workspace_id', 'load_id', 'is_active');
  select string_agg(format('c.%1$I = b.%1$I::%2$s', a.attname, format_type(a.atttypid, a.atttypmod)), ' and ')
  into key_match
  from unnest(fact.key_columns) k join pg_attribute a on a.attrelid = fact_table and a.attname = k;

  execute format('create temp table etl_batch (line bigint, %s) on commit drop', columns);
  -- The rows a batch turned inactive: their keys, where they are now, and whether this load wrote them.
  execute format('create temp table etl_conflicts on commit drop as select %s, ctid as row_ref, true as own from %s with no data',
    keys, fact_table);
  -- Conversions' rollup contributions, summed per batch; for clicks and spend, the touched days.
  create temp table etl_delta (
    date date, campaign_id text, offer_id text, geo text, source text, network_campaign_id text, creative_id text,
    name_added text, name_removed text, removed boolean,
    registrations bigint, ftds bigint, deposits bigint, deposits_amount numeric, revenue numeric,
    chargebacks bigint, chargeback_amount numeric, other_currency_rows bigint
  ) on commit drop;
  create temp table etl_days (day date) on commit drop;

  create temp table etl_statements (
    -- Keeps the last line of each key that occurs more than once in the batch.
    dedupe text not null,
    -- Inserts the batch, when none of its keys is active yet.
    insert text not null,
    -- Inserts the batch; answers the rows of earlier loads it superseded, and all it turned inactive.
    upsert text not null,
    -- After conflicts: deletes the rows of this load turned inactive (an earlier batch's row of
    -- a key: the file's last row wins), then inserts the batch's rows of the conflicting keys.
    drop_own text not null,
    insert_conflicting text not null
  ) on commit drop;
  insert into pg_temp.etl_statements values (
    format('delete from pg_temp.etl_batch b using (select %1$s, max(line) as line from pg_temp.etl_batch group by %1$s having count(*) > 1) l
      where %2$s and b.line < l.line',
      keys, (select string_agg(format('b.%1$I = l.%1$I', k), ' and ') from unnest(fact.key_columns) k)),
    format(
      'with added as (
         insert into %1$s (workspace_id, load_id, is_active, %2$s) select $1, $2, true, %3$s from pg_temp.etl_batch b
         returning *
       ) %4$s',
      fact_table,
      (select string_agg(format('%I', a.attname), ', ' order by a.attnum) from pg_attribute a
       where a.attrelid = fact_table and a.attnum > 0 and not a.attisdropped and a.attname not in ('workspace_id', 'load_id', 'is_active')),
      values_sql,
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
      fact_table,
      (select string_agg(format('%I', a.attname), ', ' order by a.attnum) from pg_attribute a
       where a.attrelid = fact_table and a.attnum > 0 and not a.attisdropped and a.attname not in ('workspace_id', 'load_id', 'is_active')),
      values_sql, keys,
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
      fact_table,
      (select string_agg(format('%I', a.attname), ', ' order by a.attnum) from pg_attribute a
       where a.attrelid = fact_table and a.attnum > 0 and not a.attisdropped and a.attname not in ('workspace_id', 'load_id', 'is_active')),
      values_sql, key_match,
      case when current.source = 'tw_events' then private.etl_conversion_delta('added', 1)
        else format('insert into pg_temp.etl_days select distinct %s from added f', fact.day_expr) end));
end $$;

-- Deletes the rows of this load a batch turned inactive (see etl_stream_begin) with the plan
-- that needs: rows found by their ctid, never by a scan of the fact table.
create function private.etl_drop_own_conflicts(statement text)
returns void
language plpgsql
set search_path = ''
set enable_seqscan = off
set enable_hashjoin = off
set enable_mergejoin = off
as $$
begin
  execute statement;
end $$;

-- Applies the batch in pg_temp.etl_batch (see above) and empties it. Returns how many active
-- rows of earlier loads it superseded. `duplicates`: the batch may repeat a key.
create function private.etl_apply_batch(load uuid, duplicates boolean)
returns bigint
language plpgsql
set search_path = ''
as $$
declare
  workspace uuid;
  base text;
  statements record;
  superseded bigint;
  conflicts bigint;
begin
  select l.workspace_id, w.base_currency into workspace, base
  from public.etl_loads l join public.workspaces w on w.id = l.workspace_id where l.id = load;
  select * into statements from pg_temp.etl_statements;
  if duplicates then
    execute statements.dedupe;
  end if;
  begin
    execute statements.insert using workspace, load, base;
    superseded := 0;
  exception when unique_violation then
    -- Undone with this block's savepoint, the insert's rollup sums included: again, key by key.
    execute statements.upsert into superseded, conflicts using workspace, load, base;
    if conflicts > 0 then
      perform private.etl_drop_own_conflicts(statements.drop_own);
      execute statements.insert_conflicting using workspace, load, base;
      truncate pg_temp.etl_conflicts;
    end if;
  end;
  truncate pg_temp.etl_batch;
  return superseded;
end $$;

-- Adds the summed contributions of a conversions load to daily_metrics. Sums add up exactly;
-- what a sum cannot settle is settled from the facts: a group that lost rows, whose campaign
-- name may have been one of them, or that may be left with no fact at all while spend of its
-- network campaign and creative still exists, has its whole day rebuilt; a group left with
-- no fact at all is deleted, as a rebuild would leave it out.
create function private.etl_apply_conversion_delta(workspace uuid)
returns void
language plpgsql
set search_path = ''
as $$
declare
  rebuild date[];
begin
  create temp table etl_groups on commit drop as
  select d.date, d.campaign_id, d.offer_id, d.geo, d.source, d.network_campaign_id, d.creative_id,
    max(d.name_added) as name_added, max(d.name_removed) as name_removed, bool_or(d.removed) as removed,
    sum(d.registrations) as registrations, sum(d.ftds) as ftds, sum(d.deposits) as deposits,
    sum(d.deposits_amount) as deposits_amount, sum(d.revenue) as revenue, sum(d.chargebacks) as chargebacks,
    sum(d.chargeback_amount) as chargeback_amount, sum(d.other_currency_rows) as other_currency_rows
  from pg_temp.etl_delta d
  group by 1, 2, 3, 4, 5, 6, 7;

  select array_agg(distinct g.date) into rebuild
  from pg_temp.etl_groups g
  left join public.daily_metrics m on m.workspace_id = workspace and m.date = g.date and m.campaign_id = g.campaign_id
    and m.offer_id = g.offer_id and m.geo = g.geo and m.source = g.source
    and m.network_campaign_id = g.network_campaign_id and m.creative_id = g.creative_id
  where g.removed and (
    -- Rows were taken from a group the rollup does not have: it disagreed with the facts.
    m.workspace_id is null
    or (m.registrations + m.deposits + m.chargebacks + g.registrations + g.deposits + g.chargebacks > 0
      and g.name_removed = m.campaign_name and (g.name_added is null or g.name_added < g.name_removed))
    or (m.registrations + m.deposits + m.chargebacks + g.registrations + g.deposits + g.chargebacks = 0
      and m.spend = 0 and m.impressions = 0 and m.ad_clicks = 0 and m.installs = 0
      and exists (
        select 1 from public.ad_spend s
        where s.workspace_id = workspace and s.is_active and s.network = g.source and s.date = g.date
          and s.campaign_id = g.network_campaign_id and s.creative_id = g.creative_id and s.country = g.geo)));

  insert into public.daily_metrics as m (
    workspace_id, date, campaign_id, campaign_name, offer_id, geo, source, network_campaign_id, creative_id,
    registrations, ftds, deposits, deposits_amount, revenue, chargebacks, chargeback_amount, other_currency_rows
  )
  select workspace, g.date, g.campaign_id, g.name_added, g.offer_id, g.geo, g.source, g.network_campaign_id, g.creative_id,
    g.registrations, g.ftds, g.deposits, g.deposits_amount, g.revenue, g.chargebacks, g.chargeback_amount, g.other_currency_rows
  from pg_temp.etl_groups g
  where g.date <> all (coalesce(rebuild, '{}'))
  on conflict (workspace_id, date, campaign_id, offer_id, geo, source, network_campaign_id, creative_id) do update set
    -- Names come from conversions only: none left, no name.
    campaign_name = case when m.registrations + m.deposits + m.chargebacks + excluded.registrations + excluded.deposits + excluded.chargebacks = 0
      then null else greatest(m.campaign_name, excluded.campaign_name) end,
    registrations = m.registrations + excluded.registrations,
    ftds = m.ftds + excluded.ftds,
    deposits = m.deposits + excluded.deposits,
    deposits_amount = m.deposits_amount + excluded.deposits_amount,
    revenue = m.revenue + excluded.revenue,
    chargebacks = m.chargebacks + excluded.chargebacks,
    chargeback_amount = m.chargeback_amount + excluded.chargeback_amount,
    other_currency_rows = m.other_currency_rows + excluded.other_currency_rows;

  delete from public.daily_metrics m
  using pg_temp.etl_groups g
  where g.removed and g.date <> all (coalesce(rebuild, '{}'))
    and m.workspace_id = workspace and m.date = g.date and m.campaign_id = g.campaign_id and m.offer_id = g.offer_id
    and m.geo = g.geo and m.source = g.source and m.network_campaign_id = g.network_campaign_id and m.creative_id = g.creative_id
    and m.registrations + m.deposits + m.chargebacks = 0 and m.other_currency_rows = 0
    and m.spend = 0 and m.impressions = 0 and m.ad_clicks = 0 and m.installs = 0 and m.clicks = 0 and m.unique_clicks = 0
    -- A clicks row of the group, even of zero clicks, keeps it (creative '' is the clicks' grain).
    and not (m.creative_id = '' and exists (
      select 1 from public.tw_clicks c
      where c.workspace_id = workspace and c.is_active and c.date = m.date and c.campaign_id = m.campaign_id
        and c.offer_id = m.offer_id and c.geo = m.geo and c.source = m.source and c.sub1 = m.network_campaign_id));

  perform private.refresh_daily_metrics(workspace, coalesce(rebuild, '{}'));
  drop table pg_temp.etl_groups;
end $$;

-- Ends a load's apply: brings the rollup up to date and marks the load done, in the
-- transaction its batches were applied in. `superseded`: the sum of etl_apply_batch's answers.
create function private.etl_stream_finish(load uuid, accepted bigint, rejected bigint, read bigint, superseded bigint, mapping jsonb)
returns public.etl_loads
language plpgsql
set search_path = ''
as $$
declare
  current public.etl_loads;
begin
  select * into current from public.etl_loads l where l.id = load for update;
  if current.status <> 'running' then
    raise exception 'Load % is %, not running', load, current.status using errcode = 'P0001';
  end if;
  if current.cancel_requested then
    raise exception 'Load % was cancelled', load using errcode = '57014';
  end if;
  if current.source = 'tw_events' then
    perform private.etl_apply_conversion_delta(current.workspace_id);
  else
    perform private.refresh_daily_metrics(current.workspace_id, array(select distinct d.day from pg_temp.etl_days d));
  end if;
  update public.etl_loads l
  set status = 'done', phase = null, finished_at = now(), backend_pid = null, rows_superseded = superseded,
    applied_seq = nextval('public.etl_apply_seq'), column_mapping = mapping,
    rows_accepted = accepted, rows_rejected = rejected, rows_read = read
  where l.id = load
  returning * into current;
  return current;
end $$;

-- As before (see 20261126080300), with inactive rows found through the history indexes.
create or replace function private.etl_reactivate(load public.etl_loads)
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
  analyze pg_temp.etl_keys;
  execute format('select array_agg(distinct %s) from public.%I f join pg_temp.etl_keys k on %s where f.workspace_id = $1 and f.is_active',
    fact.day_expr, fact.table_name, joined) into days using load.workspace_id;
  execute format('update public.%I f set is_active = false from pg_temp.etl_keys k where %s and f.workspace_id = $1 and f.is_active',
    fact.table_name, joined) using load.workspace_id;
  -- Every row of these keys is inactive now: the one of the load applied last comes back.
  execute format(
    'update public.%1$I f set is_active = true from (
       select distinct on (%2$s) f.ctid as row_ref from public.%1$I f
       join pg_temp.etl_keys k on %3$s
       join public.etl_loads l on l.id = f.load_id and l.status = ''done''
       where f.workspace_id = $1 and not f.is_active
       order by %2$s, l.applied_seq desc nulls last
     ) latest where f.ctid = latest.row_ref',
    fact.table_name, array_to_string(array(select format('f.%I', k) from unnest(fact.key_columns) k), ', '), joined
  ) using load.workspace_id;
  execute format('select array_agg(distinct %s) from public.%I f join pg_temp.etl_keys k on %s where f.workspace_id = $1 and f.is_active',
    fact.day_expr, fact.table_name, joined) into later using load.workspace_id;
  drop table pg_temp.etl_keys;
  return array(select distinct d from unnest(coalesce(days, '{}') || coalesce(later, '{}')) d);
end $$;

-- As before (see 20261126080300), but a running load is interrupted in any phase: all of it
-- is one transaction now, so interrupting it at any point leaves nothing behind. The row lock
-- makes a cancel wait for a load that is committing, so it never signals a session that has
-- moved on to other work.
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
  update public.etl_loads l set cancel_requested = true where l.id = load_id returning * into current;
  if current.status = 'running' and current.backend_pid is not null then
    perform pg_cancel_backend(current.backend_pid);
  end if;
  return current;
end $$;
