-- What the alert settings screen (#15) needs beyond the tables of 20261208140000: the caller's
-- effective rules (their own, else their role's default, which lives in the private schema),
-- a silence whose end the server computes (a phone's clock may be minutes off, and the table
-- refuses an end past created_at + 90 days), and the Slack webhook's masked form, so the app
-- never has to read the secret back once it is saved.

-- Each kind's rule for the caller in a workspace: their own row, or their role's default
-- (min_severity null: nothing is sent). `own` says which, for "reset to my role's default".
create function public.my_alert_rules(workspace uuid)
returns table (kind text, min_severity text, channels text[], own boolean)
language sql
stable
-- The defaults are private.default_alert_rule(); the caller's rows and role are read as theirs.
security definer
set search_path = ''
as $$
  select k.kind, coalesce(r.min_severity, d.min_severity), coalesce(r.channels, d.channels), r.kind is not null
  from public.workspace_members m
  cross join unnest('{cap,cap_reached,cap_forecast,payout_due,load_failed,data_stale}'::text[]) with ordinality k (kind, position)
  left join public.alert_rules r on r.workspace_id = m.workspace_id and r.user_id = m.user_id and r.kind = k.kind
  cross join lateral private.default_alert_rule(m.role, k.kind) d
  where m.workspace_id = my_alert_rules.workspace and m.user_id = auth.uid()
  order by k.position
$$;
revoke all on function public.my_alert_rules(uuid) from public, anon;
grant execute on function public.my_alert_rules(uuid) to authenticated;

-- Mutes a kind and/or subject for `duration` from now (the server's now), with a reason. Runs
-- as the caller: alert_silences' policies decide who may (read-only members may not).
create function public.add_alert_silence(workspace uuid, alert_kind text, subject text, duration interval, reason text)
returns public.alert_silences
language sql
security invoker
set search_path = ''
as $$
  insert into public.alert_silences (workspace_id, kind, subject_id, until, reason, created_at)
  values (workspace, alert_kind, subject, now() + duration, trim(reason), now())
  returning *
$$;
revoke all on function public.add_alert_silence(uuid, text, text, interval, text) from public, anon;
grant execute on function public.add_alert_silence(uuid, text, text, interval, text) to authenticated;

-- The webhook as the settings screen shows it once saved: its host and last 4 characters.
alter table public.alert_slack
  add column webhook_hint text generated always as (
    coalesce(substring(webhook_url from '^https?://[^/]+'), '') || '/…' || right(webhook_url, 4)
  ) stored;
