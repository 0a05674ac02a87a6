-- The offer card's linked campaigns: TW campaigns whose conversions and clicks the offer's
-- active mappings cover, with their metrics over a range of UTC days (as the rollup keys
-- them). Security invoker: RLS decides, so a non-member gets no rows.
--
-- A mapping of a whole TW offer reads the rollup, which also carries the spend allocated to
-- the campaign and offer. The rollup has no link titles, so a mapping of one link reads the
-- raw events and clicks of that link, and has no spend (spend is shared out by TW offer, not
-- by link). Money counts in the workspace's base currency, like the rollup; other currencies
-- are counted, not summed.

create function public.offer_campaigns(offer uuid, date_from date, date_to date)
returns table (
  campaign_id text,
  campaign_name text,
  tw_offer_id text,
  -- Null: the row comes from a mapping of the whole TW offer.
  link_title text,
  clicks bigint,
  registrations bigint,
  ftds bigint,
  revenue numeric,
  -- Null where spend cannot be attributed (a mapping of one link).
  spend numeric,
  profit numeric,
  other_currency_rows bigint,
  last_day date
)
language sql
stable
set search_path = ''
as $$
  with mapped as (
    select m.workspace_id, m.tw_offer_id, m.link_title
    from public.offer_mapping m
    where m.offer_id = offer_campaigns.offer and m.is_active
  ),
  whole_offers as (
    select d.campaign_id, max(d.campaign_name) as campaign_name, d.offer_id as tw_offer_id, null::text as link_title,
      sum(d.clicks)::bigint as clicks, sum(d.registrations)::bigint as registrations, sum(d.ftds)::bigint as ftds,
      sum(d.revenue) as revenue, round(sum(d.spend), 2) as spend, round(sum(d.revenue) - sum(d.spend), 2) as profit,
      sum(d.other_currency_rows)::bigint as other_currency_rows, max(d.date) as last_day
    from mapped m
    join public.daily_metrics d on d.workspace_id = m.workspace_id and d.offer_id = m.tw_offer_id
    where m.link_title is null and d.date between offer_campaigns.date_from and offer_campaigns.date_to
    group by d.campaign_id, d.offer_id
  ),
  link_events as (
    select e.campaign_id, max(e.campaign_name) as campaign_name, m.tw_offer_id, m.link_title,
      count(*) filter (where e.event_type = 'registration') as registrations,
      count(*) filter (where e.event_type = 'first_deposit') as ftds,
      sum(case when coalesce(e.currency, w.base_currency) = w.base_currency then coalesce(e.payout, 0) else 0 end) as revenue,
      count(*) filter (where coalesce(e.currency, w.base_currency) <> w.base_currency) as other_currency_rows,
      max((e.event_time at time zone 'UTC')::date) as last_day
    from mapped m
    join public.workspaces w on w.id = m.workspace_id
    join public.tw_events e on e.workspace_id = m.workspace_id and e.is_active
      and e.offer_id = m.tw_offer_id and e.link_title = m.link_title
    where m.link_title is not null
      and e.event_time >= offer_campaigns.date_from::timestamp at time zone 'UTC'
      and e.event_time < (offer_campaigns.date_to + 1)::timestamp at time zone 'UTC'
    group by e.campaign_id, m.tw_offer_id, m.link_title
  ),
  link_clicks as (
    select c.campaign_id, m.tw_offer_id, m.link_title, sum(c.clicks)::bigint as clicks, max(c.date) as last_day
    from mapped m
    join public.tw_clicks c on c.workspace_id = m.workspace_id and c.is_active
      and c.offer_id = m.tw_offer_id and c.link_title = m.link_title
    where m.link_title is not null and c.date between offer_campaigns.date_from and offer_campaigns.date_to
    group by c.campaign_id, m.tw_offer_id, m.link_title
  ),
  links as (
    select campaign_id, e.campaign_name, tw_offer_id, link_title,
      coalesce(c.clicks, 0), coalesce(e.registrations, 0), coalesce(e.ftds, 0), coalesce(e.revenue, 0),
      null::numeric, null::numeric, coalesce(e.other_currency_rows, 0), greatest(e.last_day, c.last_day)
    from link_events e
    full join link_clicks c using (campaign_id, tw_offer_id, link_title)
  )
  select * from (select * from whole_offers union all select * from links) r
  order by r.revenue desc, r.campaign_id, r.tw_offer_id, r.link_title
$$;
revoke all on function public.offer_campaigns(uuid, date, date) from public, anon;
grant execute on function public.offer_campaigns(uuid, date, date) to authenticated, service_role;
