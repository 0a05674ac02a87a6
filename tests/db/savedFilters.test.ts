import type { SupabaseClient } from '@supabase/supabase-js';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { dimensions, filterDimensions, metrics, rangePresets, type AnalyticsSelection } from '../../app/lib/analytics.ts';
import { readSelection } from '../../app/lib/analyticsPresets.ts';
import { client, db } from '../support/clients.ts';
import { accessToken, createUser, signIn, type TestUser } from '../support/users.ts';
import { Inbox, realtimeClient, subscribed } from './realtime.helpers.ts';

/**
 * Analytics presets shared with the workspace (saved_filters): who may share, rename and
 * delete them, that another workspace's presets stay invisible, and that the database refuses
 * a preset the app could not load and a name the workspace already uses.
 */

const sql = db();
const ip = '198.51.100.66';
const ws = '60000000-0000-4000-8000-00000000d001';
const elsewhere = '60000000-0000-4000-8000-00000000d002';

const writers = ['media_buyer', 'affiliate_manager', 'finance', 'admin'] as const;
type Writer = (typeof writers)[number];
const people = {} as Record<Writer | 'read_only' | 'outsider', TestUser>;
const sessions = {} as Record<Writer | 'read_only' | 'outsider', SupabaseClient>;

const selection: AnalyticsSelection = { range: { preset: 'last7' }, groupBy: ['offer', 'geo'], columns: ['spend', 'profit', 'roi'], filters: { geo: ['RU', 'KZ'] }, sort: { key: 'profit', direction: 'desc' } };

/** A preset row straight in the database, owned by `owner`, bypassing the API. */
async function seedPreset(workspace: string, owner: TestUser, name: string): Promise<string> {
  const [row] = await sql<{ id: string }[]>`insert into public.saved_filters (workspace_id, owner_id, name, selection)
    values (${workspace}, ${owner.id}, ${name}, ${sql.json(selection as never)}) returning id`;
  if (!row) throw new Error('no preset');
  return row.id;
}

async function presetName(id: string): Promise<string | null> {
  const [row] = await sql<{ name: string }[]>`select name from public.saved_filters where id = ${id}`;
  return row?.name ?? null;
}

beforeAll(async () => {
  await sql`insert into public.workspaces (id, name) values (${ws}, 'Preset team'), (${elsewhere}, 'Other team')`;
  for (const role of [...writers, 'read_only'] as const) {
    people[role] = await createUser(sql, `presets-${role}`);
    await sql`insert into public.workspace_members values (${ws}, ${people[role].id}, ${role})`;
  }
  people.outsider = await createUser(sql, 'presets-outsider');
  await sql`insert into public.workspace_members values (${elsewhere}, ${people.outsider.id}, 'admin')`;
  for (const [role, person] of Object.entries(people)) sessions[role as keyof typeof sessions] = await signIn(person, ip);
});

beforeEach(async () => {
  await sql`delete from public.saved_filters where workspace_id in (${ws}, ${elsewhere})`;
});

afterAll(async () => {
  await sql`delete from public.workspaces where id in (${ws}, ${elsewhere})`;
  await sql`delete from auth.users where id in ${sql(Object.values(people).map((p) => p.id))}`;
  await sql.end();
});

