import type { SupabaseClient } from '@supabase/supabase-js';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { db } from '../support/clients.ts';
import { upload } from '../support/etl.ts';
import { createUser, signIn } from '../support/users.ts';

/** Mapping TW identifiers to offers: ranked suggestions and the list of unmapped revenue. */

const sql = db();
const ip = '198.51.100.43';
const ws = '40000000-0000-4000-8000-00000000c001';
const elsewhere = '40000000-0000-4000-8000-00000000c002';
let managerSession: SupabaseClient;
let viewerSession: SupabaseClient;
let outsiderSession: SupabaseClient;

const conversions = [
  'event_id;event_time;event_type;campaign_id;offer_id;link_title;geo;payout;currency',
  'm1;2026-03-01T10:00:00Z;first_deposit;c1;pinup-ru-cpa;PinUp RU CPA main;RU;50;USD',
  'm2;2026-03-01T11:00:00Z;first_deposit;c1;pinup-ru-cpa;PinUp RU CPA main;RU;50;USD',
  'm3;2026-03-01T12:00:00Z;first_deposit;c1;5531;Pin-Up Casino RU;RU;45;USD',
  'm4;2026-03-02T10:00:00Z;first_deposit;c1;vavada-kz;Vavada KZ;KZ;40;USD',
  'm5;2026-03-02T11:00:00Z;registration;c1;joy-01;Joycasino;RU;0;USD',
  '',
].join('\n');

interface Suggestion {
  tw_offer_id: string;
  link_title: string | null;
  events: number;
  revenue: string | number;
  similarity: number;
}

beforeAll(async () => {
  await sql`insert into public.workspaces (id, name) values (${ws}, 'Mapping team'), (${elsewhere}, 'Another team')`;
  const manager = await createUser(sql, 'mapping-manager');
  const viewer = await createUser(sql, 'mapping-viewer');
  const outsider = await createUser(sql, 'mapping-outsider');
  await sql`insert into public.workspace_members values (${ws}, ${manager.id}, 'admin'), (${ws}, ${viewer.id}, 'read_only'), (${elsewhere}, ${outsider.id}, 'admin')`;
  managerSession = await signIn(manager, ip);
  viewerSession = await signIn(viewer, ip);
  outsiderSession = await signIn(outsider, ip);
  const { status, body } = await upload(managerSession, ws, 'mapping.csv', conversions);
  expect(status).toBe(200);
  expect(body.load).toMatchObject({ status: 'done', rows_accepted: '5' });
});

// Each test starts from the uploaded conversions alone: a mapping another test made would hide
// its TW offer from the suggestions and the unmapped list (mappings first, so the offers they
// tie to events may be deleted).
beforeEach(async () => {
  await sql`delete from public.offer_mapping where workspace_id = ${ws}`;
  await sql`delete from public.offers where workspace_id = ${ws}`;
});

afterAll(async () => {
  await sql`delete from public.workspaces where id in (${ws}, ${elsewhere})`;
  await sql.end();
});

async function suggestions(session: SupabaseClient, offer: string): Promise<Suggestion[]> {
  const { data, error } = await session.rpc('suggest_offer_mappings', { offer });
  expect(error).toBeNull();
  return data as Suggestion[];
}

describe('mapping suggestions', () => {
  it('ranks unmapped TW offers and links by similarity to the offer, and drops what gets mapped', async () => {
    const created = await managerSession.from('offers').insert({ workspace_id: ws, code: 'PINUP-RU-CPA', name: 'Pin-Up Casino RU' }).select('id').single();
    const offer = (created.data as { id: string }).id;
    const ranked = await suggestions(viewerSession, offer);
    expect(ranked.map((s) => s.tw_offer_id)).toEqual(['pinup-ru-cpa', '5531', expect.any(String), expect.any(String)]);
    expect(ranked.slice(2).map((s) => s.tw_offer_id).sort()).toEqual(['joy-01', 'vavada-kz']);
    expect(ranked[0]).toMatchObject({ link_title: 'PinUp RU CPA main', events: 2, revenue: 100 });
    expect(ranked[0]?.similarity).toBe(1);
    expect(ranked[1]?.similarity).toBe(1);
    expect(ranked[2]?.similarity ?? 1).toBeLessThan(0.3);

    expect(await suggestions(outsiderSession, offer)).toEqual([]);

    const mapped = await managerSession.from('offer_mapping').insert({ workspace_id: ws, offer_id: offer, tw_offer_id: 'pinup-ru-cpa' });
    expect(mapped.error).toBeNull();
    expect((await suggestions(viewerSession, offer)).map((s) => s.tw_offer_id)).toEqual(['5531', expect.any(String), expect.any(String)]);
  });
});

describe('unmapped TW offers with revenue', () => {
  it('lists every TW offer and link with revenue that no offer maps, to members only', async () => {
    const created = await managerSession.from('offers').insert({ workspace_id: ws, code: 'VAVADA', name: 'Vavada' }).select('id').single();
    const offer = (created.data as { id: string }).id;
    const before = await viewerSession.from('unmapped_tw_offers').select('tw_offer_id, link_title, events, revenue').eq('workspace_id', ws).order('tw_offer_id');
    expect(before.error).toBeNull();
    const ids = (before.data ?? []).map((r) => r.tw_offer_id);
    expect(ids).toContain('vavada-kz');
    expect(ids).not.toContain('joy-01');
    await managerSession.from('offer_mapping').insert({ workspace_id: ws, offer_id: offer, tw_offer_id: 'vavada-kz', link_title: 'Vavada KZ' });
    const after = await viewerSession.from('unmapped_tw_offers').select('tw_offer_id').eq('workspace_id', ws);
    expect((after.data ?? []).map((r) => r.tw_offer_id)).not.toContain('vavada-kz');
    expect(await outsiderSession.from('unmapped_tw_offers').select('tw_offer_id').eq('workspace_id', ws)).toMatchObject({ error: null, data: [] });
  });
});
