-- The programs list: each program of a workspace with its active offers, the revenue its
-- offers brought over a date range, and when the team last wrote to its contact log.
--
-- Revenue follows the mapping: offers of the program → their active offer_mapping rows → TW
-- offers → the daily_metrics rollup (net payouts in the workspace's base currency, by UTC day,
-- as every dashboard counts them). The rollup has no link titles, so a mapping of one link is
-- summed from the TW events of that link, and those events leave the catch-all mapping of the
-- same TW offer: the link's mapping wins, as in payout_for().

create function public.program_overview(workspace uuid, date_from date, date_to date)
returns table (
  program_id uuid,
  name text,
  status text,
  payout_schedule text,
  payout_weekdays smallint[],
  hold_days integer,
  default_currency text,
  time_zone text,
  active_offers bigint,
  revenue numeric,
  -- Rollup rows and events in other currencies, left out of revenue until FX rates arrive.
  other_currency_rows bigint,
  last_contact_at timestamptz
)
language plpgsql
stable
-- Definer rights with the membership check below, as metrics() does: one check instead of the
-- row policy on each rollup row.
security definer
set search_path = ''
as $$
#variable_conflict use_column
begin
  if not private.has_role(program_overview.workspace, private.all_roles()) then
    raise exception 'You are not a member of this workspace' using errcode = '42501';
  end if;
  if date_from is null or date_to is null or date_from > date_to then
    raise exception 'The date range % – % is empty: date_from must not be after date_to', date_from, date_to using errcode = '22023';
  end if;
  return query
  with bounds as (
    select program_overview.date_from::timestamp at time zone 'UTC' as since,
      (program_overview.date_to + 1)::timestamp at time zone 'UTC' as until,
      w.base_currency as base
    from public.workspaces w where w.id = program_overview.workspace
  ),
  mapped as (
    select m.tw_offer_id, m.link_title, o.program_id
    from public.offer_mapping m
    join public.offers o on o.id = m.offer_id
    where m.workspace_id = program_overview.workspace and m.is_active and o.program_id is not null
  ),
  -- Every active link mapping of the workspace, whatever its program: its events are its own.
  link_sums as (
    select m.tw_offer_id, m.link_title,
      coalesce(sum(e.payout) filter (where coalesce(e.currency, b.base) = b.base), 0) as revenue,
      count(e.event_id) filter (where coalesce(e.currency, b.base) <> b.base) as other_currency_rows
    from public.offer_mapping m
    cross join bounds b
    join public.tw_events e on e.workspace_id = m.workspace_id and e.is_active
      and private.mapping_covers(m.tw_offer_id, m.link_title, e.offer_id, e.link_title)
      and e.event_time >= b.since and e.event_time < b.until
    where m.workspace_id = program_overview.workspace and m.is_active and m.link_title is not null
    group by m.tw_offer_id, m.link_title
  ),
  offer_sums as (
    select d.offer_id as tw_offer_id, sum(d.revenue) as revenue, sum(d.other_currency_rows) as other_currency_rows
    from public.daily_metrics d
    where d.workspace_id = program_overview.workspace
      and d.date between program_overview.date_from and program_overview.date_to
      and d.offer_id in (select mapped.tw_offer_id from mapped where mapped.link_title is null)
    group by d.offer_id
  ),
  attributed as (
    select mapped.program_id,
      case when mapped.link_title is null
        then coalesce(o.revenue, 0) - coalesce((select sum(l.revenue) from link_sums l where l.tw_offer_id = mapped.tw_offer_id), 0)
        else coalesce(l.revenue, 0)
      end as revenue,
      case when mapped.link_title is null then coalesce(o.other_currency_rows, 0) else coalesce(l.other_currency_rows, 0) end as other_currency_rows
    from mapped
    left join offer_sums o on mapped.link_title is null and o.tw_offer_id = mapped.tw_offer_id
    left join link_sums l on l.tw_offer_id = mapped.tw_offer_id and l.link_title = mapped.link_title
  )
  select p.id, p.name, p.status, p.payout_schedule, p.payout_weekdays, p.hold_days, p.default_currency, p.time_zone,
    (select count(*) from public.offers o where o.program_id = p.id and o.status = 'active'),
    coalesce((select sum(a.revenue) from attributed a where a.program_id = p.id), 0),
    coalesce((select sum(a.other_currency_rows) from attributed a where a.program_id = p.id), 0)::bigint,
    (select max(c.at) from public.program_contact_log c where c.program_id = p.id)
  from public.affiliate_programs p
  where p.workspace_id = program_overview.workspace
  order by lower(p.name);
end $$;
revoke all on function public.program_overview(uuid, date, date) from public, anon;
grant execute on function public.program_overview(uuid, date, date) to authenticated, service_role;