describe('sharing a preset', () => {
  it.each(writers)('%s shares a preset, owned by them and read back as saved', async (role) => {
    const { data, error } = await sessions[role].from('saved_filters').insert({ workspace_id: ws, name: `By ${role}`, selection }).select('workspace_id, owner_id, name, selection').single();
    expect(error).toBeNull();
    expect(data).toEqual({ workspace_id: ws, owner_id: people[role].id, name: `By ${role}`, selection });
    expect(readSelection(data?.selection)).toEqual(selection);
  });

  it('read_only members cannot share, and anonymous callers reach nothing', async () => {
    const viewer = await sessions.read_only.from('saved_filters').insert({ workspace_id: ws, name: 'By viewer', selection });
    expect(viewer.error?.code).toBe('42501');
    const anon = await client().from('saved_filters').insert({ workspace_id: ws, name: 'Anonymous', selection });
    expect(anon.status).toBe(401);
    expect((await client().from('saved_filters').select('id')).status).toBe(401);
    expect(await sql`select 1 from public.saved_filters where workspace_id = ${ws}`).toHaveLength(0);
  });

  it('nobody shares in another member\'s name or sets the database\'s columns', async () => {
    const forged = await sessions.media_buyer.from('saved_filters').insert({ workspace_id: ws, name: 'Forged', selection, owner_id: people.admin.id });
    expect(forged.error?.code).toBe('42501');
    const dated = await sessions.admin.from('saved_filters').insert({ workspace_id: ws, name: 'Dated', selection, created_at: '2020-01-01T00:00:00Z' });
    expect(dated.error?.code).toBe('42501');
  });

  it('is recorded in the audit log', async () => {
    const { data } = await sessions.finance.from('saved_filters').insert({ workspace_id: ws, name: 'Audited', selection }).select('id').single();
    const rows = await sql`select action, user_id from public.audit_log where table_name = 'saved_filters' and row_id = ${data?.id ?? ''}`;
    expect(rows).toEqual([{ action: 'insert', user_id: people.finance.id }]);
  });
});

describe('reading', () => {
  it('every member reads every shared preset of the workspace, and nothing of another', async () => {
    const ours = await seedPreset(ws, people.media_buyer, 'Ours');
    const theirs = await seedPreset(elsewhere, people.outsider, 'Theirs');
    for (const role of [...writers, 'read_only'] as const) {
      const { data, error } = await sessions[role].from('saved_filters').select('id');
      expect(error).toBeNull();
      expect(data, role).toEqual([{ id: ours }]);
    }
    expect((await sessions.outsider.from('saved_filters').select('id')).data).toEqual([{ id: theirs }]);
  });

  it('embeds the owner\'s name for the list', async () => {
    await seedPreset(ws, people.finance, 'Named');
    const { data } = await sessions.read_only.from('saved_filters').select('name, owner:profiles(display_name)');
    expect(data).toEqual([{ name: 'Named', owner: { display_name: 'presets-finance' } }]);
  });
});

describe('renaming and deleting', () => {
  it('the owner renames, changes and deletes their own preset', async () => {
    const id = await seedPreset(ws, people.affiliate_manager, 'Mine');
    const changed = { ...selection, groupBy: ['date'], sort: null };
    const renamed = await sessions.affiliate_manager.from('saved_filters').update({ name: 'Still mine', selection: changed }).eq('id', id).select('name, selection');
    expect(renamed).toMatchObject({ error: null, data: [{ name: 'Still mine', selection: changed }] });
    const removed = await sessions.affiliate_manager.from('saved_filters').delete().eq('id', id).select('id');
    expect(removed).toMatchObject({ error: null, data: [{ id }] });
  });

  it.each(['media_buyer', 'finance', 'read_only'] as const)('%s cannot rename or delete someone else\'s preset', async (role) => {
    const id = await seedPreset(ws, people.affiliate_manager, 'Not yours');
    const renamed = await sessions[role].from('saved_filters').update({ name: 'Taken over' }).eq('id', id).select('id');
    expect(renamed).toMatchObject({ error: null, data: [] });
    const removed = await sessions[role].from('saved_filters').delete().eq('id', id).select('id');
    expect(removed).toMatchObject({ error: null, data: [] });
    expect(await presetName(id)).toBe('Not yours');
  });

  it('a member demoted to read_only keeps reading their presets but no longer changes them', async () => {
    const id = await seedPreset(ws, people.read_only, 'From before');
    expect((await sessions.read_only.from('saved_filters').update({ name: 'Changed' }).eq('id', id).select('id')).data).toEqual([]);
    expect((await sessions.read_only.from('saved_filters').delete().eq('id', id).select('id')).data).toEqual([]);
    expect(await presetName(id)).toBe('From before');
  });

  it('an admin renames and deletes anyone\'s preset', async () => {
    const id = await seedPreset(ws, people.media_buyer, 'Misleading');
    expect((await sessions.admin.from('saved_filters').update({ name: 'Clear' }).eq('id', id).select('name')).data).toEqual([{ name: 'Clear' }]);
    expect((await sessions.admin.from('saved_filters').delete().eq('id', id).select('id')).data).toEqual([{ id }]);
    expect(await presetName(id)).toBeNull();
  });

  it('nobody hands a preset to someone else or moves it to another workspace', async () => {
    const id = await seedPreset(ws, people.admin, 'Staying');
    const handed = await sessions.admin.from('saved_filters').update({ owner_id: people.media_buyer.id }).eq('id', id);
    expect(handed.error?.code).toBe('42501');
    const moved = await sessions.admin.from('saved_filters').update({ workspace_id: elsewhere }).eq('id', id);
    expect(moved.error?.code).toBe('42501');
  });

  it('another workspace\'s admin neither sees, renames nor deletes ours', async () => {
    const id = await seedPreset(ws, people.media_buyer, 'Private to us');
    expect((await sessions.outsider.from('saved_filters').select('id').eq('id', id)).data).toEqual([]);
    expect((await sessions.outsider.from('saved_filters').update({ name: 'Hijacked' }).eq('id', id).select('id')).data).toEqual([]);
    expect((await sessions.outsider.from('saved_filters').delete().eq('id', id).select('id')).data).toEqual([]);
    const planted = await sessions.outsider.from('saved_filters').insert({ workspace_id: ws, name: 'Planted', selection });
    expect(planted.error?.code).toBe('42501');
    expect(await presetName(id)).toBe('Private to us');
  });
});

