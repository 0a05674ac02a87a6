import type { SupabaseClient } from '@supabase/supabase-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { db } from '../support/clients.ts';
import { upload } from '../support/etl.ts';
import { createUser, signIn } from '../support/users.ts';

/** program_overview(): the programs list with active offers, revenue through the mapping and last contact. */

const sql = db();
const ip = '198.51.100.172';
const ws = '40000000-0000-4000-8000-0000000f7201';
const elsewhere = '40000000-0000-4000-8000-0000000f7202';
let managerSession: SupabaseClient;
let viewerSession: SupabaseClient;
let outsiderSession: SupabaseClient;
const programs: Record<'alpha' | 'promo' | 'quiet', string> = { alpha: '', promo: '', quiet: '' };

const conversions = [
  'event_id;event_time;event_type;campaign_id;offer_id;link_title;geo;payout;currency',
  'ov1;2027-03-01T10:00:00Z;first_deposit;c1;tw-alpha;Alpha main;RU;50;USD',
  'ov2;2027-03-01T11:00:00Z;first_deposit;c1;tw-alpha;Alpha promo;RU;30;USD',
  'ov3;2027-03-10T10:00:00Z;first_deposit;c1;tw-alpha;Alpha main;RU;20;USD',
  'ov4;2027-03-02T10:00:00Z;first_deposit;c1;tw-beta;Beta;KZ;40;USD',
  'ov5;2027-03-02T11:00:00Z;first_deposit;c1;tw-beta;Beta;KZ;10;EUR',
  'ov6;2027-03-03T10:00:00Z;chargeback;c1;tw-beta;Beta;KZ;-15;USD',
  'ov7;2027-03-02T10:00:00Z;first_deposit;c1;tw-gamma;Gamma;RU;100;USD',
  '',
].join('\n');

interface OverviewRow {
  program_id: string;
  name: string;
  active_offers: number;
  revenue: number;
  other_currency_rows: number;
  last_contact_at: string | null;
}

async function insertOne(table: string, row: Record<string, unknown>): Promise<string> {
  const { data, error } = await managerSession.from(table).insert({ workspace_id: ws, ...row }).select('id').single();
  expect(error).toBeNull();
  return (data as { id: string }).id;
}

async function overview(from: string, to: string, session = viewerSession): Promise<Record<string, OverviewRow>> {
  const { data, error } = await session.rpc('program_overview', { workspace: ws, date_from: from, date_to: to });
  expect(error).toBeNull();
  const rows = data as OverviewRow[];
  expect(rows.map((r) => r.name)).toEqual(['Alpha Partners', 'Promo Network', 'Quiet Program']);
  return Object.fromEntries(rows.map((r) => [r.program_id, r]));
}

beforeAll(async () => {
  await sql`insert into public.workspaces (id, name) values (${ws}, 'Overview team'), (${elsewhere}, 'Another overview team')`;
  const manager = await createUser(sql, 'overview-manager');
  const viewer = await createUser(sql, 'overview-viewer');
  const outsider = await createUser(sql, 'overview-outsider');
  const buyer = await createUser(sql, 'overview-buyer');
  await sql`insert into public.workspace_members values (${ws}, ${manager.id}, 'affiliate_manager'), (${ws}, ${viewer.id}, 'read_only'),
    (${ws}, ${buyer.id}, 'media_buyer'), (${elsewhere}, ${outsider.id}, 'admin')`;
  [managerSession, viewerSession, outsiderSession] = await Promise.all([signIn(manager, ip), signIn(viewer, ip), signIn(outsider, ip)]);
  // Media buyers upload the TW data; affiliate managers map it.
  const { status, body } = await upload(await signIn(buyer, ip), ws, 'overview.csv', conversions);
  expect(status).toBe(200);
  expect(body.load).toMatchObject({ status: 'done', rows_accepted: '7' });

  programs.quiet = await insertOne('affiliate_programs', { name: 'Quiet Program' });
  programs.promo = await insertOne('affiliate_programs', { name: 'Promo Network' });
  programs.alpha = await insertOne('affiliate_programs', { name: 'Alpha Partners' });
  const alphaMain = await insertOne('offers', { code: 'ALPHA', name: 'Alpha', program_id: programs.alpha });
  const betaPaused = await insertOne('offers', { code: 'BETA', name: 'Beta', program_id: programs.alpha, status: 'paused' });
  const promo = await insertOne('offers', { code: 'ALPHA-PROMO', name: 'Alpha promo link', program_id: programs.promo });
  await insertOne('offer_mapping', { offer_id: alphaMain, tw_offer_id: 'tw-alpha' });
  await insertOne('offer_mapping', { offer_id: betaPaused, tw_offer_id: 'tw-beta' });
  await insertOne('offer_mapping', { offer_id: promo, tw_offer_id: 'tw-alpha', link_title: 'Alpha promo' });
  // A mapping switched off no longer brings revenue.
  const retired = await insertOne('offers', { code: 'GAMMA', name: 'Gamma', program_id: programs.quiet });
  await managerSession.from('offer_mapping').insert({ workspace_id: ws, offer_id: retired, tw_offer_id: 'tw-gamma', is_active: false });
  await managerSession.from('offers').update({ status: 'archived' }).eq('id', retired);
});

