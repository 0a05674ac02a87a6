-- Storage bootstrap: the part of the storage schema a hosted project already has (Supabase
-- Storage's own migrations make it), created only where missing, so migrations that write
-- policies on storage.objects run the same here and on Supabase. The local storage service
-- (supabase/local/storage/) answers /storage/v1 over these tables and keeps the bytes under
-- <data dir>/storage/.
--
-- As on a hosted project, row-level security is on for both tables and no policy is made:
-- until the project writes policies, only the service role reaches them.

create schema if not exists storage;

do $$ begin
  -- Only tables made here are touched: on Supabase the storage service owns its own.
  if to_regclass('storage.buckets') is null then
    grant usage on schema storage to anon, authenticated, service_role;
    create type storage.buckettype as enum ('STANDARD', 'ANALYTICS', 'VECTOR');
    create table storage.buckets (
      id text primary key,
      name text not null,
      -- Deprecated on Supabase in favour of owner_id (a JWT's sub need not be a UUID).
      owner uuid,
      created_at timestamptz default now(),
      updated_at timestamptz default now(),
      public boolean default false,
      avif_autodetection boolean default false,
      -- Bytes; null means the project's limit ([storage] file_size_limit).
      file_size_limit bigint,
      allowed_mime_types text[],
      owner_id text,
      type storage.buckettype not null default 'STANDARD'
    );
    create unique index bname on storage.buckets using btree (name);
    alter table storage.buckets enable row level security;
    grant all on storage.buckets to anon, authenticated, service_role;
  end if;

  if to_regclass('storage.objects') is null then
    create table storage.objects (
      id uuid primary key default gen_random_uuid(),
      bucket_id text references storage.buckets (id),
      name text,
      owner uuid,
      created_at timestamptz default now(),
      updated_at timestamptz default now(),
      last_accessed_at timestamptz default now(),
      -- What the storage service measured: size, mimetype, eTag, cacheControl, lastModified,
      -- contentLength, httpStatusCode.
      metadata jsonb,
      path_tokens text[] generated always as (string_to_array(name, '/')) stored,
      -- Names the stored bytes: a new upload is a new version, swapped in by one row update.
      version text,
      owner_id text,
      user_metadata jsonb
    );
    create unique index bucketid_objname on storage.objects using btree (bucket_id, name);
    create index name_prefix_search on storage.objects (name text_pattern_ops);
    alter table storage.objects enable row level security;
    grant all on storage.objects to anon, authenticated, service_role;
  end if;
end $$;

do $$ begin
  -- Path helpers for policies, with Supabase's results: foldername('a/b/c.png') = {a,b},
  -- filename = 'c.png', extension = 'png' (and the whole name when it has no dot).
  if to_regprocedure('storage.foldername(text)') is null then
    create function storage.foldername(name text) returns text[] language sql immutable as $f$
      select parts[1 : array_length(parts, 1) - 1] from string_to_array(name, '/') as parts
    $f$;
  end if;
  if to_regprocedure('storage.filename(text)') is null then
    create function storage.filename(name text) returns text language sql immutable as $f$
      select parts[array_length(parts, 1)] from string_to_array(name, '/') as parts
    $f$;
  end if;
  if to_regprocedure('storage.extension(text)') is null then
    create function storage.extension(name text) returns text language sql immutable as $f$
      select reverse(split_part(reverse(storage.filename(name)), '.', 1))
    $f$;
  end if;
  -- The API operation a request performs ('storage.object.upload', …), for policies that
  -- allow one operation and not another.
  if to_regprocedure('storage.operation()') is null then
    create function storage.operation() returns text language sql stable as $f$
      select current_setting('storage.operation', true)
    $f$;
  end if;

  if to_regprocedure('storage.update_updated_at_column()') is null then
    create function storage.update_updated_at_column() returns trigger language plpgsql as $f$
    begin
      new.updated_at = now();
      return new;
    end
    $f$;
    create trigger update_objects_updated_at before update on storage.objects
      for each row execute function storage.update_updated_at_column();
  end if;

  -- A row deleted in SQL would leave its bytes behind with nothing pointing at them, so, as on
  -- Supabase, only the storage API (which sets storage.allow_delete_query) deletes rows.
  if to_regprocedure('storage.protect_delete()') is null then
    create function storage.protect_delete() returns trigger language plpgsql as $f$
    begin
      if coalesce(current_setting('storage.allow_delete_query', true), 'false') <> 'true' then
        raise exception 'Direct deletion from storage tables is not allowed. Use the Storage API instead.'
          using hint = 'This prevents accidental data loss from orphaned objects.', errcode = '42501';
      end if;
      return null;
    end
    $f$;
    create trigger protect_buckets_delete before delete on storage.buckets
      for each statement execute function storage.protect_delete();
    create trigger protect_objects_delete before delete on storage.objects
      for each statement execute function storage.protect_delete();
  end if;
end $$;
