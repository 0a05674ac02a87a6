-- The Offers screen's list in one call: each offer with its program's name, the version a
-- person means by "its terms now" and how much hangs on it. Security invoker: RLS decides.

-- The version shown for an offer: the one valid now, else the next to start, else the last
-- one that ended (an archived offer keeps showing the terms it had).
create function public.offer_list(workspace uuid)
returns table (
  id uuid,
  code text,
  name text,
  product text,
  status text,
  program_id uuid,
  program_name text,
  version_id uuid,
  valid_from timestamptz,
  valid_to timestamptz,
  -- The version's GEOs (empty: every GEO) and the GEOs with a rate of their own.
  geos text[],
  rate_geos text[],
  rate numeric,
  currency text,
  landing_type text,
  -- Whether the version shown applies now.
  terms_live boolean,
  versions bigint,
  active_mappings bigint,
  updated_at timestamptz
)
language sql
stable
set search_path = ''
as $$
  select o.id, o.code, o.name, o.product, o.status, o.program_id, p.name,
    v.id, v.valid_from, v.valid_to, coalesce(v.geos, '{}'),
    coalesce((select array_agg(g.geo order by g.geo) from public.offer_geo g where g.offer_version_id = v.id), '{}'),
    v.rate, v.currency, v.landing_type, coalesce(v.live, false),
    (select count(*) from public.offer_versions x where x.offer_id = o.id),
    (select count(*) from public.offer_mapping m where m.offer_id = o.id and m.is_active),
    o.updated_at
  from public.offers o
  left join public.affiliate_programs p on p.id = o.program_id
  left join lateral (
    select x.*, x.valid_from <= now() and (x.valid_to is null or x.valid_to > now()) as live
    from public.offer_versions x
    where x.offer_id = o.id
    order by live desc, x.valid_from > now() desc,
      case when x.valid_from > now() then x.valid_from end, x.valid_from desc
    limit 1
  ) v on true
  where o.workspace_id = offer_list.workspace
  order by lower(o.code)
$$;
revoke all on function public.offer_list(uuid) from public, anon;
grant execute on function public.offer_list(uuid) to authenticated, service_role;
