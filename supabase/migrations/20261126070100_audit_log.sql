-- The audit trail: one row per insert, update or delete of a business row, written by
-- triggers (so no code path can skip it) and never changed afterwards.

create table public.audit_log (
  id bigint generated always as identity primary key,
  -- Null for rows outside any workspace (profiles).
  workspace_id uuid,
  -- The acting person: the JWT's user, or the user a service-role function acts for.
  user_id uuid,
  action text not null check (action in ('insert', 'update', 'delete')),
  table_name text not null,
  row_id text,
  -- For updates only the columns that changed; whole rows for inserts and deletes.
  old_values jsonb,
  new_values jsonb,
  at timestamptz not null default now()
);
create index audit_log_workspace_at_idx on public.audit_log (workspace_id, at desc);
create index audit_log_workspace_user_idx on public.audit_log (workspace_id, user_id, at desc);
create index audit_log_workspace_table_idx on public.audit_log (workspace_id, table_name, at desc);

-- Append-only for every API role; the triggers below stop the owner too.
revoke all on public.audit_log from anon, authenticated, service_role;
grant select on public.audit_log to authenticated, service_role;

-- Who acts: the signed-in user; for the service role (edge functions) the user it names in
-- the X-Acting-User header or, over a direct connection, in the app.acting_user setting.
create function private.acting_user()
returns uuid
language plpgsql
stable
set search_path = ''
as $$
declare
  named text;
begin
  if auth.uid() is not null and coalesce(auth.role(), '') <> 'service_role' then
    return auth.uid();
  end if;
  named := coalesce(
    nullif(current_setting('request.headers', true), '')::jsonb ->> 'x-acting-user',
    nullif(current_setting('app.acting_user', true), '')
  );
  return case when named ~* '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$' then named::uuid else auth.uid() end;
end $$;

-- Writes one audit row for the changed row. TG_ARGV[0] names the column that identifies the
-- row (default id), TG_ARGV[1] the column holding its workspace (default workspace_id).
create function private.audit_row()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  old_row jsonb := case when tg_op <> 'INSERT' then to_jsonb(old) end;
  new_row jsonb := case when tg_op <> 'DELETE' then to_jsonb(new) end;
  id_column text := coalesce(tg_argv[0], 'id');
  workspace_column text := coalesce(tg_argv[1], 'workspace_id');
  changed_old jsonb;
  changed_new jsonb;
begin
  if tg_op = 'UPDATE' then
    select jsonb_object_agg(o.key, o.value), jsonb_object_agg(o.key, new_row -> o.key)
      into changed_old, changed_new
    from jsonb_each(old_row) o
    where o.value is distinct from new_row -> o.key;
    if changed_old is null then
      return new;
    end if;
  end if;
  insert into public.audit_log (workspace_id, user_id, action, table_name, row_id, old_values, new_values)
  values (
    nullif(coalesce(new_row, old_row) ->> workspace_column, '')::uuid,
    private.acting_user(),
    lower(tg_op),
    tg_table_name,
    coalesce(new_row, old_row) ->> id_column,
    case when tg_op = 'UPDATE' then changed_old else old_row end,
    case when tg_op = 'UPDATE' then changed_new else new_row end
  );
  return case when tg_op = 'DELETE' then old else new end;
end $$;

create function private.refuse_audit_change()
returns trigger
language plpgsql
set search_path = ''
as $$
begin
  raise exception 'The audit log is append-only: its rows cannot be changed or deleted' using errcode = '42501';
end $$;

-- Puts the audit trigger on a business table; later migrations call it for each new table.
create function private.enable_audit(target regclass, id_column text default 'id', workspace_column text default 'workspace_id')
returns void
language plpgsql
set search_path = ''
as $$
begin
  execute format(
    'create trigger audit_row after insert or update or delete on %s for each row execute function private.audit_row(%L, %L)',
    target, id_column, workspace_column
  );
end $$;

create trigger refuse_audit_change before update or delete on public.audit_log
  for each row execute function private.refuse_audit_change();
create trigger refuse_audit_truncate before truncate on public.audit_log
  for each statement execute function private.refuse_audit_change();

select private.enable_audit('public.workspaces', 'id', 'id');
select private.enable_audit('public.workspace_members', 'user_id');
select private.enable_audit('public.workspace_invitations');
select private.enable_audit('public.profiles', 'user_id');

alter table public.audit_log enable row level security;

create policy "admins can read their workspace's audit log" on public.audit_log
  for select to authenticated using (private.has_role(workspace_id, '{admin}'));
