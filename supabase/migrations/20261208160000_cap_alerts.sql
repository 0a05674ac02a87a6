-- Cap alerts (#15): whenever a cap's usage is recounted (a load landing, the job every few
-- minutes, a manual action), its alerts follow, as alerts of the model in
-- 20261208130000_alerts.sql about the offer (and GEO, for a cap counted per GEO):
-- - `cap`: approaching — warning at the policy's warning threshold, critical at its critical
--   one (a rise notifies again);
-- - `cap_reached`: the limit is reached; it ends the approaching alert, so "reached" is told
--   and "95 %" is not told again (inhibition);
-- - `cap_forecast`: at the current pace along the intra-period curve, the cap runs out before
--   the period ends (trusted at confidence ≥ 0.5; not while the cap is reached or paused).
-- A new period, a raise above the usage, a pause, or the offer no longer capped end them.

create function private.cap_alerts_follow_usage()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  usage public.cap_usage := case when tg_op = 'DELETE' then old else new end;
  subject text := usage.offer_id::text || case when usage.geo = '' then '' else '/' || usage.geo end;
  at timestamptz := case when tg_op = 'DELETE' then now() else new.as_of end;
  offer public.offers;
  params jsonb;
begin
  if tg_op = 'DELETE' then
    perform private.resolve_alert(usage.workspace_id, kind, 'offer', subject, at) from unnest('{cap,cap_reached,cap_forecast}'::text[]) kind;
    return null;
  end if;
  select * into offer from public.offers o where o.id = usage.offer_id;
  params := jsonb_build_object(
    'offer', offer.name, 'offer_id', usage.offer_id, 'geo', nullif(usage.geo, ''), 'metric', usage.metric,
    'used', usage.used, 'limit', usage.effective_limit, 'percent', usage.percent, 'hard', usage.hard,
    'period', usage.period, 'period_start', usage.period_start, 'period_end', usage.period_end, 'time_zone', usage.time_zone,
    -- The period's first and last day in the cap's zone, as people read a period.
    'first_day', (usage.period_start at time zone usage.time_zone)::date,
    'last_day', ((usage.period_end at time zone usage.time_zone) - interval '1 microsecond')::date,
    'eta', usage.runs_out_at, 'confidence', usage.confidence, 'spend_at_risk', usage.spend_at_risk);

  if usage.status in ('warning', 'critical') then
    perform private.resolve_alert(usage.workspace_id, 'cap_reached', 'offer', subject, at);
    perform private.raise_alert(usage.workspace_id, 'cap', usage.status, 'offer', subject, params, offer.program_id::text, at);
  elsif usage.status = 'reached' then
    perform private.resolve_alert(usage.workspace_id, 'cap', 'offer', subject, at);
    perform private.raise_alert(usage.workspace_id, 'cap_reached', 'critical', 'offer', subject, params, offer.program_id::text, at);
  else
    perform private.resolve_alert(usage.workspace_id, kind, 'offer', subject, at) from unnest('{cap,cap_reached}'::text[]) kind;
  end if;

  if usage.status in ('ok', 'warning', 'critical') and usage.runs_out_at is not null and usage.confidence >= 0.5
    and usage.runs_out_at > usage.as_of and (usage.period_end is null or usage.runs_out_at < usage.period_end) then
    perform private.raise_alert(usage.workspace_id, 'cap_forecast', 'warning', 'offer', subject, params, offer.program_id::text, at);
  else
    perform private.resolve_alert(usage.workspace_id, 'cap_forecast', 'offer', subject, at);
  end if;
  return null;
end $$;

create trigger cap_alerts_follow_usage after insert or update or delete on public.cap_usage
  for each row execute function private.cap_alerts_follow_usage();

-- Usage rows written before this trigger existed get their alerts at their next recount.
