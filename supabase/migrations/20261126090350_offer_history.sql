-- The offer's history: one row per changed field of an offer or one of its versions, written
-- by triggers (so no path skips it). audit_log keeps whole rows; this is what people read.

create table public.offer_audit_log (
  id bigint generated always as identity primary key,
  workspace_id uuid not null references public.workspaces (id) on delete cascade,
  -- No foreign key: the history of a deleted offer stays readable.
  offer_id uuid not null,
  -- Set when the field belongs to a version of the offer, not to the offer itself.
  offer_version_id uuid,
  field text not null,
  -- Values as text (jsonb text for arrays); null where the field had no value.
  old_value text,
  new_value text,
  changed_by uuid,
  changed_at timestamptz not null default now()
);
create index offer_audit_log_offer_idx on public.offer_audit_log (offer_id, changed_at, id);
create index offer_audit_log_workspace_idx on public.offer_audit_log (workspace_id, changed_at desc);

-- Written only by the trigger below; nobody changes or deletes it through the API.
revoke all on public.offer_audit_log from anon;
revoke insert, update, delete, truncate on public.offer_audit_log from authenticated;

create function private.log_offer_fields()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  old_row jsonb := case when tg_op <> 'INSERT' then to_jsonb(old) end;
  new_row jsonb := case when tg_op <> 'DELETE' then to_jsonb(new) end;
  changed jsonb := coalesce(new_row, old_row);
  is_version boolean := tg_table_name = 'offer_versions';
begin
  -- Rows going with their deleted workspace leave no history behind.
  if tg_op = 'DELETE' and not exists (select 1 from public.workspaces w where w.id = (changed ->> 'workspace_id')::uuid) then
    return null;
  end if;
  insert into public.offer_audit_log (workspace_id, offer_id, offer_version_id, field, old_value, new_value, changed_by)
  select (changed ->> 'workspace_id')::uuid,
    (changed ->> case when is_version then 'offer_id' else 'id' end)::uuid,
    case when is_version then (changed ->> 'id')::uuid end,
    f.key, old_row ->> f.key, new_row ->> f.key, private.acting_user()
  from jsonb_object_keys(changed) f (key)
  where f.key not in ('id', 'workspace_id', 'offer_id', 'created_at', 'updated_at', 'created_by')
    and coalesce(old_row -> f.key, 'null') is distinct from coalesce(new_row -> f.key, 'null')
  order by f.key;
  return null;
end $$;

create trigger log_offer_fields after insert or update or delete on public.offers
  for each row execute function private.log_offer_fields();
create trigger log_offer_fields after insert or update or delete on public.offer_versions
  for each row execute function private.log_offer_fields();

alter table public.offer_audit_log enable row level security;

create policy "members can read their workspace's offer history" on public.offer_audit_log
  for select to authenticated using (private.has_role(workspace_id, private.all_roles()));
