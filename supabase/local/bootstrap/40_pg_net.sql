-- pg_net (https://github.com/supabase/pg_net, 0.20) sends HTTP requests from SQL after the
-- calling transaction commits; a hosted project enables it with `create extension pg_net`.
-- Where this server has no pg_net, a stand-in with the same SQL interface is created instead:
-- net.http_get / http_post / http_delete queue a row in net.http_request_queue, and the local
-- stack's runner (supabase/local/net/) sends it and writes net._http_response. Where pg_net is
-- available (a Supabase database given by DATABASE_URL), nothing is created here.
--
-- Access is stricter than on Supabase: pg_net grants its schema, tables and functions to PUBLIC,
-- so there any role may call it from SQL; here only postgres and service_role may. Code that
-- works here therefore works there (see supabase/local/README.md).

do $$ begin
  if exists (select from pg_available_extensions where name = 'pg_net') or exists (select from pg_namespace where nspname = 'net') then
    return;
  end if;
  create schema net;
  revoke all on schema net from public;
  grant usage on schema net to postgres, service_role;

  create domain net.http_method as text check (value ilike 'get' or value ilike 'post' or value ilike 'delete');

  -- Requests waiting to be sent, as pg_net's: the runner deletes a row when it takes it, so a
  -- request is sent at most once. Unlogged, as pg_net's: a crash empties the queue.
  create unlogged table net.http_request_queue (
    id bigserial,
    method net.http_method not null,
    url text not null,
    headers jsonb,
    body bytea,
    timeout_milliseconds integer not null
  );
  -- One row per request sent, kept for pg_net.ttl (6 hours unless set).
  create unlogged table net._http_response (
    id bigint,
    status_code integer,
    content_type text,
    headers jsonb,
    content text,
    timed_out boolean,
    error_msg text,
    created timestamptz not null default now()
  );
  create index on net._http_response (created);
  grant all on all tables in schema net to postgres, service_role;
  grant all on all sequences in schema net to postgres, service_role;

  -- pg_net leaves its tables without row-level security and lets its grants decide; the same
  -- roles it is granted to here see every row.
  alter table net.http_request_queue enable row level security;
  alter table net._http_response enable row level security;
  create policy "postgres and service_role use every queued request" on net.http_request_queue
    to postgres, service_role using (true) with check (true);
  create policy "postgres and service_role use every response" on net._http_response
    to postgres, service_role using (true) with check (true);

  create type net.request_status as enum ('PENDING', 'SUCCESS', 'ERROR');
  create type net.http_response as (status_code integer, headers jsonb, body text);
  create type net.http_response_result as (status net.request_status, message text, response net.http_response);

  -- curl_easy_escape: every byte of the UTF-8 text but A-Z a-z 0-9 - . _ ~ as %XX.
  execute $f$
    create function net._urlencode_string(string varchar) returns text
    language sql immutable strict
    set search_path = ''
    as $body$
      select coalesce(string_agg(
        case when b between 48 and 57 or b between 65 and 90 or b between 97 and 122 or b in (45, 46, 95, 126)
          then chr(b) else '%' || upper(lpad(to_hex(b), 2, '0')) end, '' order by i), '')
      from (select convert_to(string, 'UTF8') as bytes) s,
        generate_series(0, octet_length(s.bytes) - 1) as i,
        get_byte(s.bytes, i) as b
    $body$
  $f$;

  -- The URL with the encoded `key=value` pairs appended to its query, as pg_net does through
  -- curl's URL API (CURLU_APPENDQUERY), refusing what curl would: a URL without a scheme, or
  -- with one other than http and https, or without a host.
  execute $f$
    create function net._encode_url_with_params_array(url text, params_array text[]) returns text
    language plpgsql immutable strict
    set search_path = ''
    as $body$
    declare
      scheme text := substring(url from '^([A-Za-z][A-Za-z0-9+.-]*):');
      base text := split_part(url, '#', 1);
      fragment text := substring(url from '#.*$');
    begin
      if scheme is null then
        raise exception 'invalid URL "%": Bad scheme', url;
      elsif lower(scheme) not in ('http', 'https') then
        raise exception 'invalid URL "%": Unsupported URL scheme', url;
      elsif url !~ '^[A-Za-z]+://[^/?#]+' then
        raise exception 'invalid URL "%": No host part in the URL', url;
      end if;
      if cardinality(params_array) = 0 then
        return url;
      end if;
      return base
        || case when base like '%?' then '' when strpos(base, '?') > 0 then '&' else '?' end
        || array_to_string(params_array, '&')
        || coalesce(fragment, '');
    end
    $body$
  $f$;

  -- The `params` of a request as encoded `key=value` pairs, in jsonb's key order.
  execute $f$
    create function net._query_params(params jsonb) returns text[]
    language sql immutable
    set search_path = ''
    as $body$
      select coalesce(array_agg(net._urlencode_string(key) || '=' || net._urlencode_string(value)), '{}')
      from jsonb_each_text(params)
    $body$
  $f$;

  -- pg_net's request functions wake its worker; this wakes the local stack's runner. A
  -- notification is delivered only when the transaction commits, and never if it rolls back.
  execute $f$
    create function net.wake() returns void
    language sql
    set search_path = ''
    as $body$ select pg_notify('pg_net_wake', '') $body$
  $f$;

  execute $f$
    create function net.worker_restart() returns boolean
    language sql
    set search_path = ''
    as $body$ select net.wake(); select true $body$
  $f$;

  -- The runner is part of the stack: it runs whenever the stack does.
  execute $f$
    create function net.wait_until_running() returns void
    language sql
    set search_path = ''
    as $body$ select $body$
  $f$;

  execute $f$
    create function net.http_get(
      url text,
      params jsonb default '{}'::jsonb,
      headers jsonb default '{}'::jsonb,
      timeout_milliseconds integer default 5000
    ) returns bigint
    language plpgsql volatile parallel safe
    set search_path = ''
    as $body$
    declare
      request_id bigint;
    begin
      insert into net.http_request_queue (method, url, headers, timeout_milliseconds)
      values ('GET', net._encode_url_with_params_array(url, net._query_params(params)), headers, timeout_milliseconds)
      returning id into request_id;
      perform net.wake();
      return request_id;
    end
    $body$
  $f$;

  -- As pg_net: a JSON body only; headers without a Content-Type get application/json.
  execute $f$
    create function net.http_post(
      url text,
      body jsonb default '{}'::jsonb,
      params jsonb default '{}'::jsonb,
      headers jsonb default '{"Content-Type": "application/json"}'::jsonb,
      timeout_milliseconds integer default 5000
    ) returns bigint
    language plpgsql volatile parallel safe
    set search_path = ''
    as $body$
    declare
      request_id bigint;
      content_type text := (select value from jsonb_each_text(coalesce(headers, '{}'::jsonb)) where lower(key) = 'content-type' limit 1);
    begin
      if content_type is null then
        headers := headers || '{"Content-Type": "application/json"}'::jsonb;
      elsif content_type <> 'application/json' then
        raise exception 'Content-Type header must be "application/json"';
      end if;
      insert into net.http_request_queue (method, url, headers, body, timeout_milliseconds)
      values ('POST', net._encode_url_with_params_array(url, net._query_params(params)), headers, convert_to(body::text, 'UTF8'), timeout_milliseconds)
      returning id into request_id;
      perform net.wake();
      return request_id;
    end
    $body$
  $f$;

  execute $f$
    create function net.http_delete(
      url text,
      params jsonb default '{}'::jsonb,
      headers jsonb default '{}'::jsonb,
      timeout_milliseconds integer default 5000,
      body jsonb default null
    ) returns bigint
    language plpgsql volatile parallel safe
    set search_path = ''
    as $body$
    declare
      request_id bigint;
    begin
      insert into net.http_request_queue (method, url, headers, body, timeout_milliseconds)
      values ('DELETE', net._encode_url_with_params_array(url, net._query_params(params)), headers, convert_to(body::text, 'UTF8'), timeout_milliseconds)
      returning id into request_id;
      perform net.wake();
      return request_id;
    end
    $body$
  $f$;

  -- Waits, polling every 50 ms as pg_net does, until the request has its response. The
  -- request is sent only once the transaction that made it has committed.
  execute $f$
    create function net._await_response(request_id bigint) returns boolean
    language plpgsql
    set search_path = ''
    as $body$
    begin
      while not exists (select from net._http_response r where r.id = request_id) loop
        perform pg_sleep(0.05);
      end loop;
      return true;
    end
    $body$
  $f$;

  execute $f$
    create function net._http_collect_response(request_id bigint, async boolean default true) returns net.http_response_result
    language plpgsql
    set search_path = ''
    as $body$
    declare
      response net._http_response;
    begin
      if not async then
        perform net._await_response(request_id);
      end if;
      select * into response from net._http_response r where r.id = request_id;
      if response.id is null or response.error_msg is not null then
        return ('ERROR', coalesce(response.error_msg, 'request matching request_id not found'), null)::net.http_response_result;
      end if;
      return ('SUCCESS', 'ok', (response.status_code, response.headers, response.content)::net.http_response)::net.http_response_result;
    end
    $body$
  $f$;

  revoke all on all functions in schema net from public;
  grant execute on all functions in schema net to postgres, service_role;
end $$;
