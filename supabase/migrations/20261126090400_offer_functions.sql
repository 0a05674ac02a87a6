-- What the app and the finance module call: open new terms, price an event, and map TW data
-- to offers without losing any revenue on the way.

create extension if not exists pg_trgm with schema extensions;

-- TW offers and links in loaded conversions that no active mapping covers, with their revenue:
-- money that no offer accounts for yet.
create view public.unmapped_tw_offers with (security_invoker = true) as
select
  e.workspace_id,
  e.offer_id as tw_offer_id,
  e.link_title,
  count(*) as events,
  coalesce(sum(e.payout), 0) as revenue,
  array_agg(distinct e.currency) filter (where e.currency is not null) as currencies,
  min(e.event_time) as first_seen,
  max(e.event_time) as last_seen
from public.tw_events e
where e.is_active
  and not exists (
    select 1 from public.offer_mapping m
    where m.workspace_id = e.workspace_id and m.is_active
      and private.mapping_covers(m.tw_offer_id, m.link_title, e.offer_id, e.link_title)
  )
group by e.workspace_id, e.offer_id, e.link_title
having coalesce(sum(e.payout), 0) <> 0;

revoke all on public.unmapped_tw_offers from anon;
grant select on public.unmapped_tw_offers to authenticated;

-- Opens new terms for an offer from valid_from and closes the open version there, in one
-- transaction. Backdating over events already counted under the current terms needs an admin
-- and a reason, which the new version keeps. geo_rates: {"DE": 12} or {"DE": {"rate": 12, "currency": "EUR"}}.
create function public.open_offer_version(
  offer uuid,
  valid_from timestamptz,
  rate numeric,
  currency text,
  geos text[] default '{}',
  geo_rates jsonb default '{}',
  kpi_policy_id uuid default null,
  cap_policy_id uuid default null,
  landing_type text default null,
  approach text default null,
  notes text default null,
  valid_to timestamptz default null,
  reason text default null
)
returns public.offer_versions
language plpgsql
security definer
set search_path = ''
as $$
declare
  target public.offers;
  counted bigint;
  opened public.offer_versions;
