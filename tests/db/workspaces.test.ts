import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { client, db, tokenClient } from '../support/clients.ts';
import { createUser, signIn, testPassword, type TestUser } from '../support/users.ts';

const sql = db();
const ip = '198.51.100.23';
let owner: TestUser;
const created: string[] = [];

beforeAll(async () => {
  owner = await createUser(sql, 'owner');
});

afterAll(async () => {
  if (created.length) await sql`delete from public.workspaces where id in ${sql(created)}`;
  await sql.end();
});

async function newWorkspace(name: string) {
  const session = await signIn(owner, ip);
  const { data, error } = await session.rpc('create_workspace', { name });
  expect(error).toBeNull();
  created.push(data.id);
  return { session, workspace: data as { id: string; name: string } };
}

describe('workspaces', () => {
  it('create_workspace makes the caller its admin; anon cannot create one', async () => {
    const { session, workspace } = await newWorkspace('Команда 🚀');
    expect(workspace.name).toBe('Команда 🚀');
    const membership = await session.from('workspace_members').select('role').eq('workspace_id', workspace.id).single();
    expect(membership.data).toEqual({ role: 'admin' });
    const anon = await client().rpc('create_workspace', { name: 'x' });
    expect(anon.status).toBe(401);
  });

  it('an admin invites by email; the invitee signs up and joins with the invited role', async () => {
    const { session, workspace } = await newWorkspace('Inviting team');
    const email = `invitee-${Date.now()}@test.arbidesk.local`;
    const invitation = await session.from('workspace_invitations').insert({ workspace_id: workspace.id, email, role: 'finance' }).select('token').single();
    expect(invitation.error).toBeNull();
    const signUp = await client(undefined, { headers: { 'x-forwarded-for': ip } }).auth.signUp({ email, password: testPassword, options: { data: { display_name: 'Новичок' } } });
    expect(signUp.error).toBeNull();
    const invitee = tokenClient(signUp.data.session?.access_token ?? '');
    const accepted = await invitee.rpc('accept_invitation', { invitation_token: invitation.data?.token });
    expect(accepted.error).toBeNull();
    expect(accepted.data).toMatchObject({ workspace_id: workspace.id, role: 'finance' });
    const profile = await invitee.from('profiles').select('display_name, locale').eq('user_id', signUp.data.user?.id ?? '').single();
    expect(profile.data).toEqual({ display_name: 'Новичок', locale: 'ru' });
    const again = await invitee.rpc('accept_invitation', { invitation_token: invitation.data?.token });
    expect(again.error).toMatchObject({ code: 'IV002', message: 'This invitation was already used' });
  });

  it('an invitation works only for its own email and only until it expires', async () => {
    const { session, workspace } = await newWorkspace('Careful team');
    const stranger = await createUser(sql, 'stranger');
    const strangerSession = await signIn(stranger, ip);
    const sent = await session.from('workspace_invitations').insert({ workspace_id: workspace.id, email: 'someone.else@test.arbidesk.local', role: 'admin' }).select('token').single();
    const wrong = await strangerSession.rpc('accept_invitation', { invitation_token: sent.data?.token });
    expect(wrong).toMatchObject({ status: 400, error: { code: 'IV005', message: 'This invitation was sent to another email address' } });
    const expired = await session.from('workspace_invitations').insert({ workspace_id: workspace.id, email: stranger.email, role: 'admin', expires_at: '2020-01-01T00:00:00Z' }).select('token').single();
    const late = await strangerSession.rpc('accept_invitation', { invitation_token: expired.data?.token });
    expect(late.error?.message).toBe('This invitation expired on 2020-01-01');
    const unknown = await strangerSession.rpc('accept_invitation', { invitation_token: '00000000-0000-4000-8000-000000000000' });
    expect(unknown.error?.message).toBe('This invitation does not exist');
    const members = await sql`select count(*)::int as n from public.workspace_members where workspace_id = ${workspace.id}`;
    expect(members[0]?.n).toBe(1);
  });

  it('an admin changes roles; the last admin cannot remove or demote themselves', async () => {
    const { session, workspace } = await newWorkspace('Lonely admin');
    const leave = await session.from('workspace_members').delete().eq('workspace_id', workspace.id).eq('user_id', owner.id);
    expect(leave).toMatchObject({ status: 400, error: { code: 'MB001', message: 'The workspace needs at least one admin: make another member admin first' } });
    const demote = await session.from('workspace_members').update({ role: 'read_only' }).eq('workspace_id', workspace.id).eq('user_id', owner.id);
    expect(demote.error?.code).toBe('MB001');
    const deputy = await createUser(sql, 'deputy');
    const invited = await session.from('workspace_invitations').insert({ workspace_id: workspace.id, email: deputy.email, role: 'media_buyer' }).select('token').single();
    expect((await (await signIn(deputy, ip)).rpc('accept_invitation', { invitation_token: invited.data?.token })).error).toBeNull();
    const promoted = await session.from('workspace_members').update({ role: 'admin' }).eq('workspace_id', workspace.id).eq('user_id', deputy.id).select('role');
    expect(promoted.data).toEqual([{ role: 'admin' }]);
    const nowLeave = await session.from('workspace_members').delete().eq('workspace_id', workspace.id).eq('user_id', owner.id);
    expect(nowLeave.error).toBeNull();
  });

  it('people edit their own profile: name, language, time zone, quiet hours; not the Telegram chat (the bot links it); bad values are refused', async () => {
    const session = await signIn(owner, ip);
    const ok = await session.from('profiles').update({ display_name: 'Олег', locale: 'en', time_zone: 'Asia/Almaty', quiet_hours_start: '22:00', quiet_hours_end: '08:00' }).eq('user_id', owner.id)
      .select('display_name, locale, time_zone, quiet_hours_start, quiet_hours_end').single();
    expect(ok.data).toEqual({ display_name: 'Олег', locale: 'en', time_zone: 'Asia/Almaty', quiet_hours_start: '22:00:00', quiet_hours_end: '08:00:00' });
    const chat = await session.from('profiles').update({ telegram_id: 123456789 }).eq('user_id', owner.id);
    expect(chat.error?.code).toBe('42501');
    const badLocale = await session.from('profiles').update({ locale: 'de' }).eq('user_id', owner.id);
    expect(badLocale).toMatchObject({ status: 400, error: { code: '23514' } });
    const badZone = await session.from('profiles').update({ time_zone: 'Mars/Olympus' }).eq('user_id', owner.id);
    expect(badZone.status).toBe(400);
    expect(badZone.error?.message).toContain('Mars/Olympus');
  });
});
