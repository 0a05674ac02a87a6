-- Holes in the walls between workspaces, found by an attack review:
-- * an admin could add anyone to their workspace, without that person's consent, and then read
--   their profile (email, name, Telegram id);
-- * a load could name another workspace's load as the one it repeats (duplicate_of);
-- * an owner-rights trigger looked a policy up by id across workspaces and named it in its error;
-- * acting on a load one cannot see answered 500 instead of 404.

-- Memberships come only from create_workspace() (the creator) and accept_invitation() (the
-- invited person's consent); nobody inserts one for someone else.
drop policy "admins can add members" on public.workspace_members;
revoke insert on public.workspace_members from authenticated;

-- Every reference from one workspace row to another carries the workspace in its key.
alter table public.etl_loads add constraint etl_loads_workspace_id_id_key unique (workspace_id, id);
alter table public.etl_loads drop constraint etl_loads_duplicate_of_fkey;
alter table public.etl_loads add constraint etl_loads_duplicate_of_fkey
  foreign key (workspace_id, duplicate_of) references public.etl_loads (workspace_id, id) on delete set null (duplicate_of);
alter table public.etl_load_errors drop constraint etl_load_errors_load_id_fkey;
alter table public.etl_load_errors add constraint etl_load_errors_load_id_fkey
  foreign key (workspace_id, load_id) references public.etl_loads (workspace_id, id) on delete cascade;

-- As before (see 20261126110000), but a policy is looked up in the workspace of the new terms
-- only: an id from another workspace finds nothing here (and the foreign key refuses it).
create or replace function private.refuse_archived_policy()
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
  where p.workspace_id = new.workspace_id and p.id = new.kpi_policy_id and p.archived_at is not null
    and not exists (select 1 from public.offer_versions v where v.workspace_id = new.workspace_id and v.offer_id = new.offer_id and v.kpi_policy_id = p.id);
  if kpi_name is not null then
    raise exception 'KPI policy % is archived: restore it before attaching it to new terms', kpi_name
      using errcode = 'PL001', hint = 'Choose another KPI policy, or restore this one first.';
  end if;
  select p.name into cap_name from public.cap_policies p
  where p.workspace_id = new.workspace_id and p.id = new.cap_policy_id and p.archived_at is not null
    and not exists (select 1 from public.offer_versions v where v.workspace_id = new.workspace_id and v.offer_id = new.offer_id and v.cap_policy_id = p.id);
  if cap_name is not null then
    raise exception 'Cap policy % is archived: restore it before attaching it to new terms', cap_name
      using errcode = 'PL001', hint = 'Choose another cap policy, or restore this one first.';
  end if;
  return new;
end $$;

-- As before (see 20261126080300), but a load the caller cannot see is "not found" in HTTP
-- terms too: SQLSTATE PT404 is PostgREST's way to answer 404 from SQL.
create or replace function private.etl_load_for_change(load uuid)
returns public.etl_loads
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
  current public.etl_loads;
begin
  select * into current from public.etl_loads l where l.id = load and private.has_role(l.workspace_id, private.all_roles());
  if current.id is null then
    raise exception 'Load % does not exist', load using errcode = 'PT404';
  end if;
  if not private.has_role(current.workspace_id, '{media_buyer,admin}') then
    raise exception 'Only media buyers and admins can change loads' using errcode = '42501';
  end if;
  return current;
end $$;

-- As before (see 20261126090200), looking only at the new terms' own workspace: its error names
-- a version and an offer code, which must never be another workspace's.
create or replace function private.refuse_overlapping_version()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  clash public.offer_versions;
  offer_code text;
begin
  select v.* into clash from public.offer_versions v
  where v.workspace_id = new.workspace_id and v.offer_id = new.offer_id and v.id <> new.id
    and tstzrange(v.valid_from, v.valid_to, '[)') && tstzrange(new.valid_from, new.valid_to, '[)')
  order by v.valid_from
  limit 1;
  if clash.id is not null then
    select o.code into offer_code from public.offers o where o.workspace_id = new.workspace_id and o.id = new.offer_id;
    raise exception 'These terms overlap version % of offer % (valid from % to %)',
      clash.id, offer_code, private.moment(clash.valid_from), coalesce(private.moment(clash.valid_to), 'open end')
      using errcode = '23P01',
        detail = format('clashing_version=%s valid_from=%s valid_to=%s', clash.id, clash.valid_from, clash.valid_to),
        hint = 'Start the new version after that one ends, or open it with open_offer_version(), which closes the current version.';
  end if;
  return new;
end $$;

-- As before (see 20261126090200), within the offer's own workspace.
create or replace function private.close_versions_of_inactive_offer()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  delete from public.offer_versions v where v.workspace_id = new.workspace_id and v.offer_id = new.id and v.valid_from >= now();
  update public.offer_versions v set valid_to = now()
  where v.workspace_id = new.workspace_id and v.offer_id = new.id and (v.valid_to is null or v.valid_to > now());
  return null;
end $$;
