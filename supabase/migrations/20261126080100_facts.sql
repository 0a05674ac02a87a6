-- Facts from TrafficWave and the ad networks. Rows are never changed in place: a newer load's
-- row for the same natural key becomes the active one and the older row stays, inactive, so a
-- rollback can bring it back. Key columns use '' for "empty" so keys compare simply.

create type public.tw_event_type as enum ('registration', 'first_deposit', 'deposit', 'chargeback');

-- TrafficWave conversions, one row per event; natural key: event_id.
create table public.tw_events (
  -- Always the load's workspace. Facts carry no foreign keys: only the ETL merge writes them,
  -- from a load it has locked, and per-row key checks would double the cost of a big load.
  -- Deleting loads deletes their facts (trigger below).
  workspace_id uuid not null,
  event_id text not null,
  event_time timestamptz not null,
  event_type public.tw_event_type not null,
  click_id text,
  campaign_id text not null default '',
  campaign_name text,
  offer_id text not null default '',
  link_title text,
  affiliate_network text,
  geo text not null default '',
  source text not null default '',
  -- sub1 = ad network campaign id, sub2 = creative id, sub3 = ad group id.
  sub1 text not null default '',
  sub2 text not null default '',
  sub3 text,
  sub4 text,
  sub5 text,
  player_id text,
  amount numeric(18, 2),
  -- What the program pays for the event; negative for a chargeback.
  payout numeric(18, 2),
  currency text,
  load_id uuid not null,
  is_active boolean not null default true
);
create unique index tw_events_active_key on public.tw_events (workspace_id, event_id) where is_active;
create index tw_events_key_idx on public.tw_events (workspace_id, event_id);
create index tw_events_load_idx on public.tw_events (load_id);
create index tw_events_time_idx on public.tw_events (workspace_id, event_time) where is_active;

-- TrafficWave clicks per day × campaign × offer × geo × sub1.
create table public.tw_clicks (
  -- Always the load's workspace. Facts carry no foreign keys: only the ETL merge writes them,
  -- from a load it has locked, and per-row key checks would double the cost of a big load.
  -- Deleting loads deletes their facts (trigger below).
  workspace_id uuid not null,
  date date not null,
  campaign_id text not null default '',
  offer_id text not null default '',
  link_title text,
  geo text not null default '',
  source text not null default '',
  sub1 text not null default '',
  clicks bigint not null default 0 check (clicks >= 0),
  unique_clicks bigint not null default 0 check (unique_clicks >= 0),
  load_id uuid not null,
  is_active boolean not null default true
);
create unique index tw_clicks_active_key on public.tw_clicks (workspace_id, date, campaign_id, offer_id, geo, sub1) where is_active;
create index tw_clicks_key_idx on public.tw_clicks (workspace_id, date, campaign_id, offer_id, geo, sub1);
create index tw_clicks_load_idx on public.tw_clicks (load_id);

-- Ad network spend per day × campaign × ad group × creative × country.
create table public.ad_spend (
  -- Always the load's workspace. Facts carry no foreign keys: only the ETL merge writes them,
  -- from a load it has locked, and per-row key checks would double the cost of a big load.
  -- Deleting loads deletes their facts (trigger below).
  workspace_id uuid not null,
  network text not null,
  date date not null,
  campaign_id text not null default '',
  campaign_name text,
  ad_group_id text not null default '',
  ad_group_name text,
  creative_id text not null default '',
  creative_name text,
  country text not null default '',
  impressions bigint not null default 0 check (impressions >= 0),
  clicks bigint not null default 0 check (clicks >= 0),
  installs bigint not null default 0 check (installs >= 0),
  spend numeric(18, 4) not null default 0,
  currency text,
  load_id uuid not null,
  is_active boolean not null default true
);
create unique index ad_spend_active_key on public.ad_spend (workspace_id, network, date, campaign_id, ad_group_id, creative_id, country) where is_active;
create index ad_spend_key_idx on public.ad_spend (workspace_id, network, date, campaign_id, ad_group_id, creative_id, country);
create index ad_spend_load_idx on public.ad_spend (load_id);

-- Facts go with their load: a deleted load (its workspace deleted) takes its rows along.
create function private.drop_facts_of_deleted_loads()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  delete from public.tw_events f using gone g where f.load_id = g.id;
  delete from public.tw_clicks f using gone g where f.load_id = g.id;
  delete from public.ad_spend f using gone g where f.load_id = g.id;
  return null;
end $$;

create trigger drop_facts_of_deleted_loads after delete on public.etl_loads
  referencing old table as gone
  for each statement execute function private.drop_facts_of_deleted_loads();

-- Facts are written only by the ETL (a function over a direct connection); the API reads.
revoke all on public.tw_events, public.tw_clicks, public.ad_spend from anon;
revoke insert, update, delete, truncate on public.tw_events, public.tw_clicks, public.ad_spend from authenticated;

alter table public.tw_events enable row level security;
alter table public.tw_clicks enable row level security;
alter table public.ad_spend enable row level security;

create policy "members can read their workspace's conversions" on public.tw_events
  for select to authenticated using (private.has_role(workspace_id, private.all_roles()));
create policy "members can read their workspace's clicks" on public.tw_clicks
  for select to authenticated using (private.has_role(workspace_id, private.all_roles()));
create policy "members can read their workspace's spend" on public.ad_spend
  for select to authenticated using (private.has_role(workspace_id, private.all_roles()));