describe('names', () => {
  it('a workspace has each name once, whatever the case, and says so', async () => {
    await seedPreset(ws, people.media_buyer, 'RU offers');
    const taken = await sessions.finance.from('saved_filters').insert({ workspace_id: ws, name: 'ru OFFERS', selection });
    expect(taken.error).toMatchObject({ code: '23505', message: 'The workspace already has a shared preset named "ru OFFERS"', hint: 'Choose another name, or rename or delete the preset that has it.' });
    const id = await seedPreset(ws, people.finance, 'KZ offers');
    const renamed = await sessions.finance.from('saved_filters').update({ name: 'RU offers' }).eq('id', id);
    expect(renamed.error).toMatchObject({ code: '23505', message: 'The workspace already has a shared preset named "RU offers"' });
  });

  it('another workspace may use the same name, and renaming a preset to its own name in another case works', async () => {
    const id = await seedPreset(ws, people.media_buyer, 'Shared name');
    expect((await sessions.outsider.from('saved_filters').insert({ workspace_id: elsewhere, name: 'Shared name', selection })).error).toBeNull();
    expect((await sessions.media_buyer.from('saved_filters').update({ name: 'SHARED NAME' }).eq('id', id).select('name')).data).toEqual([{ name: 'SHARED NAME' }]);
  });

  it('refuses an empty name', async () => {
    const { error } = await sessions.admin.from('saved_filters').insert({ workspace_id: ws, name: '   ', selection });
    expect(error?.code).toBe('23514');
  });
});

