-- Alerts (#15, part 1): one model every kind of alert goes through — caps (next, on the cap
-- usage model), payouts, failed loads, data that stopped coming, and the rules issue's kinds
-- later. An alert is a condition about a subject: the same kind and subject is the same alert
-- (its fingerprint), so a condition seen again and again stays one alert, firing until it
-- ends (resolved). Delivery (push, Telegram, Slack, email), who gets what, silences, quiet
-- hours and escalation are part 2; they read this table.
--
-- Alerts are written only by the server (evaluation below, and triggers where data lands);
-- members read their workspace's and acknowledge them (who saw it, and when).

alter table public.workspaces
  -- Hours without a new load of a source after which its data counts as stale; null: no such alert.
  add column alert_stale_after_hours integer default 26 check (alert_stale_after_hours between 1 and 720);

create table public.alerts (
  id uuid primary key default gen_random_uuid(),
  workspace_id uuid not null references public.workspaces (id) on delete cascade,
  kind text not null check (kind in ('cap', 'cap_reached', 'cap_forecast', 'payout_due', 'load_failed', 'data_stale')),
  severity text not null check (severity in ('info', 'warning', 'critical')),
  -- What the alert is about: an offer, a program, a load, a source of data.
  subject_type text not null check (subject_type in ('offer', 'program', 'load', 'source')),
  subject_id text not null check (length(subject_id) between 1 and 200),
  fingerprint text not null generated always as (kind || ':' || subject_type || ':' || subject_id) stored,
  -- Alerts that go out as one message (several offers of one program): the program's id.
  group_key text,
  -- What the message says, as values (the app and every channel word it in the person's
  -- language): e.g. {"file_name": …, "error": …} of a failed load.
  params jsonb not null default '{}' check (jsonb_typeof(params) = 'object'),
  status text not null default 'firing' check (status in ('firing', 'resolved')),
  fired_at timestamptz not null default now(),
  -- The last time the condition was seen to hold; a raise of the same severity moves only this.
  last_seen_at timestamptz not null default now(),
  -- When the severity last rose (a rise notifies again; the same severity never does).
  severity_raised_at timestamptz,
  resolved_at timestamptz,
  acknowledged_at timestamptz,
  acknowledged_by uuid references auth.users (id) on delete set null,
  unique (workspace_id, id),
  check ((status = 'resolved') = (resolved_at is not null))
);
-- One firing alert per condition: the fingerprint's guard.
create unique index alerts_firing_idx on public.alerts (workspace_id, fingerprint) where status = 'firing';
create index alerts_recent_idx on public.alerts (workspace_id, fired_at desc);

alter table public.alerts enable row level security;
revoke all on public.alerts from anon;
revoke insert, update, delete, truncate on public.alerts from authenticated;
create policy "members read their workspace's alerts" on public.alerts
  for select to authenticated using (private.has_role(workspace_id, private.all_roles()));
alter publication supabase_realtime add table public.alerts;

create function private.severity_rank(severity text)
returns integer
language sql
immutable
set search_path = ''
as $$ select case severity when 'info' then 1 when 'warning' then 2 when 'critical' then 3 end $$;

-- Raises an alert, or keeps the one firing for the same condition: its params and last
-- sighting move, and its severity only rises (a rise is stamped; part 2 notifies on it).
create function private.raise_alert(
  workspace uuid, alert_kind text, alert_severity text, alert_subject_type text, alert_subject_id text,
  alert_params jsonb default '{}', alert_group text default null, at timestamptz default now()
)
returns public.alerts
language plpgsql
set search_path = ''
as $$
declare
  current public.alerts;
begin
  insert into public.alerts as a (workspace_id, kind, severity, subject_type, subject_id, group_key, params, fired_at, last_seen_at)
  values (workspace, alert_kind, alert_severity, alert_subject_type, alert_subject_id, alert_group, coalesce(alert_params, '{}'), at, at)
  on conflict (workspace_id, fingerprint) where status = 'firing' do update set
    params = excluded.params,
    group_key = excluded.group_key,
    last_seen_at = greatest(a.last_seen_at, excluded.last_seen_at),
    severity = case when private.severity_rank(excluded.severity) > private.severity_rank(a.severity) then excluded.severity else a.severity end,
    severity_raised_at = case when private.severity_rank(excluded.severity) > private.severity_rank(a.severity) then excluded.last_seen_at else a.severity_raised_at end
  returning * into current;
  return current;
end $$;

-- Ends the firing alert of a condition, if there is one.
create function private.resolve_alert(workspace uuid, alert_kind text, alert_subject_type text, alert_subject_id text, at timestamptz default now())
returns void
language sql
set search_path = ''
as $$
  update public.alerts a set status = 'resolved', resolved_at = greatest(at, a.fired_at)
  where a.workspace_id = workspace and a.status = 'firing'
    and a.fingerprint = alert_kind || ':' || alert_subject_type || ':' || alert_subject_id
$$;
revoke all on function private.raise_alert(uuid, text, text, text, text, jsonb, text, timestamptz) from public, anon, authenticated;
revoke all on function private.resolve_alert(uuid, text, text, text, timestamptz) from public, anon, authenticated;

