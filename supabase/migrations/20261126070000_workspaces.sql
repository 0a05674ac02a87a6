-- Tenancy: a workspace is one team's data; members hold exactly one role in it.
-- Every business row carries workspace_id and every policy asks private.has_role().

create schema if not exists private;
grant usage on schema private to anon, authenticated, service_role;

create type public.member_role as enum ('media_buyer', 'affiliate_manager', 'finance', 'admin', 'read_only');

-- A team. Created through create_workspace(), which makes the caller its first admin.
create table public.workspaces (
  id uuid primary key default gen_random_uuid(),
  name text not null check (length(trim(name)) between 1 and 120),
  -- Reporting currency of the team's dashboards (ISO 4217).
  base_currency text not null default 'USD' check (base_currency ~ '^[A-Z]{3}$'),
  created_by uuid references auth.users (id) on delete set null,
  created_at timestamptz not null default now()
);

-- Who belongs to which workspace, with one role each.
create table public.workspace_members (
  workspace_id uuid not null references public.workspaces (id) on delete cascade,
  user_id uuid not null references auth.users (id) on delete cascade,
  role public.member_role not null,
  created_at timestamptz not null default now(),
  primary key (workspace_id, user_id)
);
create index workspace_members_user_idx on public.workspace_members (user_id);

-- An admin's invitation; the invitee accepts it with accept_invitation(token) after signing up.
create table public.workspace_invitations (
  id uuid primary key default gen_random_uuid(),
  workspace_id uuid not null references public.workspaces (id) on delete cascade,
  email text not null check (email ~ '^[^@\s]+@[^@\s]+$'),
  role public.member_role not null,
  -- Secret the invitation link carries.
  token uuid not null unique default gen_random_uuid(),
  invited_by uuid references auth.users (id) on delete set null default auth.uid(),
  created_at timestamptz not null default now(),
  expires_at timestamptz not null default now() + interval '7 days',
  accepted_at timestamptz,
  accepted_by uuid references auth.users (id) on delete set null
);
create unique index workspace_invitations_open_email_idx
  on public.workspace_invitations (workspace_id, lower(email)) where accepted_at is null;

-- A person's own settings, one row per auth user.
create table public.profiles (
  user_id uuid primary key references auth.users (id) on delete cascade,
  display_name text not null default '' check (length(display_name) <= 120),
  locale text not null default 'ru' check (locale in ('ru', 'en')),
  time_zone text not null default 'Europe/Moscow' check (now() at time zone time_zone is not null),
  -- For alerts through the Telegram bot (stage 7).
  telegram_id bigint,
  updated_at timestamptz not null default now()
);

revoke all on public.workspaces, public.workspace_members, public.workspace_invitations, public.profiles from anon;

-- Membership and role in one place; security definer so policies on workspace_members itself
-- do not recurse.
create function private.has_role(workspace uuid, roles public.member_role[])
returns boolean
language sql
stable
security definer
set search_path = ''
as $$
  select exists (
    select 1 from public.workspace_members m
    where m.workspace_id = workspace and m.user_id = auth.uid() and m.role = any (roles)
  )
$$;
revoke all on function private.has_role(uuid, public.member_role[]) from public;
grant execute on function private.has_role(uuid, public.member_role[]) to authenticated, service_role;

-- Every role, for "any member may" policies.
create function private.all_roles()
returns public.member_role[]
language sql
immutable
set search_path = ''
as $$ select enum_range(null::public.member_role) $$;
grant execute on function private.all_roles() to authenticated, service_role;

-- Whether two users share a workspace: members see each other's names.
create function private.shares_workspace(other uuid)
returns boolean
language sql
stable
security definer
set search_path = ''
as $$
  select exists (
    select 1 from public.workspace_members mine
    join public.workspace_members theirs on theirs.workspace_id = mine.workspace_id
    where mine.user_id = auth.uid() and theirs.user_id = other
  )
$$;
revoke all on function private.shares_workspace(uuid) from public;
grant execute on function private.shares_workspace(uuid) to authenticated, service_role;

-- A workspace keeps at least one admin, so nobody locks a team out of its own settings.
create function private.keep_an_admin()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  if old.role = 'admin' and (tg_op = 'DELETE' or new.role <> 'admin') and not exists (
    select 1 from public.workspace_members m
    where m.workspace_id = old.workspace_id and m.role = 'admin' and m.user_id <> old.user_id
  ) and exists (select 1 from public.workspaces w where w.id = old.workspace_id) then
    raise exception 'The workspace needs at least one admin: make another member admin first'
      using errcode = 'P0001', hint = 'Change another member''s role to admin, then retry.';
  end if;
  return case when tg_op = 'DELETE' then old else new end;
end $$;

create trigger keep_an_admin before update of role or delete on public.workspace_members
  for each row execute function private.keep_an_admin();

-- Every new auth user gets a profile, named from sign-up metadata or the email.
create function private.create_profile()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  insert into public.profiles (user_id, display_name, locale)
  values (
    new.id,
    coalesce(nullif(new.raw_user_meta_data ->> 'display_name', ''), split_part(coalesce(new.email, ''), '@', 1)),
    case when new.raw_user_meta_data ->> 'locale' = 'en' then 'en' else 'ru' end
  )
  on conflict (user_id) do nothing;
  return new;
