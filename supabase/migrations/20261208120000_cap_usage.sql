-- Cap usage and the exhaustion forecast (issue #15, part 1). A cap policy says what it counts
-- (conversions of a type, clicks, payout, revenue), over which period (day, week, month,
-- lifetime) in which time zone, for the whole offer or per GEO. For every offer whose terms in
-- force point to a cap, cap_usage holds the current period's count, the status against the
-- thresholds and a forecast of when the cap runs out. It is written only here: when a load
-- is applied, rolled back or re-applied (at the commit of that transaction), by a Supabase
-- Cron job every 5 minutes (so periods roll over without a load), and after a manual action.
-- Nothing computes usage on a page load. Every function that depends on the time takes the
-- moment as a parameter. See docs/caps.md.

-- What a cap counts and how. 'total' is the old name of 'lifetime' and means the same.
alter table public.cap_policies
  drop constraint cap_policies_period_check,
  add constraint cap_policies_period_check check (period in ('day', 'week', 'month', 'lifetime', 'total')),
  -- conversions: events of event_type; payout: their payouts; revenue: the payouts of every
  -- event, chargebacks netted (as daily_metrics.revenue); clicks: TrafficWave clicks. Money
  -- counts in the workspace's base currency, in whole units of it (cap_limit stays an integer).
  add column metric text not null default 'conversions' check (metric in ('conversions', 'clicks', 'payout', 'revenue')),
  -- Null: the program's time zone (UTC for an offer without a program).
  add column time_zone text check (time_zone is null or now() at time zone time_zone is not null),
  -- offer: one count for the whole offer; geo: each GEO counts against the limit on its own.
  add column scope text not null default 'offer' check (scope in ('offer', 'geo')),
  -- Hard: the program stops paying past the limit (spend after it is at risk); soft: alert only.
  add column hard boolean not null default true,
  -- Percent of the limit from which the status is warning, critical; 100 % is reached.
  add column warning_percent numeric(5, 2) not null default 80,
  add column critical_percent numeric(5, 2) not null default 95,
  add constraint cap_policies_thresholds_check check (0 < warning_percent and warning_percent <= critical_percent and critical_percent < 100);

-- The current period of each capped offer (or of each GEO of it): one row per offer and GEO.
create table public.cap_usage (
  workspace_id uuid not null references public.workspaces (id) on delete cascade,
  offer_id uuid not null,
  cap_policy_id uuid not null,
  -- '' for the whole offer; the GEO (ISO code) when the policy counts per GEO.
  geo text not null default '',
  metric text not null,
  -- The conversions counted; null: every event (clicks, revenue).
  event_type public.tw_event_type,
  period text not null,
  -- The zone whose midnights bound the period (the cap's own or its program's).
  time_zone text not null,
  -- [period_start, period_end); a lifetime cap counts from its first terms and has no end.
  period_start timestamptz not null,
  period_end timestamptz,
  used numeric(20, 2) not null,
  -- The policy's limit, and the limit after a manual raise for this period.
  cap_limit numeric(20, 2) not null,
  effective_limit numeric(20, 2) not null,
  percent numeric(10, 2) not null,
  status text not null check (status in ('ok', 'warning', 'critical', 'reached', 'paused')),
  hard boolean not null,
  -- Forecast: the period's expected total at the current pace along the intra-period curve,
  -- when the limit is expected to be reached (null: not this period, or no curve), and how
  -- far to trust it (0–1, from the history behind the curve and its back-test).
  expected_total numeric(20, 2),
  runs_out_at timestamptz,
  confidence numeric(3, 2) not null default 0,
  -- Whose history the curve comes from: offer, workspace (the offer has too little), none.
  curve_source text not null default 'none' check (curve_source in ('offer', 'workspace', 'none')),
  -- Spend (base currency) expected from the moment the cap is reached to the period's end at
  -- the offer's spend pace; null where spend cannot be attributed to the offer.
  spend_at_risk numeric(20, 2),
  -- The moment the counts are as of (the refresh's "now"), and when they were written.
  as_of timestamptz not null,
  refreshed_at timestamptz not null,
  primary key (offer_id, geo),
  foreign key (workspace_id, offer_id) references public.offers (workspace_id, id) on delete cascade,
  foreign key (workspace_id, cap_policy_id) references public.cap_policies (workspace_id, id) on delete cascade
);
create index cap_usage_workspace_idx on public.cap_usage (workspace_id);

-- Manual actions on a cap's current period, with the reason: the history, and the source of
-- the raise and the pause the refresh applies (the latest action of a kind wins).
create table public.cap_actions (
  id bigint generated always as identity primary key,
  workspace_id uuid not null references public.workspaces (id) on delete cascade,
  offer_id uuid not null,
  cap_policy_id uuid not null,
  geo text not null default '',
  -- The period acted on: a raise or a pause ends with it.
  period_start timestamptz not null,
  -- raise: a higher limit for the period; reset: back to the policy's; pause / resume.
  action text not null check (action in ('raise', 'reset', 'pause', 'resume')),
  reason text not null check (length(trim(reason)) between 1 and 1000),
  old_limit numeric(20, 2),
  new_limit numeric(20, 2),
  old_status text,
  new_status text,
  actor uuid references auth.users (id) on delete set null,
  at timestamptz not null default now(),
  foreign key (workspace_id, offer_id) references public.offers (workspace_id, id) on delete cascade,
  foreign key (workspace_id, cap_policy_id) references public.cap_policies (workspace_id, id) on delete cascade
);
create index cap_actions_period_idx on public.cap_actions (offer_id, cap_policy_id, period_start, id);

-- The intra-period curve of an offer's cap, computed once per period from the periods before
-- it: curve[i] is the share of a period's total reached after (i - 1) / 24 of the period.
create table private.cap_curves (
  offer_id uuid not null references public.offers (id) on delete cascade,
  cap_policy_id uuid not null references public.cap_policies (id) on delete cascade,
  period_start timestamptz not null,
  source text not null,
  curve numeric[],
  -- Past periods with data behind the curve, and its back-test's mean relative error.
  periods integer not null,
  error numeric,
  confidence numeric(3, 2) not null,
  primary key (offer_id, cap_policy_id, period_start)
);

-- Usage is the server's: members read it, only the refresh writes it.
revoke all on public.cap_usage, public.cap_actions from anon;
revoke insert, update, delete, truncate on public.cap_usage, public.cap_actions from authenticated;
revoke all on private.cap_curves from public, anon, authenticated, service_role;

alter table public.cap_usage enable row level security;
alter table public.cap_actions enable row level security;
alter table private.cap_curves enable row level security;

create policy "members can read their workspace's cap usage" on public.cap_usage
  for select to authenticated using (private.has_role(workspace_id, private.all_roles()));
create policy "members can read their workspace's cap actions" on public.cap_actions
  for select to authenticated using (private.has_role(workspace_id, private.all_roles()));

-- The offers of the workspace whose terms in force at `at` have a cap, with the period that
-- contains `at`: local midnights of the cap's zone (a DST day has 23 or 25 hours), weeks from
-- Monday. History: how many past periods the curve reads, and how many with data it needs.
create function private.capped_offers(workspace uuid, at timestamptz, only_offer uuid default null)
returns table (
  offer_id uuid, cap_policy_id uuid, metric text, event_type public.tw_event_type, period text, zone text,
  scope text, hard boolean, cap_limit integer, warning_percent numeric, critical_percent numeric, geos text[],
  unit interval, local_start timestamp, period_start timestamptz, period_end timestamptz, history integer, min_history integer
)
language sql
stable
set search_path = ''
as $$
  select o.id, p.id, p.metric, case when p.metric in ('conversions', 'payout') then p.event_type end, p.period, z.zone,
    p.scope, p.hard, p.cap_limit, p.warning_percent, p.critical_percent, v.geos,
    u.unit, z.local_start,
    coalesce(z.local_start at time zone z.zone,
      (select min(f.valid_from) from public.offer_versions f where f.offer_id = o.id and f.cap_policy_id = p.id)),
    (z.local_start + u.unit) at time zone z.zone,
    u.history, u.min_history
  from public.offers o
  join public.offer_versions v on v.offer_id = o.id and v.valid_from <= at and (v.valid_to is null or v.valid_to > at)
  join public.cap_policies p on p.id = v.cap_policy_id
  left join public.affiliate_programs g on g.id = o.program_id
  left join (values ('day', interval '1 day', 28, 7), ('week', interval '1 week', 8, 3), ('month', interval '1 month', 6, 2))
    u (period, unit, history, min_history) on u.period = p.period
  cross join lateral (
    select coalesce(p.time_zone, g.time_zone, 'UTC') as zone,
      date_trunc(u.period, at at time zone coalesce(p.time_zone, g.time_zone, 'UTC')) as local_start
  ) z
  where o.workspace_id = workspace and (only_offer is null or o.id = only_offer)
$$;

-- The share of a period's total reached after `fraction` of it, along `curve` (linear
-- between its 25 points).
create function private.cap_curve_at(curve numeric[], fraction numeric)
returns numeric
language sql
immutable
set search_path = ''
as $$
  select case when fraction >= 1 then 1 when fraction <= 0 then 0
    else curve[b + 1] + (curve[b + 2] - curve[b + 1]) * (fraction * 24 - b) end
  from (select floor(fraction * 24)::integer as b) i
$$;

-- The fraction of the period after which `curve` first reaches `share` (0 < share <= 1).
create function private.cap_curve_reaches(curve numeric[], share numeric)
returns numeric
language sql
immutable
set search_path = ''
as $$
  select (b - 1 + (share - curve[b]) / (curve[b + 1] - curve[b])) / 24
  from (select min(i) as b from generate_series(1, 24) i where curve[i + 1] >= share) first_bucket
  where b is not null
$$;

-- ok / warning / critical / reached / paused, from the usage, the limit and the thresholds.
create function private.cap_status(used numeric, cap_limit numeric, warning_percent numeric, critical_percent numeric, paused boolean)
returns text
language sql
immutable
set search_path = ''
as $$
  select case
    when paused then 'paused'
    when used >= cap_limit then 'reached'
    when used * 100 >= cap_limit * critical_percent then 'critical'
    when used * 100 >= cap_limit * warning_percent then 'warning'
    else 'ok' end
$$;

-- The active mappings of the workspace's offers that attribute facts to them; a mapping of one
-- link is left out where the same offer maps its whole TW offer, so no fact counts twice for an
-- offer. Readers join facts on `tw_offer_id = offer_id` (which lets them hash the join) and
-- private.mapping_covers(), the rule itself.
create function private.cap_mappings(workspace uuid)
returns table (offer_id uuid, tw_offer_id text, link_title text)
language sql
stable
set search_path = ''
as $$
  select m.offer_id, m.tw_offer_id, m.link_title
  from public.offer_mapping m
  where m.workspace_id = workspace and m.is_active
    and not (m.link_title is not null and exists (
      select from public.offer_mapping w
      where w.offer_id = m.offer_id and w.is_active and w.tw_offer_id = m.tw_offer_id and w.link_title is null))
$$;

-- Computes the curves of the capped offers that have none for their current period yet, from
-- the periods before it in the cap's zone: the offer's own events when enough periods have
-- data, else the workspace's, else none. Each point pools the past periods (busy periods
-- weigh more); the back-test predicts each past period's total at a quarter, half and three
-- quarters of it from the curve of the other periods, and the mean relative error (capped at 1)
-- with the share of periods with data makes the confidence. Clicks, which come per day, take
-- the shape of the offer's events. The history is read once, and placed once per kind of
-- curve (zone, period, event type, weight) whatever the number of caps. Once per period: the
-- cron job computes them, a load's commit does not.
create function private.refresh_cap_curves(workspace uuid, at timestamptz, only_offer uuid default null)
returns void
language sql
set search_path = ''
as $$
  delete from private.cap_curves k
  using private.capped_offers(refresh_cap_curves.workspace, refresh_cap_curves.at, refresh_cap_curves.only_offer) c
  where k.offer_id = c.offer_id and (k.cap_policy_id <> c.cap_policy_id or k.period_start <> c.period_start);

  insert into private.cap_curves (offer_id, cap_policy_id, period_start, source, curve, periods, error, confidence)
  with caps as (
    select c.*, (c.local_start - c.history * c.unit) at time zone c.zone as history_start,
      c.metric in ('payout', 'revenue') as money
    from private.capped_offers(refresh_cap_curves.workspace, refresh_cap_curves.at, refresh_cap_curves.only_offer) c
    where c.unit is not null
      and not exists (select from private.cap_curves k where k.offer_id = c.offer_id and k.cap_policy_id = c.cap_policy_id and k.period_start = c.period_start)
  ),
  kinds as (
    select distinct c.zone, c.period, c.unit, c.history_start, c.period_start, c.event_type, c.money from caps c
  ),
  history as materialized (
    select e.event_time, e.event_type, e.offer_id, e.link_title,
      case when coalesce(e.currency, w.base_currency) = w.base_currency then coalesce(e.payout, 0) end as payout
    from public.workspaces w
    join public.tw_events e on e.workspace_id = w.id and e.is_active
      and e.event_time >= (select min(kd.history_start) from kinds kd) and e.event_time < (select max(kd.period_start) from kinds kd)
    where w.id = refresh_cap_curves.workspace
  ),
  -- Each event in each kind of curve: the past period it falls in and the 24th of it.
  placed as (
    select kd.zone, kd.period, kd.event_type, kd.money, h.offer_id as tw_offer_id, h.link_title, p.local_start as k,
      least(24, floor(24 * extract(epoch from h.event_time - p.starts) / extract(epoch from p.ends - p.starts))::integer + 1) as bucket,
      case when kd.money then h.payout else 1 end as amount
    from kinds kd
    join history h on h.event_time >= kd.history_start and h.event_time < kd.period_start
      and (kd.event_type is null or h.event_type = kd.event_type) and (not kd.money or h.payout is not null)
    cross join lateral (select date_trunc(kd.period, h.event_time at time zone kd.zone) as local_start) l
    cross join lateral (
      select l.local_start, l.local_start at time zone kd.zone as starts, (l.local_start + kd.unit) at time zone kd.zone as ends
    ) p
  ),
  by_kind as (
    select p.zone, p.period, p.event_type, p.money, p.k, p.bucket, sum(p.amount) as amount from placed p group by 1, 2, 3, 4, 5, 6
  ),
  amounts as (
    select c.offer_id, 'workspace' as source, a.k, a.bucket, a.amount
    from caps c
    join by_kind a on a.zone = c.zone and a.period = c.period and a.event_type is not distinct from c.event_type and a.money = c.money
    union all
    select c.offer_id, 'offer', p.k, p.bucket, sum(p.amount)
    from placed p
    join private.cap_mappings(refresh_cap_curves.workspace) m
      on m.tw_offer_id = p.tw_offer_id and private.mapping_covers(m.tw_offer_id, m.link_title, p.tw_offer_id, p.link_title)
    join caps c on c.offer_id = m.offer_id and c.zone = p.zone and c.period = p.period
      and c.event_type is not distinct from p.event_type and c.money = p.money
    group by 1, 2, 3, 4
  ),
  per_period as (
    select a.offer_id, a.source, a.k, sum(a.amount) as total from amounts a group by 1, 2, 3 having sum(a.amount) > 0
  ),
  totals as (
    select p.offer_id, p.source, sum(p.total) as total, count(*)::integer as periods from per_period p group by 1, 2
  ),
  cumulative as (
    select t.offer_id, t.source, b.b, coalesce(sum(a.amount), 0) as upto
    from totals t
    cross join generate_series(0, 24) b (b)
    left join amounts a on a.offer_id = t.offer_id and a.source = t.source and a.bucket <= b.b
    group by 1, 2, 3
  ),
  checkpoints (b) as (values (6), (12), (18)),
  own_cumulative as (
    select a.offer_id, a.source, a.k, cp.b, sum(a.amount) as upto
    from amounts a join checkpoints cp on a.bucket <= cp.b
    group by 1, 2, 3, 4
  ),
  backtest as (
    select p.offer_id, p.source,
      avg(least(1, abs(coalesce(own.upto, 0) * (t.total - p.total) / (c.upto - coalesce(own.upto, 0)) - p.total) / p.total)) as error
    from per_period p
    join totals t using (offer_id, source)
    cross join checkpoints cp
    join cumulative c on c.offer_id = p.offer_id and c.source = p.source and c.b = cp.b
    left join own_cumulative own on own.offer_id = p.offer_id and own.source = p.source and own.k = p.k and own.b = cp.b
    where t.total > p.total and c.upto > coalesce(own.upto, 0)
    group by 1, 2
  ),
  candidates as (
    select t.offer_id, t.source, t.periods, b.error,
      (select array_agg(c.upto / t.total order by c.b) from cumulative c where c.offer_id = t.offer_id and c.source = t.source) as curve
    from totals t left join backtest b using (offer_id, source)
  )
  select c.offer_id, c.cap_policy_id, c.period_start, coalesce(chosen.source, 'none'), chosen.curve,
    coalesce(chosen.periods, 0), chosen.error,
    coalesce(round(((1 - coalesce(chosen.error, 1)) * least(1, chosen.periods::numeric / c.history)
      * case chosen.source when 'offer' then 1 else 0.5 end)::numeric, 2), 0)
  from caps c
  left join lateral (
    select k.* from candidates k
    where k.offer_id = c.offer_id and k.periods >= c.min_history
    order by k.source = 'offer' desc
    limit 1
  ) chosen on true
