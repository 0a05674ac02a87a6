-- Analytics filter presets shared with the workspace. Personal presets stay on the person's
-- device (app/stores/analytics.ts); a preset saved "for the workspace" lives here, where every
-- member sees it.
--
-- Who may do what: every member reads the workspace's presets; every member except read_only
-- shares new ones (read_only reads analytics and nothing else, see docs/access.md); the owner
-- renames, changes and deletes their own; admins change and delete anyone's, so a team can
-- tidy the shared list after someone leaves.

-- A named analytics selection (range, grouping, columns, filters, sort) the team shares.
create table public.saved_filters (
  id uuid primary key default gen_random_uuid(),
  workspace_id uuid not null references public.workspaces (id) on delete cascade,
  -- Who shared it. A profile (not auth.users) so the API can embed the owner's name; null once
  -- the owner's account is gone, after which admins manage the preset.
  owner_id uuid default auth.uid() references public.profiles (user_id) on delete set null,
  name text not null check (length(trim(name)) between 1 and 120),
  -- The selection as the app keeps it (AnalyticsSelection in app/lib/analytics.ts); its shape
  -- is checked by private.check_saved_filter() below.
  selection jsonb not null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
-- Names identify shared presets in the list, so one workspace has each name once.
create unique index saved_filters_name_idx on public.saved_filters (workspace_id, lower(name));
create index saved_filters_owner_idx on public.saved_filters (owner_id);

revoke all on public.saved_filters from anon;
-- Owner, workspace and times are set by the database: members write names and selections only.
revoke insert, update on public.saved_filters from authenticated;
grant insert (workspace_id, name, selection) on public.saved_filters to authenticated;
grant update (name, selection) on public.saved_filters to authenticated;

-- Why a selection cannot be stored, or null when it can. It accepts what readSelection() in
-- app/lib/analyticsPresets.ts accepts (the lists below mirror app/lib/analytics.ts, and
-- tests/db/savedFilters.test.ts checks that they still do), so every stored preset loads.
create function private.analytics_selection_problem(selection jsonb)
returns text
language plpgsql
immutable
set search_path = ''
as $$
declare
  dimensions constant text[] := '{date,campaign,offer,geo,source,network_campaign,creative}';
  metrics constant text[] := '{spend,impressions,ad_clicks,installs,clicks,unique_clicks,registrations,ftds,deposits,'
    'deposits_amount,revenue,chargebacks,chargeback_amount,profit,roi,ctr,cr_click_reg,cr_reg_ftd,cpi,cpa,cost_per_ftd,'
    'epc,arpu,other_currency_rows}';
  range_presets constant text[] := '{today,yesterday,last7,last30,thisMonth,lastMonth}';
  part text;
  chosen_range jsonb := selection -> 'range';
  sort_order jsonb := selection -> 'sort';
  filters jsonb := selection -> 'filters';
  item record;
  entry record;
begin
  if jsonb_typeof(selection) is distinct from 'object' then
    return 'selection is not an object';
  end if;
  if octet_length(selection::text) > 65536 then
    return 'selection is longer than 64 KB';
  end if;
  for part in select jsonb_object_keys(selection) loop
    if part <> all ('{range,groupBy,columns,filters,sort}') then
      return format('selection.%s is not part of a selection (range, groupBy, columns, filters, sort)', part);
    end if;
  end loop;

  if jsonb_typeof(chosen_range) is distinct from 'object' then
    return 'selection.range is not an object';
  elsif chosen_range ? 'preset' then
    if jsonb_typeof(chosen_range -> 'preset') is distinct from 'string' or (chosen_range ->> 'preset') <> all (range_presets) then
      return format('selection.range.preset is not a date preset (%s)', array_to_string(range_presets, ', '));
    end if;
  else
    foreach part in array '{from,to}'::text[] loop
      if jsonb_typeof(chosen_range -> part) is distinct from 'string' or (chosen_range ->> part) !~ '^\d{4}-\d{2}-\d{2}$' then
        return format('selection.range.%s is not a date YYYY-MM-DD', part);
      end if;
      begin
        perform (chosen_range ->> part)::date;
      exception when others then
        return format('selection.range.%s is not a date YYYY-MM-DD', part);
      end;
    end loop;
  end if;

  if jsonb_typeof(selection -> 'groupBy') is distinct from 'array' then
    return 'selection.groupBy is not a list';
  end if;
  for item in select e.value, e.ordinality - 1 as i from jsonb_array_elements(selection -> 'groupBy') with ordinality e loop
    if jsonb_typeof(item.value) is distinct from 'string' or (item.value #>> '{}') <> all (dimensions) then
      return format('selection.groupBy[%s] is not a dimension (%s)', item.i, array_to_string(dimensions, ', '));
    end if;
  end loop;

  if jsonb_typeof(selection -> 'columns') is distinct from 'array' or jsonb_array_length(selection -> 'columns') = 0 then
    return 'selection.columns is not a list of at least one metric';
  end if;
  for item in select e.value, e.ordinality - 1 as i from jsonb_array_elements(selection -> 'columns') with ordinality e loop
    if jsonb_typeof(item.value) is distinct from 'string' or (item.value #>> '{}') <> all (metrics) then
      return format('selection.columns[%s] is not a metric', item.i);
    end if;
  end loop;

  if filters is not null and jsonb_typeof(filters) <> 'null' then
    if jsonb_typeof(filters) <> 'object' then
      return 'selection.filters is not an object';
    end if;
    for item in select f.key, f.value from jsonb_each(filters) f loop
      if item.key = 'date' or item.key <> all (dimensions) then
        return format('selection.filters key "%s" is not a dimension to filter by', item.key);
      elsif jsonb_typeof(item.value) <> 'array' then
        return format('selection.filters.%s is not a list', item.key);
      end if;
      for entry in select e.value, e.ordinality - 1 as i from jsonb_array_elements(item.value) with ordinality e loop
        if jsonb_typeof(entry.value) <> 'string' then
          return format('selection.filters.%s[%s] is not a text value', item.key, entry.i);
        end if;
      end loop;
    end loop;
  end if;

  if sort_order is not null and jsonb_typeof(sort_order) <> 'null' then
    if jsonb_typeof(sort_order) <> 'object' then
      return 'selection.sort is not an object';
    elsif jsonb_typeof(sort_order -> 'key') is distinct from 'string' or (sort_order ->> 'key') <> all (dimensions || metrics) then
      return 'selection.sort.key is not a dimension or a metric';
    elsif jsonb_typeof(sort_order -> 'direction') is distinct from 'string' or (sort_order ->> 'direction') not in ('asc', 'desc') then
      return 'selection.sort.direction is not asc or desc';
    end if;
  end if;
  return null;
end $$;
grant execute on function private.analytics_selection_problem(jsonb) to authenticated, service_role;

-- Refuses a preset that would not load, and a name the workspace already uses, with messages a
-- person can act on. Runs as the caller, so it sees only workspaces the caller belongs to: a
-- stranger learns nothing and is refused by the policies instead. The unique index stays the
-- guarantee when two people take a name at the same moment.
create function private.check_saved_filter()
returns trigger
language plpgsql
set search_path = ''
as $$
declare
  problem text := private.analytics_selection_problem(new.selection);
begin
  if problem is not null then
    raise exception 'This preset cannot be saved: %', problem
      using errcode = '23514', hint = 'Save presets from the Analytics screen, or import a file made by "Export presets".';
  end if;
  if exists (
    select 1 from public.saved_filters f
    where f.workspace_id = new.workspace_id and lower(f.name) = lower(new.name) and f.id <> new.id
  ) then
    raise exception 'The workspace already has a shared preset named "%"', new.name
      using errcode = '23505', hint = 'Choose another name, or rename or delete the preset that has it.';
  end if;
  return new;
end $$;

create trigger check_saved_filter before insert or update of name, selection, workspace_id on public.saved_filters
  for each row execute function private.check_saved_filter();
create trigger touch_updated_at before update on public.saved_filters
  for each row execute function private.touch_updated_at();

select private.enable_audit('public.saved_filters');

alter table public.saved_filters enable row level security;

create policy "members can read their workspace's shared presets" on public.saved_filters
  for select to authenticated using (private.has_role(workspace_id, private.all_roles()));
create policy "members other than read-only can share presets" on public.saved_filters
  for insert to authenticated
  with check (owner_id = auth.uid() and private.has_role(workspace_id, '{media_buyer,affiliate_manager,finance,admin}'));
create policy "owners can change their shared presets" on public.saved_filters
  for update to authenticated
  using (owner_id = auth.uid() and private.has_role(workspace_id, '{media_buyer,affiliate_manager,finance,admin}'))
  with check (owner_id = auth.uid() and private.has_role(workspace_id, '{media_buyer,affiliate_manager,finance,admin}'));
create policy "admins can change any shared preset" on public.saved_filters
  for update to authenticated using (private.has_role(workspace_id, '{admin}')) with check (private.has_role(workspace_id, '{admin}'));
create policy "owners can delete their shared presets" on public.saved_filters
  for delete to authenticated
  using (owner_id = auth.uid() and private.has_role(workspace_id, '{media_buyer,affiliate_manager,finance,admin}'));
create policy "admins can delete any shared preset" on public.saved_filters
  for delete to authenticated using (private.has_role(workspace_id, '{admin}'));

-- Open Analytics screens see presets appear, change and go live. With the whole old row in the
-- WAL a deletion is checked against the policies and the workspace filter like any change.
alter table public.saved_filters replica identity full;
alter publication supabase_realtime add table public.saved_filters;
