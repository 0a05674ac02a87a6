-- Whether a profile's language was chosen by its person (#16: "a profile's ru locale is not
-- applied on a new device"). A new device takes the profile's language only when the person
-- chose it — at sign-up (the language they signed up in) or by changing it later — not the
-- column's default, which would turn every English-speaking newcomer's phone Russian.
alter table public.profiles
  add column locale_chosen boolean not null default false;

-- Set by the server only (members update locale, never this column): on insert from the
-- sign-up's metadata, on any update that sets locale.
create function private.mark_profile_locale_chosen()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  if tg_op = 'INSERT' then
    new.locale_chosen := exists (select from auth.users u where u.id = new.user_id and u.raw_user_meta_data ? 'locale');
  else
    new.locale_chosen := true;
  end if;
  return new;
end $$;
revoke all on function private.mark_profile_locale_chosen() from public, anon, authenticated;
create trigger mark_locale_chosen_on_insert before insert on public.profiles
  for each row execute function private.mark_profile_locale_chosen();
create trigger mark_locale_chosen before update of locale on public.profiles
  for each row execute function private.mark_profile_locale_chosen();
