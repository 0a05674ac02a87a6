-- Columns the server sets are the server's. An attack review found members writing them:
-- reserving the global apply order of loads (etl_loads.applied_seq) so other workspaces'
-- loads failed, pointing a load at another workspace's (duplicate_of), and signing programs,
-- mappings and invitations in someone else's name. Now the API roles may write only the
-- columns a person chooses; authorship is stamped from the caller's token.

-- Loads: members name the file and its workspace; status, order, counters and links are the ETL's.
revoke insert, update on public.etl_loads from authenticated;
grant insert (workspace_id, source, network, file_name, content_hash, size_bytes) on public.etl_loads to authenticated;

-- Invitations: admins choose who, with which role, until when; accepting and withdrawing go
-- through accept_invitation() and revoke_invitation().
revoke insert, update on public.workspace_invitations from authenticated;
grant insert (workspace_id, email, role, expires_at) on public.workspace_invitations to authenticated;
grant update (role, expires_at) on public.workspace_invitations to authenticated;

-- Who wrote a row, set from the caller's token whatever the request says. Each argument is
-- `column:kind`: an `author` is stamped on insert and kept on update; an `updater` is stamped
-- on both. Only requests made as an API role are stamped: functions that run as the owner
-- (security definer) and the service role set these columns themselves.
create function private.stamp_authorship()
returns trigger
language plpgsql
set search_path = ''
as $$
declare
  stamp jsonb := '{}';
  spec text;
  col text;
begin
  if current_user not in ('anon', 'authenticated') then
    return new;
  end if;
  foreach spec in array tg_argv loop
    col := split_part(spec, ':', 1);
    if split_part(spec, ':', 2) = 'updater' or tg_op = 'INSERT' then
      stamp := stamp || jsonb_build_object(col, auth.uid());
    else
      stamp := stamp || jsonb_build_object(col, to_jsonb(old) -> col);
    end if;
  end loop;
  return jsonb_populate_record(new, stamp);
end $$;

create trigger stamp_authorship before insert or update on public.workspaces
  for each row execute function private.stamp_authorship('created_by:author');
create trigger stamp_authorship before insert or update on public.workspace_invitations
  for each row execute function private.stamp_authorship('invited_by:author');
create trigger stamp_authorship before insert or update on public.etl_loads
  for each row execute function private.stamp_authorship('created_by:author');
create trigger stamp_authorship before insert or update on public.column_mappings
  for each row execute function private.stamp_authorship('updated_by:updater');
create trigger stamp_authorship before insert or update on public.affiliate_programs
  for each row execute function private.stamp_authorship('created_by:author');
create trigger stamp_authorship before insert or update on public.program_contact_log
  for each row execute function private.stamp_authorship('author:author');
create trigger stamp_authorship before insert or update on public.offers
  for each row execute function private.stamp_authorship('created_by:author');
create trigger stamp_authorship before insert or update on public.offer_versions
  for each row execute function private.stamp_authorship('author:author');
create trigger stamp_authorship before insert or update on public.offer_mapping
  for each row execute function private.stamp_authorship('created_by:author');

-- As before (see 20261126100300), now with the owner's rights, since admins no longer write
-- revoked_at / revoked_by themselves; it checks the caller is an admin of the invitation's
-- workspace before it reads anything else of it.
create or replace function public.revoke_invitation(invitation_id uuid)
returns public.workspace_invitations
language plpgsql
security definer
set search_path = ''
as $$
declare
  invitation public.workspace_invitations;
begin
  select * into invitation from public.workspace_invitations i
  where i.id = invitation_id and private.has_role(i.workspace_id, '{admin}') and private.session_is_live()
  for update;
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
