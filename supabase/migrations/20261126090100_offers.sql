-- Offers: the canonical registry. An offer is what the team promotes; its payout terms live in
-- offer_versions, and TrafficWave identifiers reach it through offer_mapping.

-- active: terms apply; paused/archived: its open versions are closed (see offer_versions).
create table public.offers (
  id uuid primary key default gen_random_uuid(),
  workspace_id uuid not null references public.workspaces (id) on delete cascade,
  -- The team's short identifier, e.g. "PIN-UP-RU-CPA".
  code text not null check (code ~ '^\S(.*\S)?$' and length(code) <= 64),
  name text not null check (length(trim(name)) between 1 and 200),
  -- The advertised product or brand (one product may run through several programs).
  product text check (length(product) <= 200),
  program_id uuid,
  status text not null default 'active' check (status in ('active', 'paused', 'archived')),
  created_by uuid references auth.users (id) on delete set null default auth.uid(),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  unique (workspace_id, id),
  -- A program with offers is archived, not deleted.
  foreign key (workspace_id, program_id) references public.affiliate_programs (workspace_id, id)
);
create unique index offers_code_idx on public.offers (workspace_id, lower(code));
create index offers_program_idx on public.offers (program_id);

revoke all on public.offers from anon;

create trigger touch_updated_at before update on public.offers
  for each row execute function private.touch_updated_at();

select private.enable_audit('public.offers');

alter table public.offers enable row level security;

create policy "members can read their workspace's offers" on public.offers
  for select to authenticated using (private.has_role(workspace_id, private.all_roles()));
create policy "affiliate managers and admins can add offers" on public.offers
  for insert to authenticated with check (private.has_role(workspace_id, '{affiliate_manager,admin}'));
create policy "affiliate managers and admins can change offers" on public.offers
  for update to authenticated
  using (private.has_role(workspace_id, '{affiliate_manager,admin}')) with check (private.has_role(workspace_id, '{affiliate_manager,admin}'));
create policy "affiliate managers and admins can delete offers" on public.offers
  for delete to authenticated using (private.has_role(workspace_id, '{affiliate_manager,admin}'));
