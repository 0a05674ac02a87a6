-- Supabase Cron is the pg_cron extension, which a hosted project enables with
-- `create extension pg_cron`. Where this server has no pg_cron, a stand-in with the same SQL
-- interface is created instead: cron.schedule / cron.unschedule, cron.job and
-- cron.job_run_details. The local stack runs its jobs (supabase/local/cron/). Where pg_cron is
-- available (a Supabase database given by DATABASE_URL), nothing is created here: migrations
-- enable the real extension, which runs the jobs itself.

do $$ begin
  if exists (select from pg_available_extensions where name = 'pg_cron') or exists (select from pg_namespace where nspname = 'cron') then
    return;
  end if;
  create schema cron;
  revoke all on schema cron from public;

  -- As pg_cron's: one row per job; the schedule is '[1-59] seconds' or five cron fields (UTC).
  create table cron.job (
    jobid bigserial primary key,
    schedule text not null,
    command text not null,
    nodename text not null default 'localhost',
    nodeport integer not null default 5432,
    database text not null default current_database(),
    username text not null default current_user,
    active boolean not null default true,
    jobname text,
    unique (jobname, username)
  );
  create table cron.job_run_details (
    jobid bigint,
    runid bigserial primary key,
    job_pid integer,
    database text,
    username text,
    command text,
    status text,
    return_message text,
    start_time timestamptz,
    end_time timestamptz
  );
  -- pg_cron lets each user see and change only their own jobs.
  alter table cron.job enable row level security;
  alter table cron.job_run_details enable row level security;
  create policy cron_job_policy on cron.job using (username = current_user);
  create policy cron_job_run_details_policy on cron.job_run_details using (username = current_user);

  execute $f$
    create function cron.valid_schedule(schedule text) returns boolean
    language sql immutable
    set search_path = ''
    as $body$
      select schedule ~ '^\s*([1-9]|[1-5][0-9])\s+seconds?\s*$'
        or schedule ~ '^\s*(@(hourly|daily|weekly|monthly|yearly|annually))\s*$'
        or schedule ~ '^\s*([-0-9*/,$]+\s+){4}[-0-9*/,$]+\s*$'
    $body$
  $f$;

  -- Schedules a job, or changes the schedule and command of the job of that name (as pg_cron 1.3+).
  execute $f$
    create function cron.schedule(job_name text, schedule text, command text) returns bigint
    language plpgsql
    set search_path = ''
    as $body$
    declare
      id bigint;
    begin
      if not cron.valid_schedule(schedule) then
        raise exception 'invalid schedule: %', schedule using hint = 'Use cron syntax or [1-59] seconds';
      end if;
      insert into cron.job (jobname, schedule, command) values (job_name, schedule, command)
      on conflict (jobname, username) do update set schedule = excluded.schedule, command = excluded.command, active = true
      returning jobid into id;
      return id;
    end
    $body$
  $f$;

  execute $f$
    create function cron.schedule(schedule text, command text) returns bigint
    language sql
    set search_path = ''
    as $body$ select cron.schedule(null, schedule, command) $body$
  $f$;

  execute $f$
    create function cron.unschedule(job_name text) returns boolean
    language plpgsql
    set search_path = ''
    as $body$
    begin
      delete from cron.job where jobname = job_name and username = current_user;
      if not found then
        raise exception 'could not find valid entry for job ''%''', job_name;
      end if;
      return true;
    end
    $body$
  $f$;

  execute $f$
    create function cron.unschedule(job_id bigint) returns boolean
    language plpgsql
    set search_path = ''
    as $body$
    begin
      delete from cron.job where jobid = job_id and username = current_user;
      if not found then
        raise exception 'could not find valid entry for job %', job_id;
      end if;
      return true;
    end
    $body$
  $f$;
end $$;
