-- Who is told of which alert, on which channel, and when (#15): the notification side of the
-- alerts model (20261208130000_alerts.sql). When an alert fires, or its severity rises, one
-- row per person and channel goes into an outbox, `alert_notifications`, which the delivery
-- function (web push, native push, Telegram, Slack, email) works through and logs in. What
-- decides the rows:
-- - each person's rules per kind (minimum severity, channels), or their role's defaults;
-- - silences (a kind and/or subject muted until a moment, with a reason): the row is kept,
--   marked silenced, so the log says why nobody was told;
-- - quiet hours in the person's own time zone: a row that is not critical waits for their end;
-- - escalation: a critical alert nobody acknowledged within the workspace's setting is sent
--   to its admins once.
-- The same alert never notifies a person twice on one channel for the same reason and severity.

-- Channels a person may be told on. The alert centre (in the app) is always on; Slack is the
-- workspace's channel, not a person's (alert_slack below).
create function private.alert_channels()
returns text[]
language sql
immutable
set search_path = ''
as $$ select '{web_push,native_push,telegram,email}'::text[] $$;

alter table public.workspaces
  -- Minutes a critical alert may stay unacknowledged before the workspace's admins are told; null: never.
  add column alert_escalate_after_minutes integer default 30 check (alert_escalate_after_minutes between 1 and 10080);

alter table public.profiles
  -- Quiet hours, local times in the profile's time zone (start > end spans midnight); both null: none.
  add column quiet_hours_start time,
  add column quiet_hours_end time,
  add constraint profiles_quiet_hours_check check (
    (quiet_hours_start is null and quiet_hours_end is null)
    or (quiet_hours_start is not null and quiet_hours_end is not null and quiet_hours_start <> quiet_hours_end));

-- A person's own choice for one kind of alert in one workspace; without a row, their role's default.
-- Keyed to the membership only (not to workspaces as well): a table with keys to both would
-- join them a second way, and PostgREST would no longer know how workspace_members embeds
-- workspaces (the app's workspace list). A membership's end takes its rules with it.
create table public.alert_rules (
  workspace_id uuid not null,
  user_id uuid not null references auth.users (id) on delete cascade,
  kind text not null check (kind in ('cap', 'cap_reached', 'cap_forecast', 'payout_due', 'load_failed', 'data_stale')),
  -- Alerts below it are not sent (they still show in the alert centre).
  min_severity text not null default 'warning' check (min_severity in ('info', 'warning', 'critical')),
  channels text[] not null default '{}' check (channels <@ private.alert_channels()),
  updated_at timestamptz not null default now(),
  primary key (workspace_id, user_id, kind),
  foreign key (workspace_id, user_id) references public.workspace_members (workspace_id, user_id) on delete cascade
);
alter table public.alert_rules enable row level security;
revoke all on public.alert_rules from anon;
create policy "people read their own alert rules" on public.alert_rules
  for select to authenticated using (user_id = auth.uid() and private.has_role(workspace_id, private.all_roles()));
create policy "people add their own alert rules" on public.alert_rules
  for insert to authenticated with check (user_id = auth.uid() and private.has_role(workspace_id, private.all_roles()));
create policy "people change their own alert rules" on public.alert_rules
  for update to authenticated using (user_id = auth.uid()) with check (user_id = auth.uid() and private.has_role(workspace_id, private.all_roles()));
create policy "people remove their own alert rules" on public.alert_rules
  for delete to authenticated using (user_id = auth.uid());
create trigger touch_updated_at before update on public.alert_rules
  for each row execute function private.touch_updated_at();

-- What a role gets without rules of its own: buyers their caps and their data, affiliate
-- managers caps and payouts, finance payouts, admins everything from warning up; read-only
-- members nothing unless they ask. Push first; other channels once the person links them.
create function private.default_alert_rule(role public.member_role, alert_kind text, out min_severity text, out channels text[])
returns record
language sql
immutable
set search_path = ''
as $$
  select r.min_severity, case when r.min_severity is null then '{}'::text[] else '{web_push,native_push,telegram}'::text[] end
  from (select case
    when role = 'admin' then 'warning'
    when role = 'media_buyer' and alert_kind in ('cap', 'cap_reached', 'cap_forecast', 'load_failed', 'data_stale') then 'warning'
    when role = 'affiliate_manager' and alert_kind in ('cap', 'cap_reached', 'cap_forecast') then 'warning'
    when role = 'affiliate_manager' and alert_kind = 'payout_due' then 'info'
    when role = 'finance' and alert_kind = 'payout_due' then 'info'
  end as min_severity) r
$$;

-- A kind and/or subject muted until a moment; the alerts still show, nobody is told.
create table public.alert_silences (
  id uuid primary key default gen_random_uuid(),
  workspace_id uuid not null references public.workspaces (id) on delete cascade,
  -- Null: every kind (of the subject).
  kind text check (kind in ('cap', 'cap_reached', 'cap_forecast', 'payout_due', 'load_failed', 'data_stale')),
  -- Null: every subject (of the kind); both null is not allowed: mute the workspace by rules instead.
  subject_id text check (length(subject_id) between 1 and 200),
  until timestamptz not null,
  reason text not null check (length(trim(reason)) between 1 and 500),
  created_by uuid references auth.users (id) on delete set null,
  created_at timestamptz not null default now(),
  unique (workspace_id, id),
  check (kind is not null or subject_id is not null),
  check (until > created_at and until <= created_at + interval '90 days')
);
create index alert_silences_active_idx on public.alert_silences (workspace_id, until);
alter table public.alert_silences enable row level security;
revoke all on public.alert_silences from anon;
revoke update on public.alert_silences from authenticated;
create trigger stamp_authorship before insert on public.alert_silences
  for each row execute function private.stamp_authorship('created_by:author');
create policy "members read their workspace's silences" on public.alert_silences
  for select to authenticated using (private.has_role(workspace_id, private.all_roles()));
create policy "members who act on alerts add silences" on public.alert_silences
  for insert to authenticated with check (private.has_role(workspace_id, '{media_buyer,affiliate_manager,finance,admin}'));
create policy "the author or an admin lifts a silence" on public.alert_silences
  for delete to authenticated using (
    (created_by = auth.uid() and private.has_role(workspace_id, '{media_buyer,affiliate_manager,finance,admin}'))
    or private.has_role(workspace_id, '{admin}'));
select private.enable_audit('public.alert_silences');

-- The team's Slack channel, through a Slack incoming webhook
-- (https://api.slack.com/messaging/webhooks). A workspace has at most one enabled; its URL is a
-- secret (anyone holding it can post to the channel), so only the workspace's admins see or
-- change it. An alert that fires or rises queues one message for the channel (user_id null in
-- the outbox), beside the people's own.
create table public.alert_slack (
  id uuid primary key default gen_random_uuid(),
  workspace_id uuid not null references public.workspaces (id) on delete cascade,
  -- The delivery function posts only to URLs under SLACK_WEBHOOK_ORIGIN (Slack's own host by
  -- default), whatever is stored here.
  webhook_url text not null check (webhook_url ~ '^https?://' and length(webhook_url) <= 500),
  min_severity text not null default 'warning' check (min_severity in ('info', 'warning', 'critical')),
  -- Kinds posted; empty: every kind.
  kinds text[] not null default '{}' check (kinds <@ '{cap,cap_reached,cap_forecast,payout_due,load_failed,data_stale}'),
  -- The channel's language and the zone its moments are given in.
  locale text not null default 'ru' check (locale in ('ru', 'en')),
  time_zone text not null default 'Europe/Moscow' check (now() at time zone time_zone is not null),
  enabled boolean not null default true,
  updated_at timestamptz not null default now()
);
-- One enabled channel per workspace; others are kept switched off.
create unique index alert_slack_enabled_idx on public.alert_slack (workspace_id) where enabled;
alter table public.alert_slack enable row level security;
revoke all on public.alert_slack from anon;
create policy "admins see their workspace's Slack channel" on public.alert_slack
  for select to authenticated using (private.has_role(workspace_id, '{admin}'));
create policy "admins set their workspace's Slack channel" on public.alert_slack
  for insert to authenticated with check (private.has_role(workspace_id, '{admin}'));
create policy "admins change their workspace's Slack channel" on public.alert_slack
  for update to authenticated using (private.has_role(workspace_id, '{admin}')) with check (private.has_role(workspace_id, '{admin}'));
create policy "admins remove their workspace's Slack channel" on public.alert_slack
  for delete to authenticated using (private.has_role(workspace_id, '{admin}'));
create trigger touch_updated_at before update on public.alert_slack
  for each row execute function private.touch_updated_at();
select private.enable_audit('public.alert_slack');

-- The outbox and delivery log: one row per person, channel and reason an alert gave.
create table public.alert_notifications (
  id uuid primary key default gen_random_uuid(),
  workspace_id uuid not null,
  alert_id uuid not null,
  -- Null for a message to the workspace's own channel (Slack).
  user_id uuid references auth.users (id) on delete cascade,
  channel text not null check (channel = any (private.alert_channels() || '{slack}'::text[])),
  -- fired: the alert began; raised: its severity rose; escalated: critical and unacknowledged, to an admin.
  reason text not null check (reason in ('fired', 'raised', 'escalated')),
  severity text not null check (severity in ('info', 'warning', 'critical')),
  -- queued: to send from not_before; silenced: a silence held it (kept for the log); sent, failed:
  -- delivery's answer; skipped: not sent, and why (the channel is not linked, the alert ended first).
  status text not null default 'queued' check (status in ('queued', 'silenced', 'sent', 'failed', 'skipped')),
  not_before timestamptz not null default now(),
  attempts integer not null default 0,
  last_error text,
  created_at timestamptz not null default now(),
  sent_at timestamptz,
  foreign key (workspace_id, alert_id) references public.alerts (workspace_id, id) on delete cascade,
  check ((channel = 'slack') = (user_id is null)),
  unique nulls not distinct (alert_id, user_id, channel, reason, severity)
);
create index alert_notifications_due_idx on public.alert_notifications (not_before) where status = 'queued';
create index alert_notifications_user_idx on public.alert_notifications (user_id, created_at desc);
alter table public.alert_notifications enable row level security;
revoke all on public.alert_notifications from anon;
revoke insert, update, delete, truncate on public.alert_notifications from authenticated;
create policy "people read what they were sent, admins the workspace's" on public.alert_notifications
  for select to authenticated using (
    (user_id = auth.uid() and private.has_role(workspace_id, private.all_roles())) or private.has_role(workspace_id, '{admin}'));

-- The end of a person's quiet hours when `at` falls in them, else `at`.
create function private.after_quiet_hours(person public.profiles, at timestamptz)
returns timestamptz
language plpgsql
stable
set search_path = ''
as $$
declare
  local timestamp := at at time zone person.time_zone;
  clock time := local::time;
  ends timestamp;
begin
  if person.quiet_hours_start is null then
    return at;
  end if;
  if person.quiet_hours_start < person.quiet_hours_end then
    if clock >= person.quiet_hours_start and clock < person.quiet_hours_end then
      ends := local::date + person.quiet_hours_end;
    end if;
  elsif clock >= person.quiet_hours_start then
    ends := local::date + 1 + person.quiet_hours_end;
  elsif clock < person.quiet_hours_end then
    ends := local::date + person.quiet_hours_end;
  end if;
  -- Local wall time back to a moment (a DST gap moves it forward, as PostgreSQL does).
  return coalesce(ends at time zone person.time_zone, at);
end $$;

-- Whether a silence holds the alert at `at`.
create function private.alert_silenced(alert public.alerts, at timestamptz)
returns boolean
language sql
stable
set search_path = ''
as $$
  select exists (
    select 1 from public.alert_silences s
    where s.workspace_id = alert.workspace_id and s.until > at and s.created_at <= at
      and (s.kind is null or s.kind = alert.kind) and (s.subject_id is null or s.subject_id = alert.subject_id))
$$;

-- Queues what an alert's firing (or rise, or escalation) tells each person it concerns, and the
-- workspace's Slack channel one message per alert that fires or rises at or above its severity
-- (escalations go to the admins only, not the channel).
create function private.queue_alert_notifications(alert public.alerts, why text, at timestamptz default now())
returns integer
language plpgsql
set search_path = ''
as $$
declare
  silenced boolean := private.alert_silenced(alert, at);
  queued integer;
  posted integer;
begin
  insert into public.alert_notifications (workspace_id, alert_id, user_id, channel, reason, severity, status, not_before, created_at)
  select alert.workspace_id, alert.id, m.user_id, channel, why, alert.severity,
    case when silenced then 'silenced' else 'queued' end,
    case when alert.severity = 'critical' then at else private.after_quiet_hours(p, at) end,
    at
  from public.workspace_members m
  join public.profiles p on p.user_id = m.user_id
  left join public.alert_rules r on r.workspace_id = m.workspace_id and r.user_id = m.user_id and r.kind = alert.kind
  cross join lateral private.default_alert_rule(m.role, alert.kind) d
  cross join lateral unnest(case when why = 'escalated' then '{web_push,native_push,telegram}'::text[] else coalesce(r.channels, d.channels) end) channel
  where m.workspace_id = alert.workspace_id
    and case when why = 'escalated' then m.role = 'admin'
      else private.severity_rank(alert.severity) >= private.severity_rank(coalesce(r.min_severity, d.min_severity, 'none')) end
  on conflict (alert_id, user_id, channel, reason, severity) do nothing;
  get diagnostics queued = row_count;

  insert into public.alert_notifications (workspace_id, alert_id, user_id, channel, reason, severity, status, not_before, created_at)
  select alert.workspace_id, alert.id, null, 'slack', why, alert.severity, case when silenced then 'silenced' else 'queued' end, at, at
  from public.alert_slack s
  where s.workspace_id = alert.workspace_id and s.enabled and why <> 'escalated'
    and private.severity_rank(alert.severity) >= private.severity_rank(s.min_severity)
    and (cardinality(s.kinds) = 0 or alert.kind = any (s.kinds))
  on conflict (alert_id, user_id, channel, reason, severity) do nothing;
  get diagnostics posted = row_count;
  return queued + posted;
end $$;
revoke all on function private.queue_alert_notifications(public.alerts, text, timestamptz) from public, anon, authenticated;

-- An alert that begins, or whose severity rises, tells people at once (in the transaction that raised it).
create function private.notify_on_alert()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  if tg_op = 'INSERT' and new.status = 'firing' then
    perform private.queue_alert_notifications(new, 'fired', new.fired_at);
  elsif tg_op = 'UPDATE' and new.status = 'firing' and new.severity_raised_at is distinct from old.severity_raised_at then
    perform private.queue_alert_notifications(new, 'raised', new.severity_raised_at);
  end if;
  return null;
end $$;
create trigger notify_on_alert after insert or update of severity, severity_raised_at on public.alerts
  for each row execute function private.notify_on_alert();

-- Critical alerts nobody acknowledged in time go to the admins, once. Run by the alerts job.
create function private.escalate_alerts(at timestamptz default now(), workspace uuid default null)
returns integer
language plpgsql
set search_path = ''
as $$
declare
  alert public.alerts;
  total integer := 0;
begin
  for alert in
    select a.* from public.alerts a join public.workspaces w on w.id = a.workspace_id
    where (workspace is null or a.workspace_id = workspace)
      and a.status = 'firing' and a.severity = 'critical' and a.acknowledged_at is null
      and w.alert_escalate_after_minutes is not null
      and coalesce(a.severity_raised_at, a.fired_at) <= at - make_interval(mins => w.alert_escalate_after_minutes)
      and not exists (select 1 from public.alert_notifications n where n.alert_id = a.id and n.reason = 'escalated')
  loop
    total := total + private.queue_alert_notifications(alert, 'escalated', at);
  end loop;
  return total;
end $$;
revoke all on function private.escalate_alerts(timestamptz, uuid) from public, anon, authenticated;

-- The alerts job escalates too.
select cron.schedule('escalate-alerts', '* * * * *', 'select private.escalate_alerts()');