afterAll(async () => {
  await sql`delete from public.workspaces where id in (${ws}, ${elsewhere})`;
  await sql.end();
});

describe('revenue through the mapping', () => {
  it("sums the rollup of each program's mapped TW offers over the range, a link's events going to the link's program", async () => {
    const firstDays = await overview('2027-03-01', '2027-03-05');
    // Alpha: tw-alpha 50 + 30 less the promo link's 30, and tw-beta 40 − 15 (the EUR deposit is counted apart).
    expect(firstDays[programs.alpha]).toMatchObject({ revenue: 75, other_currency_rows: 1 });
    expect(firstDays[programs.promo]).toMatchObject({ revenue: 30, other_currency_rows: 0 });
    expect(firstDays[programs.quiet]).toMatchObject({ revenue: 0, other_currency_rows: 0 });

    const month = await overview('2027-03-01', '2027-03-31');
    expect(month[programs.alpha]?.revenue).toBe(95);
    expect(month[programs.promo]?.revenue).toBe(30);
    expect((await overview('2027-03-10', '2027-03-10'))[programs.alpha]?.revenue).toBe(20);
  });
});

describe('offers and contacts', () => {
  it('counts active offers only and shows the latest contact log entry', async () => {
    const before = await overview('2027-03-01', '2027-03-05');
    expect([before[programs.alpha]?.active_offers, before[programs.promo]?.active_offers, before[programs.quiet]?.active_offers]).toEqual([1, 1, 0]);
    expect(before[programs.alpha]?.last_contact_at).toBeNull();

    await insertOne('program_contact_log', { program_id: programs.alpha, comment: 'Asked about the March payment', at: '2027-03-04T09:00:00Z' });
    await insertOne('program_contact_log', { program_id: programs.alpha, comment: 'They promised to pay on Friday', at: '2027-03-06T15:30:00Z' });
    const after = await overview('2027-03-01', '2027-03-05');
    expect(new Date(after[programs.alpha]?.last_contact_at ?? '').toISOString()).toBe('2027-03-06T15:30:00.000Z');
    expect(after[programs.promo]?.last_contact_at).toBeNull();
  });
});

describe('who may ask, and bad input', () => {
  it('refuses people outside the workspace and an inverted range, with messages that say why', async () => {
    const outsider = await outsiderSession.rpc('program_overview', { workspace: ws, date_from: '2027-03-01', date_to: '2027-03-05' });
    expect(outsider).toMatchObject({ status: 403, error: { code: '42501', message: 'You are not a member of this workspace' } });
    const inverted = await viewerSession.rpc('program_overview', { workspace: ws, date_from: '2027-03-05', date_to: '2027-03-01' });
    expect(inverted).toMatchObject({ status: 400, error: { code: '22023', message: 'The date range 2027-03-05 – 2027-03-01 is empty: date_from must not be after date_to' } });
  });
});
