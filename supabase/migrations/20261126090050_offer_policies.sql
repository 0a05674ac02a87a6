-- KPI and cap policies: named rule sets an offer version points to, so the same terms are
-- written once and reused across offers.

-- What the program expects of the traffic (e.g. reg→FTD ratio, minimum deposit).
create table public.kpi_policies (
  id uuid primary key default gen_random_uuid(),
  workspace_id uuid not null references public.workspaces (id) on delete cascade,
  name text not null check (length(trim(name)) between 1 and 120),
  description text,
  -- Machine-readable thresholds, e.g. {"min_reg_to_ftd": 0.1, "min_deposit": 20}.
  requirements jsonb not null default '{}' check (jsonb_typeof(requirements) = 'object'),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  unique (workspace_id, id)
);
create unique index kpi_policies_name_idx on public.kpi_policies (workspace_id, lower(name));

-- How many conversions the program accepts per period.
create table public.cap_policies (
  id uuid primary key default gen_random_uuid(),
  workspace_id uuid not null references public.workspaces (id) on delete cascade,
  name text not null check (length(trim(name)) between 1 and 120),
  period text not null default 'day' check (period in ('day', 'week', 'month', 'total')),
  -- The conversion the cap counts (usually first deposits).
  event_type public.tw_event_type not null default 'first_deposit',
  cap_limit integer not null check (cap_limit > 0),
  notes text,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  unique (workspace_id, id)
);
create unique index cap_policies_name_idx on public.cap_policies (workspace_id, lower(name));

revoke all on public.kpi_policies, public.cap_policies from anon;

create trigger touch_updated_at before update on public.kpi_policies
  for each row execute function private.touch_updated_at();
create trigger touch_updated_at before update on public.cap_policies
  for each row execute function private.touch_updated_at();

select private.enable_audit('public.kpi_policies');
select private.enable_audit('public.cap_policies');

alter table public.kpi_policies enable row level security;
alter table public.cap_policies enable row level security;

create policy "members can read their workspace's KPI policies" on public.kpi_policies
  for select to authenticated using (private.has_role(workspace_id, private.all_roles()));
create policy "affiliate managers and admins can add KPI policies" on public.kpi_policies
  for insert to authenticated with check (private.has_role(workspace_id, '{affiliate_manager,admin}'));
create policy "affiliate managers and admins can change KPI policies" on public.kpi_policies
  for update to authenticated
  using (private.has_role(workspace_id, '{affiliate_manager,admin}')) with check (private.has_role(workspace_id, '{affiliate_manager,admin}'));
create policy "affiliate managers and admins can delete KPI policies" on public.kpi_policies
  for delete to authenticated using (private.has_role(workspace_id, '{affiliate_manager,admin}'));

create policy "members can read their workspace's cap policies" on public.cap_policies
  for select to authenticated using (private.has_role(workspace_id, private.all_roles()));
create policy "affiliate managers and admins can add cap policies" on public.cap_policies
  for insert to authenticated with check (private.has_role(workspace_id, '{affiliate_manager,admin}'));
create policy "affiliate managers and admins can change cap policies" on public.cap_policies
  for update to authenticated
  using (private.has_role(workspace_id, '{affiliate_manager,admin}')) with check (private.has_role(workspace_id, '{affiliate_manager,admin}'));
create policy "affiliate managers and admins can delete cap policies" on public.cap_policies
  for delete to authenticated using (private.has_role(workspace_id, '{affiliate_manager,admin}'));
