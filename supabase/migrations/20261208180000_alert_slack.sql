-- Alerts to the team's Slack channel (#15), through a Slack incoming webhook
-- (https://api.slack.com/messaging/webhooks). A workspace has at most one enabled; its URL is a secret
-- (anyone holding it can post to the channel), so only the workspace's admins see or change it.
-- An alert that fires or rises queues one message for the channel (user_id null in the
-- outbox), beside the people's own.

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

-- As before (20261208140000), and the workspace's Slack channel gets one message per alert that
-- fires or rises at or above its severity (escalations go to the admins only, not the channel).
create or replace function private.queue_alert_notifications(alert public.alerts, why text, at timestamptz default now())
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
