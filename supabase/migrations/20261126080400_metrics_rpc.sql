-- The metrics every screen shows, for any date range, any grouping and any filters, with a
-- totals row; computed in SQL from the rollup. A ratio over zero is null, not an error; sums
-- over no rows are zero.

create function private.metric_dimension(name text)
returns text
language plpgsql
immutable
set search_path = ''
as $$
begin
  return case name
    when 'date' then 'date'
    when 'campaign' then 'campaign_id'
    when 'campaign_id' then 'campaign_id'
    when 'offer' then 'offer_id'
    when 'offer_id' then 'offer_id'
    when 'geo' then 'geo'
    when 'source' then 'source'
    when 'network_campaign' then 'network_campaign_id'
    when 'network_campaign_id' then 'network_campaign_id'
    when 'creative' then 'creative_id'
    when 'creative_id' then 'creative_id'
  end;
end $$;

create function public.metrics(
  workspace uuid,
  date_from date,
  date_to date,
  group_by text[] default '{}',
  filters jsonb default '{}'
)
returns table (
  is_total boolean,
  date date,
  campaign_id text,
  campaign_name text,
  offer_id text,
  geo text,
  source text,
  network_campaign_id text,
  creative_id text,
  spend numeric,
  impressions numeric,
  ad_clicks numeric,
  installs numeric,
  clicks bigint,
  unique_clicks bigint,
  registrations bigint,
  ftds bigint,
  deposits bigint,
  deposits_amount numeric,
  revenue numeric,
  chargebacks bigint,
  chargeback_amount numeric,
  profit numeric,
  roi numeric,
  ctr numeric,
  cr_click_reg numeric,
  cr_reg_ftd numeric,
  cpi numeric,
  cpa numeric,
  cost_per_ftd numeric,
  epc numeric,
  arpu numeric,
  other_currency_rows bigint
)
language plpgsql
stable
-- Definer rights: the membership check below is the authorization, done once, instead of the
-- row policy's has_role() call on each of the tens of thousands of rollup rows a month holds.
security definer
set search_path = ''
as $$
declare
  dims text[] := '{}';
  dim text;
  name text;
  conditions text := '';
  filter_values jsonb;
  select_dims text;
  grouping_clause text;
  all_dims constant text[] := array['date', 'campaign_id', 'campaign_name', 'offer_id', 'geo', 'source', 'network_campaign_id', 'creative_id'];
begin
  if not private.has_role(workspace, private.all_roles()) then
    raise exception 'You are not a member of this workspace' using errcode = '42501';
  end if;
  if date_from is null or date_to is null or date_from > date_to then
    raise exception 'The date range % – % is empty: date_from must not be after date_to', date_from, date_to using errcode = '22023';
  end if;
  foreach name in array coalesce(group_by, '{}') loop
    dim := private.metric_dimension(name);
    if dim is null then
      raise exception 'Unknown dimension "%": group by date, campaign, offer, geo, source, network_campaign or creative', name using errcode = '22023';
    end if;
    if not dim = any (dims) then
      dims := dims || dim;
    end if;
  end loop;
  if jsonb_typeof(coalesce(filters, '{}')) <> 'object' then
    raise exception 'filters must be a JSON object of dimension → values' using errcode = '22023';
  end if;
  for name, filter_values in select * from jsonb_each(coalesce(filters, '{}')) loop
    dim := private.metric_dimension(name);
    if dim is null or dim = 'date' then
      raise exception 'Unknown filter "%": filter by campaign, offer, geo, source, network_campaign or creative', name using errcode = '22023';
    end if;
    if jsonb_typeof(filter_values) = 'string' then
      filter_values := jsonb_build_array(filter_values);
    end if;
    if jsonb_typeof(filter_values) <> 'array' then
      raise exception 'The filter "%" takes a value or a list of values', name using errcode = '22023';
    end if;
    conditions := conditions || format(' and m.%I = any (array(select jsonb_array_elements_text(%L::jsonb)))', dim, filter_values);
  end loop;

  -- In the order of the returned table (return query matches by position), campaign_name after campaign_id.
  select_dims := array_to_string(array(
    select case
      when d = 'campaign_name' then case when 'campaign_id' = any (dims) then 'max(m.campaign_name)' else 'null::text' end
      when d = any (dims) then format('m.%I', d)
      else format('null::%s', case when d = 'date' then 'date' else 'text' end)
    end || format(' as %I', d)
    from unnest(all_dims) with ordinality as u(d, n)
    order by n
  ), ', ');
  grouping_clause := case
    when cardinality(dims) = 0 then ''
    else format(' group by grouping sets ((%s), ())', array_to_string(array(select format('m.%I', d) from unnest(dims) d), ', '))
  end;

  return query execute format(
    'select %s as is_total, %s,
       round(coalesce(sum(m.spend), 0), 2), round(coalesce(sum(m.impressions), 0)), round(coalesce(sum(m.ad_clicks), 0)), round(coalesce(sum(m.installs), 0)),
       coalesce(sum(m.clicks), 0)::bigint, coalesce(sum(m.unique_clicks), 0)::bigint, coalesce(sum(m.registrations), 0)::bigint, coalesce(sum(m.ftds), 0)::bigint,
       coalesce(sum(m.deposits), 0)::bigint, coalesce(sum(m.deposits_amount), 0), coalesce(sum(m.revenue), 0), coalesce(sum(m.chargebacks), 0)::bigint, coalesce(sum(m.chargeback_amount), 0),
       round(coalesce(sum(m.revenue), 0) - coalesce(sum(m.spend), 0), 2),
       round((coalesce(sum(m.revenue), 0) - coalesce(sum(m.spend), 0)) / nullif(coalesce(sum(m.spend), 0), 0), 4),
       round(coalesce(sum(m.ad_clicks), 0) / nullif(coalesce(sum(m.impressions), 0), 0), 4),
       round(coalesce(sum(m.registrations), 0) / nullif(coalesce(sum(m.clicks), 0), 0)::numeric, 4),
       round(coalesce(sum(m.ftds), 0) / nullif(coalesce(sum(m.registrations), 0), 0)::numeric, 4),
       round(coalesce(sum(m.spend), 0) / nullif(coalesce(sum(m.installs), 0), 0), 2),
       round(coalesce(sum(m.spend), 0) / nullif(coalesce(sum(m.registrations), 0), 0), 2),
       round(coalesce(sum(m.spend), 0) / nullif(coalesce(sum(m.ftds), 0), 0), 2),
       round(coalesce(sum(m.revenue), 0) / nullif(coalesce(sum(m.clicks), 0), 0), 4),
       round(coalesce(sum(m.revenue), 0) / nullif(coalesce(sum(m.ftds), 0), 0), 2),
       coalesce(sum(m.other_currency_rows), 0)::bigint
     from public.daily_metrics m
     where m.workspace_id = $1 and m.date between $2 and $3%s%s
     order by 1 desc, %s',
    case when cardinality(dims) = 0 then 'true' else format('grouping(m.%I) = 1', dims[1]) end,
    select_dims,
    conditions,
    grouping_clause,
    case when cardinality(dims) = 0 then '1' else array_to_string(array(select format('m.%I', d) from unnest(dims) d), ', ') end
  ) using workspace, date_from, date_to;
end $$;

revoke all on function public.metrics(uuid, date, date, text[], jsonb) from public, anon;
grant execute on function public.metrics(uuid, date, date, text[], jsonb) to authenticated, service_role;