$$;

-- Recounts the current period of the workspace's capped offers (or of one offer) as of `at`
-- and writes cap_usage; rows of offers no longer capped go. The forecast reads the period's
-- curve (computed here when `curves`, else only if already there: a load's commit stays
-- cheap). Spend pace: the offer's daily spend over the 7 UTC days before `at`'s, from the
-- rollup, which keys spend by TW offer: only mappings of whole TW offers carry it.
create function private.refresh_cap_usage(workspace uuid, at timestamptz default now(), only_offer uuid default null, curves boolean default true)
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
      sum(case when c.metric = 'conversions' then 1 else coalesce(e.payout, 0) end) as used
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
    select c.offer_id, case when c.scope = 'geo' then k.geo else '' end, sum(k.clicks)
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
    select c.*, t.geo, coalesce(n.used, 0) as used,
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
    case when f.curve is null then 0 else f.confidence end, coalesce(f.curve_source, 'none'),
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
revoke all on function private.refresh_cap_usage(uuid, timestamptz, uuid, boolean) from public, anon, authenticated;

-- Every workspace with caps, as the cron job runs it: a workspace whose usage another
-- transaction is refreshing (a load committing) is left to that one.
create function private.refresh_all_cap_usage(at timestamptz default now())
returns integer
language plpgsql
security definer
set search_path = ''
as $$
declare
  workspace uuid;
  refreshed integer := 0;