end $$;

create trigger create_profile after insert on auth.users
  for each row execute function private.create_profile();

create function private.touch_updated_at()
returns trigger
language plpgsql
set search_path = ''
as $$
begin
  new.updated_at := now();
  return new;
end $$;

create trigger touch_updated_at before update on public.profiles
  for each row execute function private.touch_updated_at();

alter table public.workspaces enable row level security;
alter table public.workspace_members enable row level security;
alter table public.workspace_invitations enable row level security;
alter table public.profiles enable row level security;

create policy "members can read their workspace" on public.workspaces
  for select to authenticated using (private.has_role(id, private.all_roles()));
create policy "admins can change their workspace" on public.workspaces
  for update to authenticated using (private.has_role(id, '{admin}')) with check (private.has_role(id, '{admin}'));

create policy "members can read their own membership" on public.workspace_members
  for select to authenticated using (user_id = auth.uid());
create policy "admins can read their workspace's members" on public.workspace_members
  for select to authenticated using (private.has_role(workspace_id, '{admin}'));
create policy "admins can add members" on public.workspace_members
  for insert to authenticated with check (private.has_role(workspace_id, '{admin}'));
create policy "admins can change members' roles" on public.workspace_members
  for update to authenticated using (private.has_role(workspace_id, '{admin}')) with check (private.has_role(workspace_id, '{admin}'));
create policy "admins can remove members" on public.workspace_members
  for delete to authenticated using (private.has_role(workspace_id, '{admin}'));

create policy "admins can read invitations" on public.workspace_invitations
  for select to authenticated using (private.has_role(workspace_id, '{admin}'));
create policy "admins can invite people" on public.workspace_invitations
  for insert to authenticated with check (private.has_role(workspace_id, '{admin}') and invited_by = auth.uid());
create policy "admins can change invitations" on public.workspace_invitations
  for update to authenticated using (private.has_role(workspace_id, '{admin}')) with check (private.has_role(workspace_id, '{admin}'));
create policy "admins can withdraw invitations" on public.workspace_invitations
  for delete to authenticated using (private.has_role(workspace_id, '{admin}'));

create policy "people can read their own profile and their teammates'" on public.profiles
  for select to authenticated using (user_id = auth.uid() or private.shares_workspace(user_id));
create policy "people can change their own profile" on public.profiles
  for update to authenticated using (user_id = auth.uid()) with check (user_id = auth.uid());

-- Creates a workspace with the caller as its first admin.
create function public.create_workspace(name text, base_currency text default 'USD')
returns public.workspaces
language plpgsql
security definer
set search_path = ''
as $$
declare
  created public.workspaces;
begin
  if auth.uid() is null then
    raise exception 'Sign in to create a workspace' using errcode = '42501';
  end if;
  insert into public.workspaces (name, base_currency, created_by)
  values (create_workspace.name, create_workspace.base_currency, auth.uid())
  returning * into created;
  insert into public.workspace_members (workspace_id, user_id, role) values (created.id, auth.uid(), 'admin');
  return created;
end $$;
revoke all on function public.create_workspace(text, text) from public, anon;
grant execute on function public.create_workspace(text, text) to authenticated;

-- Joins the workspace an invitation names, if it was sent to the caller's email and is still open.
create function public.accept_invitation(invitation_token uuid)
returns public.workspace_members
language plpgsql
security definer
set search_path = ''
as $$
declare
  invitation public.workspace_invitations;
  membership public.workspace_members;
begin
  select * into invitation from public.workspace_invitations i where i.token = invitation_token for update;
  if invitation.id is null then
    raise exception 'This invitation does not exist' using errcode = 'P0001', hint = 'Ask the workspace admin for a new invitation link.';
  end if;
  if invitation.accepted_at is not null then
    raise exception 'This invitation was already used' using errcode = 'P0001', hint = 'Ask the workspace admin for a new invitation link.';
  end if;
  if invitation.expires_at < now() then
    raise exception 'This invitation expired on %', to_char(invitation.expires_at, 'YYYY-MM-DD') using errcode = 'P0001', hint = 'Ask the workspace admin for a new invitation link.';
  end if;
  if lower(invitation.email) <> lower(coalesce(auth.email(), '')) then
    raise exception 'This invitation was sent to another email address' using errcode = '42501', hint = 'Sign in with the address the invitation was sent to.';
  end if;
  insert into public.workspace_members (workspace_id, user_id, role)
  values (invitation.workspace_id, auth.uid(), invitation.role)
  on conflict (workspace_id, user_id) do update set role = excluded.role
  returning * into membership;
  update public.workspace_invitations set accepted_at = now(), accepted_by = auth.uid() where id = invitation.id;
  return membership;
end $$;
revoke all on function public.accept_invitation(uuid) from public, anon;
grant execute on function public.accept_invitation(uuid) to authenticated;
