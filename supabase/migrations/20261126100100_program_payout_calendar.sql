-- A program's payout calendar: the next payout dates its schedule gives, each with the period
-- it pays for. The program screen shows it; the finance module reuses it to expect payments.
--
-- The rules, in the program's own days (affiliate_programs.time_zone):
-- - net7, net15, net30: the period is a calendar week (Monday–Sunday), a half month (1st–15th,
--   16th–month end) or a calendar month; it is paid 7, 15 or 30 days after its last day.
-- - weekly: paid on each of payout_weekdays; a payout pays for the days since the previous
--   payout day, up to the day before it.
-- - hold days: a conversion counts towards a period only once its hold has ended, so a period
--   pays for the conversions made hold_days before it: [period_start − hold, period_end − hold].

-- The rules on plain values, so terms can be tried without a program row.
create function private.payout_calendar(schedule text, weekdays smallint[], hold_days integer, from_date date, payouts integer)
returns table (payout_date date, period_start date, period_end date, conversions_from date, conversions_to date)
language plpgsql
immutable
set search_path = ''
as $$
declare
  net_days constant integer := case schedule when 'net7' then 7 when 'net15' then 15 when 'net30' then 30 end;
  -- The first period paid on or after from_date is the one holding this day: it ends no
  -- earlier, and the period before it was paid before from_date.
  earliest constant date := from_date - coalesce(net_days, 0);
  first_month constant date := date_trunc('month', earliest::timestamp)::date;
begin
  if schedule = 'weekly' then
    return query
      select d.day, d.day - gap.days, d.day - 1, d.day - gap.days - hold_days, d.day - 1 - hold_days
      from (select from_date + i as day from generate_series(0, 7 * payouts + 6) i) d
      cross join lateral (
        select min(g) as days from generate_series(1, 7) g where extract(isodow from d.day - g)::integer = any (weekdays)
      ) gap
      where extract(isodow from d.day)::integer = any (weekdays)
      order by d.day
      limit payouts;
  elsif schedule = 'net7' then
    return query
      select p.finish + net_days, p.start, p.finish, p.start - hold_days, p.finish - hold_days
      from (
        select earliest - (extract(isodow from earliest)::integer - 1) + 7 * i as start,
          earliest - (extract(isodow from earliest)::integer - 1) + 7 * i + 6 as finish
        from generate_series(0, payouts - 1) i
      ) p
      order by p.start;
  elsif schedule = 'net15' then
    return query
      select p.finish + net_days, p.start, p.finish, p.start - hold_days, p.finish - hold_days
      from (
        select case when h.half = 0 then h.month else h.month + 15 end as start,
          case when h.half = 0 then h.month + 14 else (h.month + interval '1 month')::date - 1 end as finish
        from (
          select (first_month + make_interval(months => (k.n / 2)))::date as month, k.n % 2 as half
          from (select (extract(day from earliest) > 15)::integer + i as n from generate_series(0, payouts - 1) i) k
        ) h
      ) p
      order by p.start;
  elsif schedule = 'net30' then
    return query
      select p.finish + net_days, p.start, p.finish, p.start - hold_days, p.finish - hold_days
      from (
        select (first_month + make_interval(months => i))::date as start,
          (first_month + make_interval(months => i + 1))::date - 1 as finish
        from generate_series(0, payouts - 1) i
      ) p
      order by p.start;
  end if;
end $$;

-- The next `payouts` payouts of a program on or after from_date (default: the program's today),
-- with the days each pays for and those days as moments ([conversions_from_at,
-- conversions_until_at)) in the program's time zone, to select events by. Invoker rights: a
-- program the caller may not read does not exist for them.
create function public.program_payout_calendar(program uuid, from_date date default null, payouts integer default 6)
returns table (
  payout_date date,
  period_start date,
  period_end date,
  conversions_from date,
  conversions_to date,
  conversions_from_at timestamptz,
  conversions_until_at timestamptz
)
language plpgsql
stable
set search_path = ''
as $$
declare
  target public.affiliate_programs;
begin
  if payouts is null or payouts not between 1 and 120 then
    raise exception 'Ask for 1 to 120 payouts, not %', coalesce(payouts::text, 'none') using errcode = '22023';
  end if;
  select * into target from public.affiliate_programs p where p.id = program_payout_calendar.program;
  if target.id is null then
    raise exception 'This program does not exist' using errcode = 'P0001';
  end if;
  return query
    select c.payout_date, c.period_start, c.period_end, c.conversions_from, c.conversions_to,
      c.conversions_from::timestamp at time zone target.time_zone,
      (c.conversions_to + 1)::timestamp at time zone target.time_zone
    from private.payout_calendar(
      target.payout_schedule, target.payout_weekdays, target.hold_days,
      coalesce(program_payout_calendar.from_date, (now() at time zone target.time_zone)::date),
      program_payout_calendar.payouts
    ) c;
end $$;
revoke all on function public.program_payout_calendar(uuid, date, integer) from public, anon;
grant execute on function public.program_payout_calendar(uuid, date, integer) to authenticated, service_role;
