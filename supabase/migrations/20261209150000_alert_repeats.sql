-- Repeat interval (#15): an alert still firing that nobody acknowledged is told again, to the
-- same people on the same channels, every `alerts_repeat_after_minutes` of its workspace (4
-- hours by default, as Prometheus Alertmanager's repeat_interval; null: never). Each repeat is
-- a new round of outbox rows, so the delivery log keeps every message; acknowledging,
-- resolving or silencing the alert stops the repeats, and quiet hours hold them as they hold
-- the first message. Only warnings and critical alerts repeat (info, such as "payout due
-- tomorrow", is told once), and not to the team's Slack channel, which has the alert already.

alter table public.workspaces
  add column alert_repeat_after_minutes integer default 240 check (alert_repeat_after_minutes between 15 and 10080);

alter table public.alert_notifications
  -- 0: the message of the reason itself; n: its n-th repeat.
  add column round integer not null default 0 check (round >= 0),
  drop constraint alert_notifications_reason_check,
  add constraint alert_notifications_reason_check check (reason in ('fired', 'raised', 'escalated', 'repeated')),
  add constraint alert_notifications_once_per_round unique nulls not distinct (alert_id, user_id, channel, reason, severity, round);

-- The unique key without the round (its generated name is cut to 63 characters: found, not spelled).
do $$
declare
  key text;
begin
  select c.conname into strict key from pg_constraint c
  where c.conrelid = 'public.alert_notifications'::regclass and c.contype = 'u' and c.conname <> 'alert_notifications_once_per_round';
  execute format('alter table public.alert_notifications drop constraint %I', key);
end $$;

-- As 20261208140000's, with the round: a repeat is a new row for each person and channel.
drop function private.queue_alert_notifications(public.alerts, text, timestamptz);
create function private.queue_alert_notifications(alert public.alerts, why text, at timestamptz default now(), repeat_round integer default 0)
returns integer
language plpgsql
set search_path = ''
as $$
declare
  silenced boolean := private.alert_silenced(alert, at);
  queued integer;
  posted integer;
begin
  insert into public.alert_notifications (workspace_id, alert_id, user_id, channel, reason, severity, status, not_before, created_at, round)
  select alert.workspace_id, alert.id, m.user_id, channel, why, alert.severity,
    case when silenced then 'silenced' else 'queued' end,
    case when alert.severity = 'critical' then at else private.after_quiet_hours(p, at) end,
    at, queue_alert_notifications.repeat_round
  from public.workspace_members m
  join public.profiles p on p.user_id = m.user_id
  left join public.alert_rules r on r.workspace_id = m.workspace_id and r.user_id = m.user_id and r.kind = alert.kind
  cross join lateral private.default_alert_rule(m.role, alert.kind) d
  cross join lateral unnest(case when why = 'escalated' then '{web_push,native_push,telegram}'::text[] else coalesce(r.channels, d.channels) end) channel
  where m.workspace_id = alert.workspace_id
    and case when why = 'escalated' then m.role = 'admin'
      else private.severity_rank(alert.severity) >= private.severity_rank(coalesce(r.min_severity, d.min_severity, 'none')) end
  on conflict (alert_id, user_id, channel, reason, severity, round) do nothing;
  get diagnostics queued = row_count;

  insert into public.alert_notifications (workspace_id, alert_id, user_id, channel, reason, severity, status, not_before, created_at, round)
  select alert.workspace_id, alert.id, null, 'slack', why, alert.severity, case when silenced then 'silenced' else 'queued' end, at, at,
    queue_alert_notifications.repeat_round
  from public.alert_slack s
  where s.workspace_id = alert.workspace_id and s.enabled and why not in ('escalated', 'repeated')
    and private.severity_rank(alert.severity) >= private.severity_rank(s.min_severity)
    and (cardinality(s.kinds) = 0 or alert.kind = any (s.kinds))
  on conflict (alert_id, user_id, channel, reason, severity, round) do nothing;
  get diagnostics posted = row_count;
  return queued + posted;
end $$;
revoke all on function private.queue_alert_notifications(public.alerts, text, timestamptz, integer) from public, anon, authenticated;

-- Alerts due a repeat at `at`: firing, warning or critical, unacknowledged, and last told (fired,
-- raised or repeated — an escalation is the admins' and does not count) at least the
-- workspace's interval ago, but not more than a day before that. Run by the alerts job every minute.
create function private.repeat_alerts(at timestamptz default now(), workspace uuid default null)
returns integer
language plpgsql
set search_path = ''
as $$
declare
  due record;
  total integer := 0;
begin
  for due in
    select a as alert, last.round + 1 as round
    from public.alerts a
    join public.workspaces w on w.id = a.workspace_id
    cross join lateral (
      select max(n.created_at) as told_at, max(n.round) as round from public.alert_notifications n
      where n.alert_id = a.id and n.reason in ('fired', 'raised', 'repeated')
    ) last
    where (workspace is null or a.workspace_id = workspace)
      and a.status = 'firing' and a.severity in ('warning', 'critical') and a.acknowledged_at is null
      and w.alert_repeat_after_minutes is not null
      and last.told_at <= at - make_interval(mins => w.alert_repeat_after_minutes)
      -- A repeat the job missed by more than a day (it was not running) is not sent late.
      and last.told_at > at - make_interval(mins => w.alert_repeat_after_minutes) - interval '1 day'
  loop
    total := total + private.queue_alert_notifications(due.alert, 'repeated', at, due.round);
  end loop;
  return total;
end $$;
revoke all on function private.repeat_alerts(timestamptz, uuid) from public, anon, authenticated;

select cron.schedule('repeat-alerts', '* * * * *', 'select private.repeat_alerts()');

-- Escalation gets the same horizon (as 20261208140000's otherwise): an alert that went
-- unescalated for more than a day past its moment (the job was not running) is not escalated
-- late. It also keeps the minute job away from alerts dated long ago (imported history, test
-- fixtures), which only an explicit run at their own moment should escalate.
create or replace function private.escalate_alerts(at timestamptz default now(), workspace uuid default null)
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
      and coalesce(a.severity_raised_at, a.fired_at) > at - make_interval(mins => w.alert_escalate_after_minutes) - interval '1 day'
      and not exists (select 1 from public.alert_notifications n where n.alert_id = a.id and n.reason = 'escalated')
  loop
    total := total + private.queue_alert_notifications(alert, 'escalated', at);
  end loop;
  return total;
end $$;

-- The delivery's pace per destination (functions/notify/pacing.ts) reads the last minute's sends.
create index alert_notifications_sent_idx on public.alert_notifications (sent_at desc) where sent_at is not null;
