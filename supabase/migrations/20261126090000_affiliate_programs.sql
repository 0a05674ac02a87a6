-- Affiliate programs: who pays for the offers, on what schedule, and how the team reaches them.

-- A program (an affiliate network or a direct advertiser) the team is paid by.
create table public.affiliate_programs (
  id uuid primary key default gen_random_uuid(),
  workspace_id uuid not null references public.workspaces (id) on delete cascade,
  name text not null check (length(trim(name)) between 1 and 120),
  -- Free-form main contact (manager's name, phone), besides affiliate_contacts.
  contact text,
  -- The payment terms as the program wrote them, for people; the columns below are for code.
  payment_terms text,
  -- net7/net15/net30: paid that many days after the period closes; weekly: on payout_weekdays.
  payout_schedule text not null default 'net30' check (payout_schedule in ('net7', 'net15', 'net30', 'weekly')),
  -- ISO weekdays (1 = Monday … 7 = Sunday) of a weekly schedule.
  payout_weekdays smallint[] not null default '{}' check (payout_weekdays <@ '{1,2,3,4,5,6,7}'),
  -- Days a conversion is held before it counts towards a payout.
  hold_days integer not null default 0 check (hold_days between 0 and 365),
  default_currency text not null default 'USD' check (default_currency ~ '^[A-Z]{3}$'),
  minimum_payout numeric(18, 2) not null default 0 check (minimum_payout >= 0),
  invoice_email text check (invoice_email ~ '^[^@\s]+@[^@\s]+$'),
  -- The program's own time zone: its days and payout dates are counted in it.
  time_zone text not null default 'UTC' check (now() at time zone time_zone is not null),
  -- How the program pays: wire, usdt_trc20, paxum, capitalist…
  payment_channels text[] not null default '{}',
  status text not null default 'active' check (status in ('active', 'paused', 'archived')),
  created_by uuid references auth.users (id) on delete set null default auth.uid(),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  -- Lets child tables reference (workspace_id, id), so no row points into another workspace.
  unique (workspace_id, id),
  check (payout_schedule <> 'weekly' or cardinality(payout_weekdays) > 0)
);
create unique index affiliate_programs_name_idx on public.affiliate_programs (workspace_id, lower(name));

-- People at a program and how they prefer to be reached.
create table public.affiliate_contacts (
  id uuid primary key default gen_random_uuid(),
  workspace_id uuid not null references public.workspaces (id) on delete cascade,
  program_id uuid not null,
  name text not null check (length(trim(name)) between 1 and 120),
  email text check (email ~ '^[^@\s]+@[^@\s]+$'),
  -- Telegram username without the @, or a phone number.
  telegram text check (length(telegram) <= 64),
  preferred_channel text not null default 'telegram' check (preferred_channel in ('email', 'telegram', 'phone', 'other')),
  created_at timestamptz not null default now(),
  foreign key (workspace_id, program_id) references public.affiliate_programs (workspace_id, id) on delete cascade
);
create index affiliate_contacts_program_idx on public.affiliate_contacts (program_id);

-- The program's contact log: timestamped comments (calls, disputes, promises to pay).
create table public.program_contact_log (
  id bigint generated always as identity primary key,
  workspace_id uuid not null references public.workspaces (id) on delete cascade,
  program_id uuid not null,
  comment text not null check (length(trim(comment)) between 1 and 4000),
  author uuid references auth.users (id) on delete set null default auth.uid(),
  at timestamptz not null default now(),
  foreign key (workspace_id, program_id) references public.affiliate_programs (workspace_id, id) on delete cascade
);
create index program_contact_log_program_idx on public.program_contact_log (program_id, at desc);

revoke all on public.affiliate_programs, public.affiliate_contacts, public.program_contact_log from anon;
-- Log entries are not edited: a wrong one is deleted and written again.
revoke update on public.program_contact_log from authenticated;

create trigger touch_updated_at before update on public.affiliate_programs
  for each row execute function private.touch_updated_at();

select private.enable_audit('public.affiliate_programs');
select private.enable_audit('public.affiliate_contacts');
select private.enable_audit('public.program_contact_log');

alter table public.affiliate_programs enable row level security;
alter table public.affiliate_contacts enable row level security;
alter table public.program_contact_log enable row level security;

create policy "members can read their workspace's programs" on public.affiliate_programs
  for select to authenticated using (private.has_role(workspace_id, private.all_roles()));
create policy "affiliate managers and admins can add programs" on public.affiliate_programs
  for insert to authenticated with check (private.has_role(workspace_id, '{affiliate_manager,admin}'));
create policy "affiliate managers and admins can change programs" on public.affiliate_programs
  for update to authenticated
  using (private.has_role(workspace_id, '{affiliate_manager,admin}')) with check (private.has_role(workspace_id, '{affiliate_manager,admin}'));
create policy "affiliate managers and admins can delete programs" on public.affiliate_programs
  for delete to authenticated using (private.has_role(workspace_id, '{affiliate_manager,admin}'));

create policy "members can read their workspace's program contacts" on public.affiliate_contacts
  for select to authenticated using (private.has_role(workspace_id, private.all_roles()));
create policy "affiliate managers and admins can add program contacts" on public.affiliate_contacts
  for insert to authenticated with check (private.has_role(workspace_id, '{affiliate_manager,admin}'));
create policy "affiliate managers and admins can change program contacts" on public.affiliate_contacts
  for update to authenticated
  using (private.has_role(workspace_id, '{affiliate_manager,admin}')) with check (private.has_role(workspace_id, '{affiliate_manager,admin}'));
create policy "affiliate managers and admins can delete program contacts" on public.affiliate_contacts
  for delete to authenticated using (private.has_role(workspace_id, '{affiliate_manager,admin}'));

create policy "members can read their workspace's contact log" on public.program_contact_log
  for select to authenticated using (private.has_role(workspace_id, private.all_roles()));
create policy "affiliate managers and admins can write to the contact log" on public.program_contact_log
  for insert to authenticated
  with check (private.has_role(workspace_id, '{affiliate_manager,admin}') and author = auth.uid());
create policy "affiliate managers and admins can delete contact log entries" on public.program_contact_log
  for delete to authenticated using (private.has_role(workspace_id, '{affiliate_manager,admin}'));
