-- An access token outlives its session: after sign-out it still verifies until it expires (an
-- hour, Supabase's default). Where a stolen token would do the most harm, the session behind it
-- must still exist: managing a workspace, its members and its invitations (and money, once
-- finance lands, through the same helper).

-- Whether the caller's token belongs to a session that still exists and has not run out.
-- Signing out deletes the session (Supabase Auth does the same).
create function private.session_is_live()
returns boolean
language sql
stable
security definer
set search_path = ''
as $$
  select exists (
    select 1 from auth.sessions s
    where s.id::text = auth.jwt() ->> 'session_id' and s.user_id = auth.uid()
      and (s.not_after is null or s.not_after > now())
  )
$$;
revoke all on function private.session_is_live() from public, anon;
grant execute on function private.session_is_live() to authenticated, service_role;

create policy "workspace changes need a live session" on public.workspaces
  as restrictive for update to authenticated using (private.session_is_live()) with check (private.session_is_live());
create policy "role changes need a live session" on public.workspace_members
  as restrictive for update to authenticated using (private.session_is_live()) with check (private.session_is_live());
create policy "removing members needs a live session" on public.workspace_members
  as restrictive for delete to authenticated using (private.session_is_live());
create policy "inviting needs a live session" on public.workspace_invitations
  as restrictive for insert to authenticated with check (private.session_is_live());
create policy "changing invitations needs a live session" on public.workspace_invitations
  as restrictive for update to authenticated using (private.session_is_live()) with check (private.session_is_live());
create policy "withdrawing invitations needs a live session" on public.workspace_invitations
  as restrictive for delete to authenticated using (private.session_is_live());