begin
  for workspace in
    select v.workspace_id from public.offer_versions v
    where v.cap_policy_id is not null and v.valid_from <= at and (v.valid_to is null or v.valid_to > at)
    union
    select u.workspace_id from public.cap_usage u
  loop
    if pg_try_advisory_xact_lock(hashtextextended('cap_usage ' || workspace, 0)) then
      perform private.refresh_cap_usage(workspace, at);
      refreshed := refreshed + 1;
    end if;
  end loop;
  return refreshed;
end $$;
revoke all on function private.refresh_all_cap_usage(timestamptz) from public, anon, authenticated;

-- A load applied, rolled back or re-applied changes the facts: the workspace's usage is
-- recounted at the commit, after all of the load's work. A failure here is reported, never
-- allowed to undo the load; the cron job recounts within minutes.
create function private.refresh_cap_usage_after_load()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  begin
    perform private.refresh_cap_usage(new.workspace_id, clock_timestamp(), curves => false);
  exception when others then
    raise warning 'Cap usage of workspace % was not refreshed after load %: %', new.workspace_id, new.id, sqlerrm;
  end;
  return null;
end $$;

create constraint trigger refresh_cap_usage after update of status on public.etl_loads
  deferrable initially deferred
  for each row when (old.status is distinct from new.status and (old.status = 'done' or new.status = 'done'))
  execute function private.refresh_cap_usage_after_load();

