-- A running load writes its counters to etl_loads four times a second, and every write became
-- an entry of the audit log: a big file left dozens of "rows_read changed" entries between
-- the ones that matter (started, source, done, rolled back), and each cost the load's progress
-- connection a JSON diff. Progress still reaches the app live (realtime reads the table); the
-- audit log now keeps the changes of anything else.
drop trigger audit_row on public.etl_loads;
create trigger audit_row after insert or delete on public.etl_loads
  for each row execute function private.audit_row('id', 'workspace_id');
create trigger audit_row_changes after update on public.etl_loads
  for each row
  when ((to_jsonb(old) - array['rows_read', 'rows_accepted', 'rows_rejected', 'phase'])
    is distinct from (to_jsonb(new) - array['rows_read', 'rows_accepted', 'rows_rejected', 'phase']))
  execute function private.audit_row('id', 'workspace_id');
