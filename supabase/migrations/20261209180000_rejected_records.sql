-- Rejected rows that can be fixed and uploaded again (#16: "the rejected-rows CSV lacks the
-- original row"). Each stored error keeps its record's fields as read, and the load keeps its
-- file's header names, so the app's rejected-rows file is the file's own columns with the line
-- and the reasons in front: fix the cells, drop the two first columns, upload it again.
-- Both are the ETL function's to write (no grant to members, as for the other server columns).

alter table public.etl_load_errors
  -- The record's fields, a JSON array of strings; null when the record could not be read into
  -- fields (a quote never closed) or was too long to keep (over 8 000 characters).
  add column record jsonb check (record is null or jsonb_typeof(record) = 'array');

alter table public.etl_loads
  -- The file's header names, trimmed, in file order; null until the first slice has read it.
  add column file_columns jsonb check (file_columns is null or jsonb_typeof(file_columns) = 'array');