-- Supabase Cron recounts every 5 minutes, so periods roll over without a load.
select cron.schedule('caps-refresh-usage', '*/5 * * * *', 'select private.refresh_all_cap_usage()');

-- A manual action on the current period of an offer's cap (geo '' for the whole offer): raise
-- the limit to `new_limit`, reset it to the policy's, pause or resume. Affiliate managers and
-- admins, who manage caps and may pause offers; the reason is kept in cap_actions. A pause
-- marks the cap (buyers stop the traffic): the offer's status is not touched, since pausing
-- the offer itself closes its terms. Answers the recounted row.
create function public.cap_action(offer uuid, action text, reason text, new_limit numeric default null, geo text default '')
returns public.cap_usage
language plpgsql
security definer
set search_path = ''
as $$
declare
  current public.cap_usage;
  next_limit numeric;
begin
  select * into current from public.cap_usage u
  where u.offer_id = cap_action.offer and u.geo = coalesce(cap_action.geo, '') and private.has_role(u.workspace_id, private.all_roles())
  for update;
  if current.offer_id is null then
    raise exception 'Offer % has no cap counted for %', offer, coalesce(nullif(geo, ''), 'the whole offer') using errcode = 'P0002';
  end if;
  if not private.has_role(current.workspace_id, '{affiliate_manager,admin}') then
    raise exception 'Only affiliate managers and admins can act on caps' using errcode = '42501';
  end if;
  if length(trim(coalesce(reason, ''))) = 0 then
    raise exception 'Say why: a reason is required' using errcode = '22023';
  end if;
  next_limit := case action
    when 'raise' then new_limit
    when 'reset' then current.cap_limit
    else current.effective_limit end;
  if action not in ('raise', 'reset', 'pause', 'resume') then
    raise exception 'Unknown cap action %', action using errcode = '22023', hint = 'raise, reset, pause or resume';
  elsif action = 'raise' and (new_limit is null or new_limit <= current.cap_limit) then
    raise exception 'A raise must be above the policy''s limit of %', current.cap_limit using errcode = '22023';
  elsif action = 'reset' and current.effective_limit = current.cap_limit then
    raise exception 'The cap is not raised this period' using errcode = 'P0001';
  elsif (action = 'pause') = (current.status = 'paused') and action in ('pause', 'resume') then
    raise exception 'The cap is already %', case action when 'pause' then 'paused' else 'running' end using errcode = 'P0001';
  end if;

  insert into public.cap_actions (workspace_id, offer_id, cap_policy_id, geo, period_start, action, reason, old_limit, new_limit, old_status, actor)
  values (current.workspace_id, current.offer_id, current.cap_policy_id, current.geo, current.period_start, action, trim(reason),
    current.effective_limit, next_limit, current.status, auth.uid());
  perform private.refresh_cap_usage(current.workspace_id, current.as_of, current.offer_id, curves => false);
  select * into current from public.cap_usage u where u.offer_id = cap_action.offer and u.geo = current.geo;
  update public.cap_actions a set new_status = current.status
  where a.id = (select max(b.id) from public.cap_actions b where b.offer_id = current.offer_id and b.geo = current.geo);
  return current;
