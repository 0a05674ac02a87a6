-- The rollup dashboards read: one row per day × TW campaign × offer × geo × source × network
-- campaign (sub1) × creative (sub2), rebuilt for the touched days in the same transaction as
-- every load, rollback and re-apply, so it always equals the active facts.

create table public.daily_metrics (
  workspace_id uuid not null references public.workspaces (id) on delete cascade,
  date date not null,
  campaign_id text not null default '',
  campaign_name text,
  offer_id text not null default '',
  geo text not null default '',
  source text not null default '',
  network_campaign_id text not null default '',
  creative_id text not null default '',
  -- Spend, impressions, ad clicks and installs are allocated to TW campaigns and offers in
  -- proportion to the TW clicks of the same day, source, network campaign and geo; hence
  -- fractional values, kept precise enough that sums match the raw facts to the cent.
  spend numeric(28, 10) not null default 0,
  impressions numeric(28, 10) not null default 0,
  ad_clicks numeric(28, 10) not null default 0,
  installs numeric(28, 10) not null default 0,
  clicks bigint not null default 0,
  unique_clicks bigint not null default 0,
  registrations bigint not null default 0,
  ftds bigint not null default 0,
  -- First and repeat deposits, and their amounts.
  deposits bigint not null default 0,
  deposits_amount numeric(20, 2) not null default 0,
  -- Net payouts: chargebacks (negative payouts) included.
  revenue numeric(20, 2) not null default 0,
  chargebacks bigint not null default 0,
  chargeback_amount numeric(20, 2) not null default 0,
  -- Facts in a currency other than the workspace's base currency: left out of the money sums
  -- until FX rates arrive with the finance module, and counted so the app can say so.
  other_currency_rows bigint not null default 0
);
create unique index daily_metrics_grain on public.daily_metrics
  (workspace_id, date, campaign_id, offer_id, geo, source, network_campaign_id, creative_id);

revoke all on public.daily_metrics from anon;
revoke insert, update, delete, truncate on public.daily_metrics from authenticated;

alter table public.daily_metrics enable row level security;

create policy "members can read their workspace's metrics" on public.daily_metrics
  for select to authenticated using (private.has_role(workspace_id, private.all_roles()));

-- Rebuilds the rollup of the given days from the active facts.
create function private.refresh_daily_metrics(workspace uuid, days date[])
returns void
language plpgsql
security definer
set search_path = ''
as $$
declare
  base text;
  first_day date := (select min(d) from unnest(days) d);
  last_day date := (select max(d) from unnest(days) d);
begin
  if first_day is null then
    return;
  end if;
  select w.base_currency into base from public.workspaces w where w.id = workspace;
  delete from public.daily_metrics m where m.workspace_id = workspace and m.date = any (days);
  insert into public.daily_metrics (
    workspace_id, date, campaign_id, campaign_name, offer_id, geo, source, network_campaign_id, creative_id,
    spend, impressions, ad_clicks, installs, clicks, unique_clicks, registrations, ftds, deposits,
    deposits_amount, revenue, chargebacks, chargeback_amount, other_currency_rows
  )
  with conversions as (
    select (e.event_time at time zone 'UTC')::date as date, e.campaign_id, e.campaign_name, e.offer_id, e.geo, e.source,
      e.sub1, e.sub2, e.event_type, e.amount, e.payout, coalesce(e.currency, base) = base as in_base
    from public.tw_events e
    where e.workspace_id = workspace and e.is_active
      and e.event_time >= first_day::timestamp at time zone 'UTC'
      and e.event_time < (last_day + 1)::timestamp at time zone 'UTC'
  ),
  spend as (
    select s.date, s.network as source, s.campaign_id as sub1, s.creative_id, s.country as geo,
      sum(case when coalesce(s.currency, base) = base then s.spend else 0 end) as spend,
      sum(s.impressions) as impressions, sum(s.clicks) as ad_clicks, sum(s.installs) as installs,
      count(*) filter (where coalesce(s.currency, base) <> base) as other_currency_rows
    from public.ad_spend s
    where s.workspace_id = workspace and s.is_active and s.date = any (days)
    group by 1, 2, 3, 4, 5
  ),
  click_share as (
    select c.date, c.source, c.sub1, c.geo, c.campaign_id, c.offer_id,
      sum(c.clicks)::numeric / nullif(sum(sum(c.clicks)) over (partition by c.date, c.source, c.sub1, c.geo), 0) as share
    from public.tw_clicks c
    where c.workspace_id = workspace and c.is_active and c.date = any (days)
    group by 1, 2, 3, 4, 5, 6
  ),
  facts as (
    select date, campaign_id, campaign_name, offer_id, geo, source, sub1 as network_campaign_id, sub2 as creative_id,
      0::numeric as spend, 0::numeric as impressions, 0::numeric as ad_clicks, 0::numeric as installs,
      0::bigint as clicks, 0::bigint as unique_clicks,
      (event_type = 'registration')::int as registrations,
      (event_type = 'first_deposit')::int as ftds,
      (event_type in ('first_deposit', 'deposit'))::int as deposits,
      case when in_base and event_type in ('first_deposit', 'deposit') then coalesce(amount, 0) else 0 end as deposits_amount,
      case when in_base then coalesce(payout, 0) else 0 end as revenue,
      (event_type = 'chargeback')::int as chargebacks,
      case when in_base and event_type = 'chargeback' then coalesce(payout, 0) else 0 end as chargeback_amount,
      (not in_base)::int as other_currency_rows
    from conversions
    where date = any (days)
    union all
    select c.date, c.campaign_id, null, c.offer_id, c.geo, c.source, c.sub1, '',
      0, 0, 0, 0, c.clicks, c.unique_clicks, 0, 0, 0, 0, 0, 0, 0, 0
    from public.tw_clicks c
    where c.workspace_id = workspace and c.is_active and c.date = any (days)
    union all
    -- Spend with no TW clicks to share it by stays on the network campaign, without a TW campaign or offer.
    select s.date, coalesce(k.campaign_id, ''), null, coalesce(k.offer_id, ''), s.geo, s.source, s.sub1, s.creative_id,
      s.spend * coalesce(k.share, 1), s.impressions * coalesce(k.share, 1), s.ad_clicks * coalesce(k.share, 1),
      s.installs * coalesce(k.share, 1), 0, 0, 0, 0, 0, 0, 0, 0, 0, s.other_currency_rows
    from spend s
    left join click_share k on k.date = s.date and k.source = s.source and k.sub1 = s.sub1 and k.geo = s.geo and k.share is not null
  )
  select workspace, date, campaign_id, max(campaign_name), offer_id, geo, source, network_campaign_id, creative_id,
    sum(spend), sum(impressions), sum(ad_clicks), sum(installs), sum(clicks), sum(unique_clicks),
    sum(registrations), sum(ftds), sum(deposits), sum(deposits_amount), sum(revenue), sum(chargebacks),
    sum(chargeback_amount), sum(other_currency_rows)
  from facts
  group by date, campaign_id, offer_id, geo, source, network_campaign_id, creative_id;
end $$;
