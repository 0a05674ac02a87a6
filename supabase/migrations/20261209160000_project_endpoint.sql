-- One way for the database to call the project's edge functions. Three functions read the
-- project URL and service key from Supabase Vault and posted through pg_net, each with its own
-- copy of the code (etl_resume_slices, import_retention_request, request_function). Now
-- private.project_endpoint() reads the secrets and says why it cannot, and
-- private.request_function() is the only caller of net.http_post; the other two keep their
-- own wording of the problem for the person who reads it.

-- The project's URL and service key (Vault secrets project_url and service_role_key, see
-- README.md), or in `problem` why the database cannot call its functions.
create function private.project_endpoint(out project_url text, out service_key text, out problem text)
returns record
language plpgsql
security definer
set search_path = ''
as $$
begin
  if to_regproc('net.http_post') is null or to_regclass('vault.decrypted_secrets') is null then
    problem := 'the database has no pg_net or no Vault';
    return;
  end if;
  execute 'select (select decrypted_secret from vault.decrypted_secrets where name = ''project_url''),
    (select decrypted_secret from vault.decrypted_secrets where name = ''service_role_key'')' into project_url, service_key;
  if project_url is null or service_key is null then
    problem := 'the Vault secrets project_url and service_role_key are not set (see README.md)';
  end if;
end $$;
revoke all on function private.project_endpoint() from public, anon, authenticated, service_role;

-- As 20261208150000's, with the time pg_net waits for the answer as a parameter (the ETL's
-- resume needs only the request to leave; a retention run is answered after its work).
drop function private.request_function(text, jsonb);
create function private.request_function(function_name text, body jsonb default '{}', timeout_ms integer default 60000)
returns bigint
language plpgsql
security definer
set search_path = ''
as $$
declare
  endpoint record;
  request_id bigint;
begin
  select * into endpoint from private.project_endpoint();
  if endpoint.problem is not null then
    return null;
  end if;
  execute 'select net.http_post(url := $1, body := $2, headers := $3, timeout_milliseconds := $4)'
    using rtrim(endpoint.project_url, '/') || '/functions/v1/' || function_name, coalesce(body, '{}'),
      jsonb_build_object('Content-Type', 'application/json', 'Authorization', 'Bearer ' || endpoint.service_key), timeout_ms
    into request_id;
  return request_id;
end $$;
revoke all on function private.request_function(text, jsonb, integer) from public, anon, authenticated, service_role;

-- As 20261207120000's, through the shared request.
create or replace function private.etl_resume_slices(load uuid)
returns text
language plpgsql
set search_path = ''
as $$
declare
  checkpoint private.etl_load_slices;
  problem text := (select e.problem from private.project_endpoint() e);
begin
  select * into checkpoint from private.etl_load_slices s where s.load_id = load;
  if checkpoint.resumes >= private.etl_max_resumes() then
    return format('The load stopped moving forward: it was resumed %s times from line %s without getting further. Nothing of it was applied. Upload the file again; if it happens again, the file may be the cause.',
      checkpoint.resumes, checkpoint.line);
  end if;
  if problem is not null then
    return format('The load was interrupted and cannot be resumed: %s. Nothing of it was applied. Upload the file again.', problem);
  end if;
  update private.etl_load_slices s set resumes = s.resumes + 1 where s.load_id = load;
  -- The resumed slice gets the usual time to say it is alive.
  update private.etl_load_workers w set heartbeat_at = now() where w.load_id = load;
  perform private.request_function('etl', jsonb_build_object('load_id', load, 'slice', checkpoint.next_slice), 10000);
  return null;
end $$;

-- As 20261208110000's, through the shared request; it still raises when it cannot ask, so the
-- cron job's run is recorded as failed with the reason.
create or replace function private.import_retention_request()
returns bigint
language plpgsql
set search_path = ''
as $$
declare
  problem text := (select e.problem from private.project_endpoint() e);
begin
  if problem is not null then
    raise exception 'imports-retention was not called: %', problem;
  end if;
  -- A run removes at most its cap of originals (well inside 150 s); pg_net waits for its answer.
  return private.request_function('imports-retention', '{}', 120000);
end $$;
