-- A load's conversions are written together, so they sit in consecutive pages of tw_events:
-- a BRIN index finds them as well as the btree on load_id did (a rollback, a re-apply and the
-- deletion of a load are its only users), at a fraction of the cost per inserted row. Bloom
-- rather than minmax: load ids are random, and a block range shared by two loads (or rows an
-- update moved) would otherwise widen to match loads it does not hold. Autosummarize keeps
-- the ranges a big load fills summarised without waiting for a vacuum; a range not yet
-- summarised is simply read.
drop index public.tw_events_load_idx;
create index tw_events_load_idx on public.tw_events using brin (load_id uuid_bloom_ops) with (autosummarize = on);