-- "I have seen it": every role that works in the workspace; read-only members only look. The
-- first acknowledgement stays (who saw it first is what escalation asks).
create function public.acknowledge_alert(alert_id uuid)
returns public.alerts
language plpgsql
security definer
set search_path = ''
as $$
declare
  current public.alerts;
begin
  select * into current from public.alerts a where a.id = alert_id;
  if current.id is null or not private.has_role(current.workspace_id, private.all_roles()) then
    raise exception 'This alert does not exist' using errcode = 'P0002';
  end if;
  if not private.has_role(current.workspace_id, '{media_buyer,affiliate_manager,finance,admin}') then
    raise exception 'Read-only members cannot acknowledge alerts' using errcode = '42501';
  end if;
  update public.alerts a set acknowledged_at = coalesce(a.acknowledged_at, now()), acknowledged_by = coalesce(a.acknowledged_by, auth.uid())
  where a.id = alert_id returning * into current;
  return current;
end $$;
revoke all on function public.acknowledge_alert(uuid) from public, anon;
grant execute on function public.acknowledge_alert(uuid) to authenticated;

-- A load that failed is an alert about that load; a later load of the same source that is
-- done ends it (the data got in after all). Raised where the status changes, so it is there
-- the moment the load ends.
create function private.alert_on_load_status()
returns trigger
language plpgsql
-- Whoever moved the load (the ETL, the reaper, a cancel) may not write alerts themselves.
security definer
set search_path = ''
as $$
begin
  if new.status = 'failed' and old.status is distinct from 'failed' then
    perform private.raise_alert(new.workspace_id, 'load_failed', 'warning', 'load', new.id::text,
      jsonb_build_object('file_name', new.file_name, 'source', new.source, 'error', new.error_summary),
      null, coalesce(new.finished_at, now()));
  elsif new.status = 'done' and old.status is distinct from 'done' then
    update public.alerts a set status = 'resolved', resolved_at = greatest(coalesce(new.finished_at, now()), a.fired_at)
    where a.workspace_id = new.workspace_id and a.kind = 'load_failed' and a.status = 'firing'
      and a.params ->> 'source' = new.source::text and a.fired_at <= coalesce(new.finished_at, now());
  end if;
  return null;
end $$;
create trigger alert_on_load_status after update of status on public.etl_loads
  for each row execute function private.alert_on_load_status();

-- The conditions that hold or end with time rather than with a write: data that stopped
-- coming, payouts due tomorrow. `at` is the moment judged (tests pass one; the job, now).
create function private.evaluate_alerts(at timestamptz default now(), workspace uuid default null)
returns void
language plpgsql
set search_path = ''
as $$
declare
  item record;
begin
  -- A source whose last done load finished longer ago than the workspace allows. Only
  -- sources the workspace has ever loaded: a team without spend files gets no spend alert.
  for item in
    select w.id as workspace_id, l.source::text as source, max(l.finished_at) as last_at, w.alert_stale_after_hours as hours
    from public.workspaces w
    join public.etl_loads l on l.workspace_id = w.id and l.status = 'done'
    where (workspace is null or w.id = workspace)
    group by w.id, l.source
  loop
    if item.hours is not null and item.last_at < at - make_interval(hours => item.hours) then
      perform private.raise_alert(item.workspace_id, 'data_stale', 'warning', 'source', item.source,
        jsonb_build_object('source', item.source, 'last_load_at', item.last_at, 'hours', item.hours), null, at);
    else
      perform private.resolve_alert(item.workspace_id, 'data_stale', 'source', item.source, at);
    end if;
  end loop;

  -- A program whose next payout falls tomorrow in its own time zone; once that day has passed
  -- (or the terms changed), the alert ends.
  for item in
    select p.id, p.workspace_id, p.name, p.time_zone, next.payout_date, next.period_start, next.period_end,
      (at at time zone p.time_zone)::date as today
    from public.affiliate_programs p
    left join lateral private.payout_calendar(p.payout_schedule, p.payout_weekdays, p.hold_days,
      (at at time zone p.time_zone)::date, 1) next on true
    where workspace is null or p.workspace_id = workspace
  loop
    if item.payout_date = item.today + 1 then
      perform private.raise_alert(item.workspace_id, 'payout_due', 'info', 'program', item.id::text,
        jsonb_build_object('program', item.name, 'payout_date', item.payout_date, 'period_start', item.period_start,
          'period_end', item.period_end, 'time_zone', item.time_zone), item.id::text, at);
    elsif not exists (
      select 1 from public.alerts a
      where a.workspace_id = item.workspace_id and a.status = 'firing' and a.kind = 'payout_due' and a.subject_id = item.id::text
        and (a.params ->> 'payout_date')::date >= item.today
    ) then
      perform private.resolve_alert(item.workspace_id, 'payout_due', 'program', item.id::text, at);
    end if;
  end loop;
end $$;
revoke all on function private.evaluate_alerts(timestamptz, uuid) from public, anon, authenticated;

-- Every minute: a payout alert appears within a minute of the program's midnight.
select cron.schedule('evaluate-alerts', '* * * * *', 'select private.evaluate_alerts()');
