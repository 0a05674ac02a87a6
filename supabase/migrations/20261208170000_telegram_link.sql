-- Linking a person's Telegram chat by a one-time code through the bot (#15). Until now a person
-- typed a Telegram id into their profile, so anyone could send their alerts to any chat of the
-- bot. Now the app asks for a code (telegram_link_start), the person sends "/start CODE" to the
-- bot, and the bot's webhook (functions/telegram-bot) links the chat that sent it. The chat id is
-- the server's to write; the bot's buttons acknowledge alerts as the linked person.

revoke update on public.profiles from authenticated;
grant update (display_name, locale, time_zone, quiet_hours_start, quiet_hours_end) on public.profiles to authenticated;

-- A code waiting for its chat: kept as its SHA-256, valid 15 minutes, once.
create table private.telegram_link_codes (
  code_hash text primary key,
  user_id uuid not null references auth.users (id) on delete cascade,
  expires_at timestamptz not null,
  used_at timestamptz
);
alter table private.telegram_link_codes enable row level security;
revoke all on private.telegram_link_codes from public, anon, authenticated, service_role;

-- Wrong codes sent from a chat, to stop guessing: 5 an hour.
create table private.telegram_link_failures (
  chat_id bigint not null,
  at timestamptz not null default now()
);
create index telegram_link_failures_chat_idx on private.telegram_link_failures (chat_id, at);
alter table private.telegram_link_failures enable row level security;
revoke all on private.telegram_link_failures from public, anon, authenticated, service_role;

-- A new code for the caller (their earlier unused ones end). 8 characters of an alphabet
-- without look-alikes: 40 bits, guessed at 5 tries an hour per chat.
create function public.telegram_link_start(out code text, out expires_at timestamptz)
returns record
language plpgsql
security definer
set search_path = ''
as $$
declare
  alphabet constant text := 'ABCDEFGHJKMNPQRSTUVWXYZ23456789';
  bytes bytea := extensions.gen_random_bytes(8);
begin
  if auth.uid() is null then
    raise exception 'Sign in to link Telegram' using errcode = '42501';
  end if;
  code := '';
  for i in 0..7 loop
    code := code || substr(alphabet, 1 + get_byte(bytes, i) % length(alphabet), 1);
  end loop;
  expires_at := now() + interval '15 minutes';
  delete from private.telegram_link_codes c where c.user_id = auth.uid() and c.used_at is null;
  insert into private.telegram_link_codes (code_hash, user_id, expires_at)
  values (encode(extensions.digest(code, 'sha256'), 'hex'), auth.uid(), telegram_link_start.expires_at);
end $$;
revoke all on function public.telegram_link_start() from public, anon;
grant execute on function public.telegram_link_start() to authenticated;

-- The caller's alerts stop going to Telegram.
create function public.telegram_unlink()
returns void
language sql
security definer
set search_path = ''
as $$
  update public.profiles p set telegram_id = null where p.user_id = auth.uid()
$$;
revoke all on function public.telegram_unlink() from public, anon;
grant execute on function public.telegram_unlink() to authenticated;

-- The bot's side: links the chat that sent a valid code to the code's person, and answers who
-- that is; null for a wrong, used or expired code, or a chat that guessed too often. A chat
-- belongs to one person: linking it elsewhere unlinks it here.
create function private.telegram_link(sent_code text, chat bigint)
returns uuid
language plpgsql
set search_path = ''
as $$
declare
  person uuid;
begin
  if (select count(*) from private.telegram_link_failures f where f.chat_id = chat and f.at > now() - interval '1 hour') >= 5 then
    return null;
  end if;
  update private.telegram_link_codes c set used_at = now()
  where c.code_hash = encode(extensions.digest(upper(trim(sent_code)), 'sha256'), 'hex') and c.used_at is null and c.expires_at > now()
  returning c.user_id into person;
  if person is null then
    insert into private.telegram_link_failures (chat_id) values (chat);
    delete from private.telegram_link_failures f where f.at < now() - interval '1 day';
    return null;
  end if;
  update public.profiles p set telegram_id = null where p.telegram_id = chat and p.user_id <> person;
  update public.profiles p set telegram_id = chat where p.user_id = person;
  return person;
end $$;
revoke all on function private.telegram_link(text, bigint) from public, anon, authenticated, service_role;

-- acknowledge_alert for the person a Telegram chat is linked to (the bot's button): the same
-- rules — their workspace's alert, a role that acts on alerts. Answers what happened.
create function private.acknowledge_alert_from_chat(alert_id uuid, chat bigint)
returns text
language plpgsql
set search_path = ''
as $$
declare
  person uuid;
  current public.alerts;
  role public.member_role;
begin
  select p.user_id into person from public.profiles p where p.telegram_id = chat;
  select * into current from public.alerts a where a.id = alert_id;
  select m.role into role from public.workspace_members m where m.workspace_id = current.workspace_id and m.user_id = person;
  if person is null or current.id is null or role is null then
    return 'unknown';
  end if;
  if role = 'read_only' then
    return 'forbidden';
  end if;
  update public.alerts a set acknowledged_at = coalesce(a.acknowledged_at, now()), acknowledged_by = coalesce(a.acknowledged_by, person)
  where a.id = alert_id;
  return 'acknowledged';
end $$;
revoke all on function private.acknowledge_alert_from_chat(uuid, bigint) from public, anon, authenticated, service_role;
