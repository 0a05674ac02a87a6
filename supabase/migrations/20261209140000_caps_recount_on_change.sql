-- Cap usage is recounted the moment the registry changes what it counts (#15), not up to five
-- minutes later by the cron job: a cap policy's limit, thresholds, period, metric or zone; an
-- offer's terms (a cap attached or removed); a mapping (which facts are the offer's); an
-- offer's program or a program's time zone (where the cap's day starts). An affiliate manager
-- who lowers a limit sees the status, and gets the alert, on saving.
--
-- Deferred to the commit, like the recount after a load, so a transaction that changes many
-- rows recounts once with everything in place: the first change of an offer recounts that
-- offer (its curve included, a cheap read of one offer's history); from the sixth offer in one
-- transaction, or on a policy or program change, the whole workspace once. A failure is a
-- warning, never a reason to refuse the registry change; the cron job recounts within minutes.

create function private.recount_caps_after_change()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  changed jsonb := case when tg_op = 'DELETE' then to_jsonb(old) else to_jsonb(new) end;
  workspace uuid := (changed ->> 'workspace_id')::uuid;
  offer uuid := case tg_table_name
    when 'offers' then (changed ->> 'id')::uuid
    when 'offer_versions' then (changed ->> 'offer_id')::uuid
    when 'offer_mapping' then (changed ->> 'offer_id')::uuid
  end;
  -- What this transaction has recounted: ' <workspace>:<offer>' or ' <workspace>:*' entries.
  done text := coalesce(current_setting('arbidesk.caps_recounted', true), '');
begin
  if position(workspace::text || ':*' in done) > 0
    or (offer is not null and position(workspace::text || ':' || offer::text in done) > 0)
    -- A workspace being deleted takes its usage with it.
    or not exists (select from public.workspaces w where w.id = workspace) then
    return null;
  end if;
  if offer is not null and (length(done) - length(replace(done, workspace::text, ''))) / length(workspace::text) >= 5 then
    offer := null;
  end if;
  perform set_config('arbidesk.caps_recounted', done || ' ' || workspace || ':' || coalesce(offer::text, '*'), true);
  begin
    perform private.refresh_cap_usage(workspace, clock_timestamp(), offer, curves => true);
  exception when others then
    raise warning 'Cap usage of workspace % was not recounted after a change of %: %', workspace, tg_table_name, sqlerrm;
  end;
  return null;
end $$;
revoke all on function private.recount_caps_after_change() from public, anon, authenticated;

create constraint trigger recount_caps after update of cap_limit, period, metric, event_type, time_zone, scope, hard, warning_percent, critical_percent
  on public.cap_policies deferrable initially deferred for each row execute function private.recount_caps_after_change();
create constraint trigger recount_caps after insert or update or delete
  on public.offer_versions deferrable initially deferred for each row execute function private.recount_caps_after_change();
create constraint trigger recount_caps after insert or update or delete
  on public.offer_mapping deferrable initially deferred for each row execute function private.recount_caps_after_change();
create constraint trigger recount_caps after update of program_id
  on public.offers deferrable initially deferred for each row execute function private.recount_caps_after_change();
create constraint trigger recount_caps after update of time_zone
  on public.affiliate_programs deferrable initially deferred for each row execute function private.recount_caps_after_change();
