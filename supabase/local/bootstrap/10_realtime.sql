-- Realtime bootstrap: what Supabase Realtime's own migrations create in the project database,
-- created only where missing (safe on every start, and a no-op on a Supabase database).
-- realtime.messages holds broadcasts sent from SQL and is what RLS policies for private
-- channels are written on; the local realtime service reads new rows through logical
-- replication of supabase_realtime_messages_publication, as Supabase Realtime does.
-- Unlike Supabase the table is not partitioned by day; the service deletes rows older than
-- three days instead (Supabase drops old partitions).

create schema if not exists realtime;
grant usage on schema realtime to anon, authenticated, service_role;

do $$ begin
  -- Only a table made here is touched: on Supabase the service owns its own.
  if to_regclass('realtime.messages') is null then
    create table realtime.messages (
      topic text not null,
      extension text not null,
      payload jsonb,
      event text,
      private boolean default false,
      updated_at timestamp without time zone not null default now(),
      inserted_at timestamp without time zone not null default now(),
      id uuid not null default gen_random_uuid(),
      primary key (id, inserted_at)
    );
    create index messages_inserted_at_topic_index on realtime.messages (inserted_at desc, topic);
    alter table realtime.messages enable row level security;
    grant select, insert, update on realtime.messages to anon, authenticated, service_role;
  end if;
end $$;

do $$ begin
  -- The channel topic being authorized, for policies on realtime.messages.
  if to_regprocedure('realtime.topic()') is null then
    create function realtime.topic() returns text language sql stable as $f$
      select nullif(current_setting('realtime.topic', true), '')::text;
    $f$;
  end if;

  if to_regprocedure('realtime.send(jsonb, text, text, boolean)') is null then
    create function realtime.send(payload jsonb, event text, topic text, private boolean default true)
    returns void language plpgsql as $f$
    declare
      generated_id uuid;
      final_payload jsonb;
    begin
      begin
        generated_id := gen_random_uuid();
        -- The payload carries the message id unless it has one (Supabase's behaviour).
        if payload ? 'id' then
          final_payload := payload;
        else
          final_payload := jsonb_set(payload, '{id}', to_jsonb(generated_id));
        end if;
        execute format('set local realtime.topic to %L', topic);
        insert into realtime.messages (id, payload, event, topic, private, extension)
        values (generated_id, final_payload, event, topic, private, 'broadcast');
      exception
        when others then
          raise warning 'WarnSendingBroadcastMessage: %', sqlerrm;
      end;
    end;
    $f$;
  end if;

  if to_regprocedure('realtime.broadcast_changes(text, text, text, text, text, record, record, text)') is null then
    create function realtime.broadcast_changes(
      topic_name text, event_name text, operation text, table_name text, table_schema text,
      new record, old record, level text default 'ROW'
    ) returns void language plpgsql as $f$
    declare
      row_data jsonb := '{}'::jsonb;
    begin
      if level = 'STATEMENT' then
        raise exception 'function can only be triggered for each row, not for each statement';
      end if;
      if operation = 'INSERT' or operation = 'UPDATE' or operation = 'DELETE' then
        row_data := jsonb_build_object('old_record', old, 'record', new, 'operation', operation, 'table', table_name, 'schema', table_schema);
        perform realtime.send(row_data, event_name, topic_name);
      else
        raise exception 'Unexpected operation type: %', operation;
      end if;
    exception
      when others then
        raise exception 'Failed to process the row: %', sqlerrm;
    end;
    $f$;
  end if;
end $$;

-- Supabase Realtime creates this publication for broadcast from the database: inserts only.
do $$ begin
  if not exists (select from pg_publication where pubname = 'supabase_realtime_messages_publication') then
    create publication supabase_realtime_messages_publication for table realtime.messages with (publish = 'insert');
  end if;
end $$;