end $$;
revoke all on function public.cap_action(uuid, text, text, numeric, text) from public, anon;
grant execute on function public.cap_action(uuid, text, text, numeric, text) to authenticated;

-- The caps monitor: each capped offer (and GEO) of the workspace, most urgent first: reached,
-- critical, warning, paused, ok; then the earliest ETA, then the fullest. Period bounds and
-- the ETA come also as local times of the cap's zone, which the numbers count in. is_current:
-- the row's period contains `at` (else the cron job has not rolled it over yet). Security
-- invoker: RLS decides, so a non-member gets no rows.
create function public.caps_overview(workspace uuid, at timestamptz default now())
returns table (
  offer_id uuid, offer_code text, offer_name text, program_id uuid, program_name text, cap_policy_id uuid, policy_name text,
  geo text, metric text, event_type public.tw_event_type, period text, time_zone text,
  period_start timestamptz, period_end timestamptz, period_start_local timestamp, period_end_local timestamp,
  used numeric, cap_limit numeric, effective_limit numeric, percent numeric, status text, hard boolean,
  expected_total numeric, runs_out_at timestamptz, runs_out_local timestamp, confidence numeric, curve_source text,
  spend_at_risk numeric, currency text, is_current boolean, as_of timestamptz
)
language sql
stable
set search_path = ''
as $$
  select u.offer_id, o.code, o.name, g.id, g.name, u.cap_policy_id, p.name,
    u.geo, u.metric, u.event_type, u.period, u.time_zone,
    u.period_start, u.period_end, u.period_start at time zone u.time_zone, u.period_end at time zone u.time_zone,
    u.used, u.cap_limit, u.effective_limit, u.percent, u.status, u.hard,
    u.expected_total, u.runs_out_at, u.runs_out_at at time zone u.time_zone, u.confidence, u.curve_source,
    u.spend_at_risk, w.base_currency,
    caps_overview.at >= u.period_start and (u.period_end is null or caps_overview.at < u.period_end), u.as_of
  from public.cap_usage u
  join public.offers o on o.id = u.offer_id
  join public.cap_policies p on p.id = u.cap_policy_id
  join public.workspaces w on w.id = u.workspace_id
  left join public.affiliate_programs g on g.id = o.program_id
  where u.workspace_id = caps_overview.workspace
  order by array_position(array['reached', 'critical', 'warning', 'paused', 'ok'], u.status),
    u.runs_out_at nulls last, u.percent desc, o.code, u.geo
$$;
revoke all on function public.caps_overview(uuid, timestamptz) from public, anon;
grant execute on function public.caps_overview(uuid, timestamptz) to authenticated, service_role;
