-- Versioned payout terms (SCD2). Terms never change in place: open_offer_version() opens a
-- new version from a moment and closes the previous one. Validity is [valid_from, valid_to);
-- no moment falls in two versions of one offer (the exclusion constraint is the final guard;
-- a trigger first names the clashing version in the error).

create extension if not exists btree_gist with schema extensions;

-- One period of an offer's terms.
create table public.offer_versions (
  id uuid primary key default gen_random_uuid(),
  workspace_id uuid not null references public.workspaces (id) on delete cascade,
  offer_id uuid not null,
  valid_from timestamptz not null,
  -- Null: open, valid until a newer version closes it.
  valid_to timestamptz,
  -- ISO country codes the terms apply to; empty: every GEO. offer_geo may give a GEO its own rate.
  geos text[] not null default '{}' check (array_to_string(geos, ',') ~ '^([A-Z]{2}(,|$))*$'),
  -- Payout per conversion (CPA) or revenue share in percent (RevShare).
  rate numeric(18, 4) not null check (rate >= 0),
  currency text not null check (currency ~ '^[A-Z]{3}$'),
  kpi_policy_id uuid,
  cap_policy_id uuid,
  -- prelanding, direct, app…: how traffic reaches the offer.
  landing_type text check (length(landing_type) <= 64),
  -- The creative angle the program approved (e.g. "bonus", "review").
  approach text check (length(approach) <= 500),
  notes text,
  author uuid references auth.users (id) on delete set null,
  -- Why an admin opened this version in the past over events already counted under old terms.
  backdate_reason text,
  created_at timestamptz not null default now(),
  unique (workspace_id, id),
  check (valid_to is null or valid_to > valid_from),
  foreign key (workspace_id, offer_id) references public.offers (workspace_id, id) on delete cascade,
  foreign key (workspace_id, kpi_policy_id) references public.kpi_policies (workspace_id, id),
  foreign key (workspace_id, cap_policy_id) references public.cap_policies (workspace_id, id),
  constraint offer_versions_no_overlap exclude using gist (offer_id with =, tstzrange(valid_from, valid_to, '[)') with &&)
);
create index offer_versions_workspace_idx on public.offer_versions (workspace_id, offer_id, valid_from);

-- A GEO's own rate within a version, where it differs from the version's rate.
create table public.offer_geo (
  id uuid primary key default gen_random_uuid(),
  workspace_id uuid not null references public.workspaces (id) on delete cascade,
  offer_version_id uuid not null,
  geo text not null check (geo ~ '^[A-Z]{2}$'),
  rate numeric(18, 4) not null check (rate >= 0),
  -- Null: the version's currency.
  currency text check (currency ~ '^[A-Z]{3}$'),
  unique (offer_version_id, geo),
  foreign key (workspace_id, offer_version_id) references public.offer_versions (workspace_id, id) on delete cascade
);

-- Versions and their GEO rates are written only by open_offer_version() and status changes.
revoke all on public.offer_versions, public.offer_geo from anon;
revoke insert, update, delete, truncate on public.offer_versions, public.offer_geo from authenticated;

-- A moment as errors show it.
create function private.moment(at timestamptz)
returns text
language sql
immutable
set search_path = ''
as $$ select to_char(at at time zone 'UTC', 'YYYY-MM-DD HH24:MI:SS') || ' UTC' $$;

-- Names the version a new or moved one would overlap, before the constraint's anonymous error.
create function private.refuse_overlapping_version()
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
  where v.offer_id = new.offer_id and v.id <> new.id
    and tstzrange(v.valid_from, v.valid_to, '[)') && tstzrange(new.valid_from, new.valid_to, '[)')
  order by v.valid_from
  limit 1;
  if clash.id is not null then
    select o.code into offer_code from public.offers o where o.id = new.offer_id;
    raise exception 'These terms overlap version % of offer % (valid from % to %)',
      clash.id, offer_code, private.moment(clash.valid_from), coalesce(private.moment(clash.valid_to), 'open end')
      using errcode = '23P01',
        detail = format('clashing_version=%s valid_from=%s valid_to=%s', clash.id, clash.valid_from, clash.valid_to),
        hint = 'Start the new version after that one ends, or open it with open_offer_version(), which closes the current version.';
  end if;
  return new;
end $$;

-- Only valid_to moves (a version is closed); everything else is the terms.
create function private.refuse_term_change()
returns trigger
language plpgsql
set search_path = ''
as $$
begin
  if tg_table_name = 'offer_geo' or (to_jsonb(new) - 'valid_to') is distinct from (to_jsonb(old) - 'valid_to') then
    raise exception 'Offer terms never change in place' using errcode = 'P0001',
      hint = 'Open a new version from the date the new terms apply, with open_offer_version().';
  end if;
  return new;
end $$;

-- Deactivating an offer closes its versions now and withdraws those not started yet.
create function private.close_versions_of_inactive_offer()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  delete from public.offer_versions v where v.offer_id = new.id and v.valid_from >= now();
  update public.offer_versions v set valid_to = now()
  where v.offer_id = new.id and (v.valid_to is null or v.valid_to > now());
  return null;
end $$;

create trigger refuse_overlapping_version before insert or update of offer_id, valid_from, valid_to on public.offer_versions
  for each row execute function private.refuse_overlapping_version();
create trigger refuse_term_change before update on public.offer_versions
  for each row execute function private.refuse_term_change();
create trigger refuse_term_change before update on public.offer_geo
  for each row execute function private.refuse_term_change();
create trigger close_versions_of_inactive_offer after update of status on public.offers
  for each row when (new.status <> 'active' and old.status is distinct from new.status)
  execute function private.close_versions_of_inactive_offer();

select private.enable_audit('public.offer_versions');
select private.enable_audit('public.offer_geo');

alter table public.offer_versions enable row level security;
alter table public.offer_geo enable row level security;

create policy "members can read their workspace's offer versions" on public.offer_versions
  for select to authenticated using (private.has_role(workspace_id, private.all_roles()));
create policy "members can read their workspace's GEO rates" on public.offer_geo
  for select to authenticated using (private.has_role(workspace_id, private.all_roles()));
