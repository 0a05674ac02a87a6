-- The confidence shown beside a cap's forecast ("runs out ≈ 15:40, confidence 0.7") now says
-- how much the forecast can be trusted at this moment, not only how good the period's curve is
-- (#15). A back-test on the demo data (`npm run bench -- forecast`) found every forecast at
-- ≥ 0.6 whether it was made at 06:00 from a handful of conversions (median error 173 min) or at
-- 15:00 (65 min): the curve's quality does not change during the day, the evidence does. The
-- confidence is now the curve's back-tested quality times 1 − 1/√n, n the events counted so far
-- in the period (the relative error of a pace read from n Poisson events); 0 without a forecast.
-- As 20261208120000's otherwise.

create or replace function private.refresh_cap_usage(workspace uuid, at timestamptz default now(), only_offer uuid default null, curves boolean default true)
returns void
language plpgsql
security definer
set search_path = ''
as $$
declare
  stamp timestamptz := clock_timestamp();
begin
  perform pg_advisory_xact_lock(hashtextextended('cap_usage ' || workspace, 0));
  if curves then
    perform private.refresh_cap_curves(workspace, at, only_offer);
  end if;

  insert into public.cap_usage as u (
    workspace_id, offer_id, cap_policy_id, geo, metric, event_type, period, time_zone, period_start, period_end,
    used, cap_limit, effective_limit, percent, status, hard, expected_total, runs_out_at, confidence, curve_source,
    spend_at_risk, as_of, refreshed_at
  )
  with caps as (
    select * from private.capped_offers(workspace, at, only_offer)
  ),
  base as (select w.base_currency from public.workspaces w where w.id = workspace),
  -- The period's facts are read once for all the caps (from the earliest start) and joined to
  -- the offers their mappings attribute them to.
  counted as (
    select c.offer_id, case when c.scope = 'geo' then e.geo else '' end as geo,
      sum(case when c.metric = 'conversions' then 1 else coalesce(e.payout, 0) end) as used,
      count(*) as events
    from public.tw_events e
    cross join base
    join private.cap_mappings(workspace) m
      on m.tw_offer_id = e.offer_id and private.mapping_covers(m.tw_offer_id, m.link_title, e.offer_id, e.link_title)
    join caps c on c.offer_id = m.offer_id and c.metric <> 'clicks'
      and e.event_time >= c.period_start and e.event_time < least(c.period_end, at)
      and (c.event_type is null or e.event_type = c.event_type)
      and (c.metric = 'conversions' or coalesce(e.currency, base.base_currency) = base.base_currency)
    where e.workspace_id = workspace and e.is_active and e.event_time < at
      and e.event_time >= (select min(f.period_start) from caps f where f.metric <> 'clicks')
    group by 1, 2
    union all
    -- Clicks come per day: a day counts in the period its date falls in, read in the cap's zone.
    select c.offer_id, case when c.scope = 'geo' then k.geo else '' end, sum(k.clicks), sum(k.clicks)
    from public.tw_clicks k
    join private.cap_mappings(workspace) m
      on m.tw_offer_id = k.offer_id and private.mapping_covers(m.tw_offer_id, m.link_title, k.offer_id, k.link_title)
    join caps c on c.offer_id = m.offer_id and c.metric = 'clicks'
      and k.date >= (c.period_start at time zone c.zone)::date
      and k.date <= (at at time zone c.zone)::date
      and (c.period_end is null or k.date < (c.period_end at time zone c.zone)::date)
    where k.workspace_id = workspace and k.is_active
      and k.date >= (select min((f.period_start at time zone f.zone)::date) from caps f where f.metric = 'clicks')
    group by 1, 2
  ),
  -- A per-GEO cap has a row for each GEO of its terms and each GEO with data in the period.
  targets as (
    select c.offer_id, '' as geo from caps c where c.scope = 'offer'
    union
    select c.offer_id, g.geo from caps c cross join unnest(c.geos) g (geo) where c.scope = 'geo'
    union
    select n.offer_id, n.geo from counted n join caps c using (offer_id) where c.scope = 'geo'
  ),
  manual as (
    select a.offer_id, a.geo,
      (array_agg(a.new_limit order by a.id desc) filter (where a.action in ('raise', 'reset')))[1] as raised_limit,
      coalesce((array_agg(a.action order by a.id desc) filter (where a.action in ('pause', 'resume')))[1] = 'pause', false) as paused
    from caps c
    join public.cap_actions a on a.offer_id = c.offer_id and a.cap_policy_id = c.cap_policy_id and a.period_start = c.period_start
    group by 1, 2
  ),
  spend as (
    select c.offer_id, case when c.scope = 'geo' then d.geo else '' end as geo, sum(d.spend) / 7 as daily
    from caps c
    join public.offer_mapping m on m.offer_id = c.offer_id and m.is_active and m.link_title is null
    join public.daily_metrics d on d.workspace_id = workspace and d.offer_id = m.tw_offer_id
      and d.date >= (at at time zone 'UTC')::date - 7 and d.date < (at at time zone 'UTC')::date
    group by 1, 2
  ),
  measured as (
    select c.*, t.geo, coalesce(n.used, 0) as used, coalesce(n.events, 0) as events,
      coalesce(mn.raised_limit, c.cap_limit) as effective_limit, coalesce(mn.paused, false) as paused,
      k.source as curve_source, k.curve, coalesce(k.confidence, 0) as confidence,
      exists (select from public.offer_mapping m where m.offer_id = c.offer_id and m.is_active and m.link_title is null) as spend_known,
      coalesce(s.daily, 0) as daily_spend,
      private.cap_curve_at(k.curve,
        (extract(epoch from at - c.period_start) / extract(epoch from c.period_end - c.period_start))::numeric) as share_so_far
    from caps c
    join targets t using (offer_id)
    left join counted n on n.offer_id = c.offer_id and n.geo = t.geo
    left join manual mn on mn.offer_id = c.offer_id and mn.geo = t.geo
    left join private.cap_curves k on k.offer_id = c.offer_id and k.cap_policy_id = c.cap_policy_id and k.period_start = c.period_start
      and k.curve is not null
    left join spend s on s.offer_id = c.offer_id and s.geo = t.geo
  ),
  forecast as (
    select m.*, e.expected_total,
      case when m.used < m.effective_limit and e.expected_total >= m.effective_limit then
        m.period_start + (m.period_end - m.period_start) * private.cap_curve_reaches(m.curve, m.effective_limit / e.expected_total)::double precision
      end as runs_out_at
    from measured m
    cross join lateral (
      select case when m.share_so_far > 0 then greatest(m.used, round(m.used / m.share_so_far, 2)) end as expected_total
    ) e
  )
  select workspace, f.offer_id, f.cap_policy_id, f.geo, f.metric, f.event_type, f.period, f.zone, f.period_start, f.period_end,
    f.used, f.cap_limit, f.effective_limit, round(f.used * 100 / f.effective_limit, 2),
    private.cap_status(f.used, f.effective_limit, f.warning_percent, f.critical_percent, f.paused), f.hard,
    f.expected_total, f.runs_out_at,
    -- The curve's back-tested quality, times what the counts so far can tell: n events pin the
    -- pace to about 1/sqrt(n) (Poisson), so a forecast from the first few of the morning says so.
    case when f.curve is null then 0
      else round(f.confidence * greatest(0, 1 - 1 / sqrt(greatest(f.events, 1)::numeric)), 2) end,
    coalesce(f.curve_source, 'none'),
    case
      when not f.spend_known or f.period_end is null then null
      when f.used >= f.effective_limit then round(f.daily_spend * (extract(epoch from f.period_end - at) / 86400)::numeric, 2)
      when f.runs_out_at is not null then round(f.daily_spend * (extract(epoch from f.period_end - f.runs_out_at) / 86400)::numeric, 2)
      else 0 end,
    at, stamp
  from forecast f
  on conflict (offer_id, geo) do update set
    workspace_id = excluded.workspace_id, cap_policy_id = excluded.cap_policy_id, metric = excluded.metric,
    event_type = excluded.event_type, period = excluded.period, time_zone = excluded.time_zone,
    period_start = excluded.period_start, period_end = excluded.period_end, used = excluded.used,
    cap_limit = excluded.cap_limit, effective_limit = excluded.effective_limit, percent = excluded.percent,
    status = excluded.status, hard = excluded.hard, expected_total = excluded.expected_total,
    runs_out_at = excluded.runs_out_at, confidence = excluded.confidence, curve_source = excluded.curve_source,
    spend_at_risk = excluded.spend_at_risk, as_of = excluded.as_of, refreshed_at = excluded.refreshed_at;

  delete from public.cap_usage u
  where u.workspace_id = workspace and (only_offer is null or u.offer_id = only_offer) and u.refreshed_at <> stamp;
end $$;
