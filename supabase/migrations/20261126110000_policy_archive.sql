-- Retiring KPI and cap policies. Terms that ever pointed to a policy keep pointing to it (the
-- versions are history), so such a policy is archived, not deleted: the pickers stop offering
-- it and no offer takes it up anew, while offers whose terms already use it may keep it in
-- their next version. Refusals have their own SQLSTATEs (class PL, "policy") so the app
-- recognises them by code: PL001 an archived policy attached anew, PL002 a used policy deleted.

-- Null: offered for new terms.
alter table public.kpi_policies add column archived_at timestamptz;
alter table public.cap_policies add column archived_at timestamptz;

-- An archived policy may stay on an offer that used it before, not join another.
create function private.refuse_archived_policy()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  kpi_name text;
  cap_name text;
begin
  select p.name into kpi_name from public.kpi_policies p
  where p.id = new.kpi_policy_id and p.archived_at is not null
    and not exists (select 1 from public.offer_versions v where v.offer_id = new.offer_id and v.kpi_policy_id = p.id);
  if kpi_name is not null then
    raise exception 'KPI policy % is archived: restore it before attaching it to new terms', kpi_name
      using errcode = 'PL001', hint = 'Choose another KPI policy, or restore this one first.';
  end if;
  select p.name into cap_name from public.cap_policies p
  where p.id = new.cap_policy_id and p.archived_at is not null
    and not exists (select 1 from public.offer_versions v where v.offer_id = new.offer_id and v.cap_policy_id = p.id);
  if cap_name is not null then
    raise exception 'Cap policy % is archived: restore it before attaching it to new terms', cap_name
      using errcode = 'PL001', hint = 'Choose another cap policy, or restore this one first.';
  end if;
  return new;
end $$;

-- Names the offers whose terms use the policy, before the foreign key's anonymous refusal.
create function private.refuse_deleting_used_policy()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  codes text;
begin
  select string_agg(distinct o.code, ', ' order by o.code) into codes
  from public.offer_versions v
  join public.offers o on o.id = v.offer_id
  where case when tg_table_name = 'kpi_policies' then v.kpi_policy_id else v.cap_policy_id end = old.id;
  -- Rows going with their deleted workspace take their versions along.
  if codes is not null and exists (select 1 from public.workspaces w where w.id = old.workspace_id) then
    raise exception 'Policy % is used by the terms of offers %: archive it instead', old.name, codes
      using errcode = 'PL002', hint = 'Archived policies stay on the terms that used them and are no longer offered.';
  end if;
  return old;
end $$;

create trigger refuse_archived_policy before insert on public.offer_versions
  for each row execute function private.refuse_archived_policy();
create trigger refuse_deleting_used_policy before delete on public.kpi_policies
  for each row execute function private.refuse_deleting_used_policy();
create trigger refuse_deleting_used_policy before delete on public.cap_policies
  for each row execute function private.refuse_deleting_used_policy();