describe('the preset\'s JSON', () => {
  const bad: [string, unknown, string][] = [
    ['a list', [selection], 'selection is not an object'],
    ['an unknown part', { ...selection, script: 'x' }, 'selection.script is not part of a selection'],
    ['no range', { ...selection, range: undefined }, 'selection.range is not an object'],
    ['an unknown date preset', { ...selection, range: { preset: 'forever' } }, 'selection.range.preset is not a date preset (today, yesterday, last7, last30, thisMonth, lastMonth)'],
    ['a day that does not exist', { ...selection, range: { from: '2026-02-30', to: '2026-03-01' } }, 'selection.range.from is not a date YYYY-MM-DD'],
    ['a day in another format', { ...selection, range: { from: '2026-03-01', to: '01.03.2026' } }, 'selection.range.to is not a date YYYY-MM-DD'],
    ['grouping by a non-dimension', { ...selection, groupBy: ['offer', 'player_id'] }, 'selection.groupBy[1] is not a dimension'],
    ['no columns', { ...selection, columns: [] }, 'selection.columns is not a list of at least one metric'],
    ['an unknown metric', { ...selection, columns: ['spend', 'luck'] }, 'selection.columns[1] is not a metric'],
    ['a date filter', { ...selection, filters: { date: ['2026-03-01'] } }, 'selection.filters key "date" is not a dimension to filter by'],
    ['a filter that is not a list', { ...selection, filters: { geo: 'RU' } }, 'selection.filters.geo is not a list'],
    ['a filter value that is not text', { ...selection, filters: { geo: ['RU', 7] } }, 'selection.filters.geo[1] is not a text value'],
    ['a sort by nothing known', { ...selection, sort: { key: 'luck', direction: 'desc' } }, 'selection.sort.key is not a dimension or a metric'],
    ['a sort direction', { ...selection, sort: { key: 'profit', direction: 'up' } }, 'selection.sort.direction is not asc or desc'],
    ['a huge preset', { ...selection, filters: { campaign: Array.from({ length: 5000 }, (_, i) => `campaign-${i}`) } }, 'selection is longer than 64 KB'],
  ];

  it.each(bad)('refuses %s, naming the place', async (_, value, problem) => {
    const { error } = await sessions.media_buyer.from('saved_filters').insert({ workspace_id: ws, name: 'Bad', selection: value });
    expect(error?.code).toBe('23514');
    expect(error?.message).toContain(`This preset cannot be saved: ${problem}`);
    expect(error?.hint).toMatch(/Export presets/);
  });

  it('refuses a bad selection on update too, and from the service role and SQL', async () => {
    const id = await seedPreset(ws, people.media_buyer, 'Good');
    const { error } = await sessions.media_buyer.from('saved_filters').update({ selection: { ...selection, columns: ['luck'] } }).eq('id', id);
    expect(error?.code).toBe('23514');
    await expect(sql`update public.saved_filters set selection = '{"range": {}}' where id = ${id}`).rejects.toMatchObject({ code: '23514' });
    expect(readSelection((await sql`select selection from public.saved_filters where id = ${id}`)[0]?.selection)).toEqual(selection);
  });

  it('accepts every dimension, metric, date preset and filter the app knows, so the lists cannot drift', async () => {
    const everything = rangePresets.map((preset, i) => ({
      workspace_id: ws,
      name: `Everything ${i}`,
      selection: { range: { preset }, groupBy: [...dimensions], columns: [...metrics], filters: Object.fromEntries(filterDimensions.map((d) => [d, ['x']])), sort: { key: metrics[i] ?? 'spend', direction: 'asc' } },
    }));
    const fixed = { workspace_id: ws, name: 'Fixed days', selection: { range: { from: '2026-02-28', to: '2026-03-01' }, groupBy: [], columns: ['roi'], filters: null, sort: { key: 'creative', direction: 'desc' } } };
    const { data, error } = await sessions.admin.from('saved_filters').insert([...everything, fixed]).select('selection');
    expect(error).toBeNull();
    for (const row of data ?? []) expect(() => readSelection(row.selection)).not.toThrow();
  });
});

describe('live changes', () => {
  it('members watching the workspace hear presets appear, change and go', async () => {
    const watcher = await realtimeClient(await accessToken(people.read_only, ip));
    const inbox = new Inbox<{ eventType: string; new: Record<string, unknown>; old: Record<string, unknown> }>();
    const channel = watcher.channel(`presets-${ws}`).on('postgres_changes', { event: '*', schema: 'public', table: 'saved_filters', filter: `workspace_id=eq.${ws}` }, inbox.push);
    await subscribed(channel);
    try {
      const { data } = await sessions.media_buyer.from('saved_filters').insert({ workspace_id: ws, name: 'Live', selection }).select('id').single();
      const id = data?.id as string;
      await sessions.media_buyer.from('saved_filters').update({ name: 'Live, renamed' }).eq('id', id);
      await sessions.admin.from('saved_filters').delete().eq('id', id);
      const events = await inbox.until((items) => items.length >= 3, 'insert, update and delete');
      expect(events.map((e) => e.eventType)).toEqual(['INSERT', 'UPDATE', 'DELETE']);
      expect(events[1]?.new).toMatchObject({ id, name: 'Live, renamed' });
      expect(events[2]?.old).toMatchObject({ id });
    } finally {
      await watcher.removeAllChannels();
    }
  });
});
