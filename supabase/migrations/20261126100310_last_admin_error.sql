-- The last-admin protection refuses with its own SQLSTATE, MB001 (class MB, "membership";
-- PostgREST answers 400), so the app recognises it by code. Message and hint as before.

create or replace function private.keep_an_admin()
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
      using errcode = 'MB001', hint = 'Change another member''s role to admin, then retry.';
  end if;
  return case when tg_op = 'DELETE' then old else new end;
end $$;
