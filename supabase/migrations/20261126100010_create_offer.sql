-- A new offer and its first terms in one transaction, so no offer is left without terms when
-- the terms are refused. Security invoker: the insert passes RLS, open_offer_version() checks
-- the role again.

create function public.create_offer(
  workspace uuid,
  code text,
  name text,
  valid_from timestamptz,
  rate numeric,
  currency text,
  product text default null,
  program uuid default null,
  geos text[] default '{}',
  geo_rates jsonb default '{}',
  kpi_policy_id uuid default null,
  cap_policy_id uuid default null,
  landing_type text default null,
  approach text default null,
  notes text default null
)
returns public.offers
language plpgsql
set search_path = ''
as $$
declare
  created public.offers;
begin
  begin
    insert into public.offers (workspace_id, code, name, product, program_id)
    values (create_offer.workspace, trim(create_offer.code), trim(create_offer.name), nullif(trim(create_offer.product), ''), create_offer.program)
    returning * into created;
  exception when unique_violation then
    raise exception 'An offer with code % already exists in this workspace', trim(create_offer.code)
      using errcode = '23505', hint = 'Choose another code, or open the existing offer.';
  end;
  perform public.open_offer_version(created.id, create_offer.valid_from, create_offer.rate, create_offer.currency,
    create_offer.geos, create_offer.geo_rates, create_offer.kpi_policy_id, create_offer.cap_policy_id,
    create_offer.landing_type, create_offer.approach, create_offer.notes);
  return created;
end $$;
revoke all on function public.create_offer(uuid, text, text, timestamptz, numeric, text, text, uuid, text[], jsonb, uuid, uuid, text, text, text) from public, anon;
grant execute on function public.create_offer(uuid, text, text, timestamptz, numeric, text, text, uuid, text[], jsonb, uuid, uuid, text, text, text) to authenticated, service_role;
