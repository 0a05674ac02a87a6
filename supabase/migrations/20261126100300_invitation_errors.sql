-- Invitations as admins manage them from the app: a withdrawn invitation is kept, marked
-- revoked, so its link says why it no longer works; accept_invitation() refuses with one
-- SQLSTATE per reason, so the app tells the reasons apart without reading English text;
-- and every member can list the workspace's people with their email addresses.
--
-- accept_invitation()'s SQLSTATEs (class IV, "invitation"; PostgREST answers them with 400):
--   IV001  no invitation has this token
--   IV002  already used
--   IV003  expired (the message ends with the day, YYYY-MM-DD)
--   IV004  revoked by an admin
--   IV005  sent to another email address than the caller's

alter table public.workspace_invitations
  -- When an admin withdrew the invitation (revoke_invitation()), and who.
  add column revoked_at timestamptz,
  add column revoked_by uuid references auth.users (id) on delete set null,
  add constraint workspace_invitations_used_or_revoked check (accepted_at is null or revoked_at is null);

-- A revoked invitation no longer counts as open, so the address can be invited again.
drop index public.workspace_invitations_open_email_idx;
create unique index workspace_invitations_open_email_idx
  on public.workspace_invitations (workspace_id, lower(email)) where accepted_at is null and revoked_at is null;

-- Joins the workspace an invitation names, if it was sent to the caller's email and is still open.
create or replace function public.accept_invitation(invitation_token uuid)
returns public.workspace_members
language plpgsql
security definer
set search_path = ''
as $$
declare
  invitation public.workspace_invitations;
  membership public.workspace_members;
  ask_again constant text := 'Ask the workspace admin for a new invitation link.';
begin
  select * into invitation from public.workspace_invitations i where i.token = invitation_token for update;
  if invitation.id is null then
    raise exception 'This invitation does not exist' using errcode = 'IV001', hint = ask_again;
  end if;
  if invitation.accepted_at is not null then
    raise exception 'This invitation was already used' using errcode = 'IV002', hint = ask_again;
  end if;
  if invitation.revoked_at is not null then
    raise exception 'This invitation was revoked by the workspace admin' using errcode = 'IV004', hint = ask_again;
  end if;
  if invitation.expires_at < now() then
    raise exception 'This invitation expired on %', to_char(invitation.expires_at, 'YYYY-MM-DD') using errcode = 'IV003', hint = ask_again;
  end if;
  if lower(invitation.email) <> lower(coalesce(auth.email(), '')) then
    raise exception 'This invitation was sent to another email address' using errcode = 'IV005', hint = 'Sign in with the address the invitation was sent to.';
  end if;
  insert into public.workspace_members (workspace_id, user_id, role)
  values (invitation.workspace_id, auth.uid(), invitation.role)
  on conflict (workspace_id, user_id) do update set role = excluded.role
  returning * into membership;
  update public.workspace_invitations set accepted_at = now(), accepted_by = auth.uid() where id = invitation.id;
  return membership;
end $$;

-- Withdraws an open invitation; revoking one twice is not an error. Security invoker: RLS
-- shows invitations to the workspace's admins only, so nobody else finds one to revoke.
create function public.revoke_invitation(invitation_id uuid)
returns public.workspace_invitations
language plpgsql
set search_path = ''
as $$
declare
  invitation public.workspace_invitations;
begin
  select * into invitation from public.workspace_invitations i where i.id = invitation_id for update;
  if invitation.id is null then
    raise exception 'Only the workspace''s admins can revoke its invitations' using errcode = '42501';
  end if;
  if invitation.accepted_at is not null then
    raise exception 'This invitation was already used' using errcode = 'IV002', hint = 'Remove the member instead.';
  end if;
  if invitation.revoked_at is null then
    update public.workspace_invitations i set revoked_at = now(), revoked_by = auth.uid()
    where i.id = invitation_id
    returning * into invitation;
  end if;
  return invitation;
end $$;
revoke all on function public.revoke_invitation(uuid) from public, anon;
grant execute on function public.revoke_invitation(uuid) to authenticated;

-- The workspace's people for any of its members: the policies on workspace_members show
-- non-admins only their own row, and emails live in auth.users, which the API never exposes.
create function public.list_workspace_members(workspace uuid)
returns table (user_id uuid, email text, display_name text, role public.member_role, joined_at timestamptz)
language plpgsql
stable
security definer
set search_path = ''
as $$
begin
  if not private.has_role(workspace, private.all_roles()) then
    raise exception 'Only members of this workspace can see its members' using errcode = '42501',
      hint = 'Choose one of your workspaces, or ask its admin for an invitation.';
  end if;
  return query
    select m.user_id, u.email::text, coalesce(p.display_name, ''), m.role, m.created_at
    from public.workspace_members m
    join auth.users u on u.id = m.user_id
    left join public.profiles p on p.user_id = m.user_id
    where m.workspace_id = workspace
    order by lower(coalesce(nullif(p.display_name, ''), u.email::text)), m.user_id;
end $$;
revoke all on function public.list_workspace_members(uuid) from public, anon;
grant execute on function public.list_workspace_members(uuid) to authenticated;
