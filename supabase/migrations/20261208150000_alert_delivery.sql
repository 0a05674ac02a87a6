-- Delivery of alert notifications (#15): the `notify` function works through the outbox
-- (alert_notifications). It is asked the moment due rows are queued, so an alert reaches the
-- phone seconds after the data that raised it lands, and every minute by Supabase Cron for
-- rows put off (quiet hours, a retry after a 429).

-- Asks an edge function of this project, through pg_net with the project URL and service key
-- kept in Supabase Vault (the secrets project_url and service_role_key, as the ETL's resume
-- and the retention job read them). Answers pg_net's request id, or null when the database
-- cannot ask (no pg_net, no Vault, no secrets: the job then only runs on its schedule).
create function private.request_function(function_name text, body jsonb default '{}')
returns bigint
language plpgsql
security definer
set search_path = ''
as $$
declare
  project_url text;
  service_key text;
  request_id bigint;
begin
  if to_regproc('net.http_post') is null or to_regclass('vault.decrypted_secrets') is null then
    return null;
  end if;
  execute 'select (select decrypted_secret from vault.decrypted_secrets where name = ''project_url''),
    (select decrypted_secret from vault.decrypted_secrets where name = ''service_role_key'')' into project_url, service_key;
  if project_url is null or service_key is null then
    return null;
  end if;
  execute 'select net.http_post(url := $1, body := $2, headers := $3, timeout_milliseconds := 60000)'
    using rtrim(project_url, '/') || '/functions/v1/' || function_name, coalesce(body, '{}'),
      jsonb_build_object('Content-Type', 'application/json', 'Authorization', 'Bearer ' || service_key)
    into request_id;
  return request_id;
end $$;
revoke all on function private.request_function(text, jsonb) from public, anon, authenticated, service_role;

-- Rows due now: ask for delivery once per statement (pg_net sends after the commit).
create function private.deliver_queued_notifications()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  -- clock_timestamp(), not now(): a load's recount raises alerts at its commit, long after its transaction began.
  if exists (select 1 from queued q where q.status = 'queued' and q.not_before <= clock_timestamp()) then
    perform private.request_function('notify');
  end if;
  return null;
end $$;
create trigger deliver_queued_notifications after insert on public.alert_notifications
  referencing new table as queued
  for each statement execute function private.deliver_queued_notifications();

select cron.schedule('deliver-alert-notifications', '* * * * *', 'select private.request_function(''notify'')');
