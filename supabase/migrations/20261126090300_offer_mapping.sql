-- Mapping: which TrafficWave identifiers are which offer. A mapping names a TW offer id and,
-- optionally, a link title (when one TW offer runs under several links).

create table public.offer_mapping (
  id uuid primary key default gen_random_uuid(),
  workspace_id uuid not null references public.workspaces (id) on delete cascade,
  offer_id uuid not null,
  -- tw_events.offer_id as TrafficWave exports it.
  tw_offer_id text not null check (length(tw_offer_id) between 1 and 200),
  -- Null: every link of the TW offer; otherwise only events with this tw_events.link_title.
  link_title text check (length(link_title) between 1 and 500),
  -- Inactive mappings stay for history but no longer attribute events.
  is_active boolean not null default true,
  created_by uuid references auth.users (id) on delete set null default auth.uid(),
  created_at timestamptz not null default now(),
  foreign key (workspace_id, offer_id) references public.offers (workspace_id, id) on delete cascade
);
-- One active owner per TW offer id and link title.
create unique index offer_mapping_active_idx on public.offer_mapping (workspace_id, tw_offer_id, coalesce(link_title, '')) where is_active;
create index offer_mapping_offer_idx on public.offer_mapping (offer_id);

revoke all on public.offer_mapping from anon;

-- Whether a mapping covers an event: the one place that says how TW identifiers match.
create function private.mapping_covers(mapped_offer_id text, mapped_link_title text, event_offer_id text, event_link_title text)
returns boolean
language sql
immutable
set search_path = ''
as $$ select event_offer_id = mapped_offer_id and (mapped_link_title is null or event_link_title = mapped_link_title) $$;

-- An offer with TW events behind it is archived, not deleted, so no revenue loses its offer.
-- Skipped while the whole workspace is being deleted.
create function private.refuse_deleting_referenced_offer()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  referenced bigint;
begin
  if not exists (select 1 from public.workspaces w where w.id = old.workspace_id) then
    return old;
  end if;
  select count(*) into referenced
  from public.offer_mapping m
  join public.tw_events e on e.workspace_id = m.workspace_id and e.is_active
    and private.mapping_covers(m.tw_offer_id, m.link_title, e.offer_id, e.link_title)
  where m.offer_id = old.id;
  if referenced > 0 then
    raise exception 'Offer % cannot be deleted: % TrafficWave events reference it', old.code, referenced
      using errcode = '23503', hint = 'Archive the offer instead (status archived).';
  end if;
  return old;
end $$;

create trigger refuse_deleting_referenced_offer before delete on public.offers
  for each row execute function private.refuse_deleting_referenced_offer();

select private.enable_audit('public.offer_mapping');

alter table public.offer_mapping enable row level security;

create policy "members can read their workspace's offer mappings" on public.offer_mapping
  for select to authenticated using (private.has_role(workspace_id, private.all_roles()));
create policy "affiliate managers and admins can map offers" on public.offer_mapping
  for insert to authenticated with check (private.has_role(workspace_id, '{affiliate_manager,admin}'));
create policy "affiliate managers and admins can change offer mappings" on public.offer_mapping
  for update to authenticated
  using (private.has_role(workspace_id, '{affiliate_manager,admin}')) with check (private.has_role(workspace_id, '{affiliate_manager,admin}'));
create policy "affiliate managers and admins can delete offer mappings" on public.offer_mapping
  for delete to authenticated using (private.has_role(workspace_id, '{affiliate_manager,admin}'));
