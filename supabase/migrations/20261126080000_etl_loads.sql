-- Loads: one uploaded file (or connector pull) each, with its counters, status and rejected rows.

create type public.etl_source as enum ('tw_events', 'tw_clicks', 'ad_spend');
-- duplicate: the same file (by content hash) was loaded before; nothing changed.
create type public.etl_status as enum ('pending', 'running', 'done', 'duplicate', 'failed', 'cancelled', 'rolled_back');

create table public.etl_loads (
  id uuid primary key default gen_random_uuid(),
  -- Order of uploads, for lists.
  seq bigint generated always as identity unique,
  -- Order in which loads were applied (merged): for one natural key, the row of the load
  -- applied last is the active one, also after rollbacks and re-applies.
  applied_seq bigint unique,
  workspace_id uuid not null references public.workspaces (id) on delete cascade,
  source public.etl_source not null,
  -- The ad network of a spend file (moloco first).
  network text check (network ~ '^[a-z0-9_]+$'),
  file_name text not null check (length(file_name) between 1 and 255),
  -- SHA-256 of the file's bytes: the same file again is recognised and changes nothing.
  -- Null until known (the ETL hashes a streamed file while it reads it).
  content_hash text check (content_hash ~ '^[0-9a-f]{64}$'),
  size_bytes bigint check (size_bytes >= 0),
  column_mapping jsonb,
  status public.etl_status not null default 'pending',
  -- What a running load is doing now: parsing, merging, rollups.
  phase text,
  rows_read bigint not null default 0,
  rows_accepted bigint not null default 0,
  rows_rejected bigint not null default 0,
  -- Active rows of earlier loads this load replaced.
  rows_superseded bigint not null default 0,
  -- The earlier load with the same content, when this upload was recognised as a repeat.
  duplicate_of uuid references public.etl_loads (id) on delete set null,
  error_summary text,
  cancel_requested boolean not null default false,
  -- The database session merging the load, so a cancel can interrupt it.
  backend_pid integer,
  created_by uuid references auth.users (id) on delete set null default auth.uid(),
  started_at timestamptz not null default now(),
  finished_at timestamptz,
  rolled_back_at timestamptz,
  rolled_back_by uuid references auth.users (id) on delete set null,
  check (source <> 'ad_spend' or network is not null)
);
create sequence public.etl_apply_seq;
revoke all on sequence public.etl_apply_seq from anon, authenticated;

create index etl_loads_workspace_idx on public.etl_loads (workspace_id, started_at desc);
create index etl_loads_hash_idx on public.etl_loads (workspace_id, source, content_hash);

-- Rows a load rejected, with what a person needs to fix them.
create table public.etl_load_errors (
  id bigint generated always as identity primary key,
  load_id uuid not null references public.etl_loads (id) on delete cascade,
  workspace_id uuid not null references public.workspaces (id) on delete cascade,
  -- Physical line of the file where the row starts (the header is line 1).
  line bigint,
  column_name text,
  value text,
  reason text not null
);
create index etl_load_errors_load_idx on public.etl_load_errors (load_id, line);

-- The header mapping a workspace saved for a source: canonical column → header in its files.
create table public.column_mappings (
  workspace_id uuid not null references public.workspaces (id) on delete cascade,
  source public.etl_source not null,
  mapping jsonb not null check (jsonb_typeof(mapping) = 'object'),
  updated_by uuid references auth.users (id) on delete set null default auth.uid(),
  updated_at timestamptz not null default now(),
  primary key (workspace_id, source)
);

revoke all on public.etl_loads, public.etl_load_errors, public.column_mappings from anon;

create trigger touch_updated_at before update on public.column_mappings
  for each row execute function private.touch_updated_at();

select private.enable_audit('public.etl_loads');
select private.enable_audit('public.column_mappings', 'source');

alter table public.etl_loads enable row level security;
alter table public.etl_load_errors enable row level security;
alter table public.column_mappings enable row level security;

create policy "members can read their workspace's loads" on public.etl_loads
  for select to authenticated using (private.has_role(workspace_id, private.all_roles()));
create policy "media buyers and admins can start loads" on public.etl_loads
  for insert to authenticated
  with check (private.has_role(workspace_id, '{media_buyer,admin}') and created_by = auth.uid() and status = 'pending');

create policy "members can read rejected rows" on public.etl_load_errors
  for select to authenticated using (private.has_role(workspace_id, private.all_roles()));

create policy "members can read column mappings" on public.column_mappings
  for select to authenticated using (private.has_role(workspace_id, private.all_roles()));
create policy "media buyers and admins can save column mappings" on public.column_mappings
  for insert to authenticated with check (private.has_role(workspace_id, '{media_buyer,admin}'));
create policy "media buyers and admins can change column mappings" on public.column_mappings
  for update to authenticated
  using (private.has_role(workspace_id, '{media_buyer,admin}')) with check (private.has_role(workspace_id, '{media_buyer,admin}'));
create policy "media buyers and admins can delete column mappings" on public.column_mappings
  for delete to authenticated using (private.has_role(workspace_id, '{media_buyer,admin}'));

-- Progress reaches the app live (rows read, accepted, rejected, phase).
alter publication supabase_realtime add table public.etl_loads;
