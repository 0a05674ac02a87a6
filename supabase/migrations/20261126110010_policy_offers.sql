-- The offers whose terms use each KPI and cap policy, for the policy lists: editing a policy
-- changes it for every one of them at once (policies are not versioned; terms are).
-- Security invoker: RLS decides, so a non-member gets no rows.

create function public.policy_offers(workspace uuid)
returns table (
  -- 'kpi' or 'caps', as the offer card's tabs.
  kind text,
  policy_id uuid,
  offer_id uuid,
  code text,
  name text,
  status text,
  -- A version valid now or still to come uses the policy (else only past terms did).
  in_force boolean,
  versions bigint
)
language sql
stable
set search_path = ''
as $$
  select u.kind, u.policy_id, o.id, o.code, o.name, o.status,
    bool_or(v.valid_to is null or v.valid_to > now()), count(*)
  from public.offer_versions v
  cross join lateral (values ('kpi', v.kpi_policy_id), ('caps', v.cap_policy_id)) u (kind, policy_id)
  join public.offers o on o.id = v.offer_id
  where v.workspace_id = policy_offers.workspace and u.policy_id is not null
  group by u.kind, u.policy_id, o.id
  order by u.kind, u.policy_id, lower(o.code)
$$;
revoke all on function public.policy_offers(uuid) from public, anon;
grant execute on function public.policy_offers(uuid) to authenticated, service_role;