begin
  select * into target from public.offers o where o.id = open_offer_version.offer for update;
  if target.id is null or not private.has_role(target.workspace_id, private.all_roles()) then
    raise exception 'This offer does not exist' using errcode = 'P0001';
  end if;
  if not private.has_role(target.workspace_id, '{affiliate_manager,admin}') then
    raise exception 'Only affiliate managers and admins change offer terms' using errcode = '42501';
  end if;
  if target.status <> 'active' then
    raise exception 'Offer % is %: make it active before opening new terms', target.code, target.status using errcode = 'P0001';
  end if;

  select count(*) into counted
  from public.offer_mapping m
  join public.tw_events e on e.workspace_id = m.workspace_id and e.is_active
    and private.mapping_covers(m.tw_offer_id, m.link_title, e.offer_id, e.link_title)
  join public.offer_versions v on v.offer_id = m.offer_id
    and e.event_time >= v.valid_from and (v.valid_to is null or e.event_time < v.valid_to)
  where m.offer_id = target.id and m.is_active
    and e.event_time >= open_offer_version.valid_from
    and (open_offer_version.valid_to is null or e.event_time < open_offer_version.valid_to);
  if counted > 0 then
    if not private.has_role(target.workspace_id, '{admin}') then
      raise exception '% TrafficWave events since % were counted under the current terms of offer %: only an admin can open a version in the past',
        counted, private.moment(open_offer_version.valid_from), target.code
        using errcode = '42501', hint = 'Open the version from a later moment, or ask an admin.';
    end if;
    if coalesce(trim(open_offer_version.reason), '') = '' then
      raise exception 'Say why the terms of offer % change retroactively: % TrafficWave events since % were counted under the current terms',
        target.code, counted, private.moment(open_offer_version.valid_from)
        using errcode = 'P0001', hint = 'Pass the reason; the new version keeps it.';
    end if;
  end if;

  update public.offer_versions v set valid_to = open_offer_version.valid_from
  where v.offer_id = target.id and v.valid_to is null and v.valid_from < open_offer_version.valid_from;

  insert into public.offer_versions (workspace_id, offer_id, valid_from, valid_to, geos, rate, currency, kpi_policy_id,
    cap_policy_id, landing_type, approach, notes, author, backdate_reason)
  values (target.workspace_id, target.id, open_offer_version.valid_from, open_offer_version.valid_to,
    (select coalesce(array_agg(distinct upper(g) order by upper(g)), '{}') from unnest(open_offer_version.geos) g),
    open_offer_version.rate, upper(open_offer_version.currency), open_offer_version.kpi_policy_id,
    open_offer_version.cap_policy_id, open_offer_version.landing_type, open_offer_version.approach,
    open_offer_version.notes, private.acting_user(), nullif(trim(open_offer_version.reason), ''))
  returning * into opened;

  insert into public.offer_geo (workspace_id, offer_version_id, geo, rate, currency)
  select target.workspace_id, opened.id, upper(g.key),
    case when jsonb_typeof(g.value) = 'number' then (g.value #>> '{}')::numeric else (g.value ->> 'rate')::numeric end,
    upper(g.value ->> 'currency')
  from jsonb_each(coalesce(open_offer_version.geo_rates, '{}')) g;

  return opened;
end $$;
revoke all on function public.open_offer_version(uuid, timestamptz, numeric, text, text[], jsonb, uuid, uuid, text, text, text, timestamptz, text) from public, anon;
grant execute on function public.open_offer_version(uuid, timestamptz, numeric, text, text[], jsonb, uuid, uuid, text, text, text, timestamptz, text) to authenticated, service_role;

-- The payout that applies to an event: the version of the offer valid at `at`, with the GEO's
-- own rate when it has one. offer_ref is an offers.id or a TW offer id (then the mapping for
-- link_title wins over the TW offer's catch-all mapping). No row: no terms apply.
create function public.payout_for(workspace uuid, offer_ref text, geo text, at timestamptz, link_title text default null)
returns table (offer_id uuid, offer_version_id uuid, rate numeric, currency text)
language sql
stable
set search_path = ''
as $$
  with target as (
    select o.id from public.offers o
    where o.workspace_id = payout_for.workspace and o.id::text = payout_for.offer_ref
    union all
    (select m.offer_id from public.offer_mapping m
     where m.workspace_id = payout_for.workspace and m.is_active
       and private.mapping_covers(m.tw_offer_id, m.link_title, payout_for.offer_ref, payout_for.link_title)
     order by m.link_title is null
     limit 1)
    limit 1
  )
  select v.offer_id, v.id, coalesce(g.rate, v.rate), coalesce(g.currency, v.currency)
  from target t
  join public.offer_versions v on v.offer_id = t.id
  left join public.offer_geo g on g.offer_version_id = v.id and g.geo = upper(payout_for.geo)
  where v.valid_from <= payout_for.at and (v.valid_to is null or payout_for.at < v.valid_to)
    and (cardinality(v.geos) = 0 or upper(payout_for.geo) = any (v.geos) or g.geo is not null)
$$;
revoke all on function public.payout_for(uuid, text, text, timestamptz, text) from public, anon;
grant execute on function public.payout_for(uuid, text, text, timestamptz, text) to authenticated, service_role;

-- TW offer ids and link titles from loaded conversions that no active mapping covers, most
-- similar to the offer's code and name first (trigram similarity).
create function public.suggest_offer_mappings(offer uuid, max_rows integer default 20)
returns table (tw_offer_id text, link_title text, events bigint, revenue numeric, last_seen timestamptz, similarity real)
language sql
stable
set search_path = ''
as $$
  with target as (
    select o.workspace_id, lower(o.code) as code, lower(o.name) as name from public.offers o where o.id = suggest_offer_mappings.offer
  ),
  unmapped as (
    select e.offer_id, e.link_title, count(*) as events, coalesce(sum(e.payout), 0) as revenue, max(e.event_time) as last_seen
    from public.tw_events e
    join target t on t.workspace_id = e.workspace_id
    where e.is_active and e.offer_id <> ''
      and not exists (
        select 1 from public.offer_mapping m
        where m.workspace_id = e.workspace_id and m.is_active
          and private.mapping_covers(m.tw_offer_id, m.link_title, e.offer_id, e.link_title)
      )
    group by e.offer_id, e.link_title
  )
  select u.offer_id, u.link_title, u.events, u.revenue, u.last_seen,
    greatest(
      extensions.similarity(t.code, lower(u.offer_id)),
      extensions.similarity(t.name, lower(u.offer_id)),
      extensions.similarity(t.code, lower(coalesce(u.link_title, ''))),
      extensions.similarity(t.name, lower(coalesce(u.link_title, '')))
    ) as similarity
  from unmapped u cross join target t
  order by similarity desc, u.revenue desc, u.offer_id, u.link_title
  limit greatest(suggest_offer_mappings.max_rows, 0)
$$;
revoke all on function public.suggest_offer_mappings(uuid, integer) from public, anon;
grant execute on function public.suggest_offer_mappings(uuid, integer) to authenticated, service_role;
