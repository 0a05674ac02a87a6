import type { SupabaseClient } from '@supabase/supabase-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { db } from '../support/clients.ts';
import { upload } from '../support/etl.ts';
import { createUser, signIn } from '../support/users.ts';

/** The RPCs the Offers screens call: the list in one call, a new offer with its terms, linked campaigns. */

const sql = db();
const ip = '198.51.100.147';
const ws = '40000000-0000-4000-8000-00000000d001';
const elsewhere = '40000000-0000-4000-8000-00000000d002';
let managerSession: SupabaseClient;
let viewerSession: SupabaseClient;
let outsiderSession: SupabaseClient;
let programId: string;

const conversions = [
  'event_id;event_time;event_type;campaign_id;campaign_name;offer_id;link_title;geo;payout;currency',
  'k1;2026-04-01T10:00:00Z;registration;c1;Camp one;tw-whole;Main;RU;0;USD',
  'k2;2026-04-01T11:00:00Z;first_deposit;c1;Camp one;tw-whole;Main;RU;50;USD',
  'k3;2026-04-02T11:00:00Z;first_deposit;c2;Camp two;tw-whole;Promo;RU;40;USD',
  'k4;2026-04-02T12:00:00Z;first_deposit;c2;Camp two;tw-links;Link A;KZ;30;USD',
  'k5;2026-04-03T12:00:00Z;first_deposit;c3;Camp three;tw-links;Link B;KZ;20;USD',
  'k6;2026-04-03T13:00:00Z;first_deposit;c2;Camp two;tw-links;Link A;KZ;25;EUR',
  'k7;2026-05-10T13:00:00Z;first_deposit;c1;Camp one;tw-whole;Main;RU;70;USD',
  '',
].join('\n');
const clicks = [
  'date;campaign_id;offer_id;link_title;geo;clicks;unique_clicks',
  '2026-04-01;c1;tw-whole;Main;RU;100;90',
  '2026-04-02;c2;tw-links;Link A;KZ;40;35',
  '2026-04-03;c3;tw-links;Link B;KZ;15;15',
  '',
].join('\n');

interface ListRow {
  id: string;
  code: string;
  status: string;
  program_name: string | null;
  version_id: string | null;
  valid_from: string | null;
  geos: string[];
  rate_geos: string[];
  rate: number | null;
  currency: string | null;
  terms_live: boolean;
  versions: number;
  active_mappings: number;
}

async function list(session: SupabaseClient, workspace = ws): Promise<ListRow[]> {
  const { data, error } = await session.rpc('offer_list', { workspace });
  expect(error).toBeNull();
  return data as ListRow[];
}

async function createOffer(code: string, extra: Record<string, unknown> = {}, session = managerSession) {
  return session.rpc('create_offer', { workspace: ws, code, name: `${code} offer`, valid_from: '2026-01-01T00:00:00Z', rate: 10, currency: 'usd', ...extra });
}

beforeAll(async () => {
  await sql`insert into public.workspaces (id, name) values (${ws}, 'Offers app team'), (${elsewhere}, 'Other team')`;
  const manager = await createUser(sql, 'offers-app-manager');
  const viewer = await createUser(sql, 'offers-app-viewer');
  const outsider = await createUser(sql, 'offers-app-outsider');
  const uploader = await createUser(sql, 'offers-app-uploader');
  await sql`insert into public.workspace_members values (${ws}, ${manager.id}, 'affiliate_manager'), (${ws}, ${viewer.id}, 'read_only'), (${ws}, ${uploader.id}, 'media_buyer'), (${elsewhere}, ${outsider.id}, 'admin')`;
  let uploaderSession: SupabaseClient;
  [uploaderSession, managerSession, viewerSession, outsiderSession] = await Promise.all([signIn(uploader, ip), signIn(manager, ip), signIn(viewer, ip), signIn(outsider, ip)]);
  const [program] = await sql<{ id: string }[]>`insert into public.affiliate_programs (workspace_id, name) values (${ws}, 'Alpha Partners') returning id`;
  programId = program?.id ?? '';
  for (const [name, body] of [['app-conversions.csv', conversions], ['app-clicks.csv', clicks]] as const) {
    const { status, body: answer } = await upload(uploaderSession, ws, name, body);
    expect(status, JSON.stringify(answer)).toBe(200);
    expect(answer.load.status).toBe('done');
  }
});

afterAll(async () => {
  await sql`delete from public.workspaces where id in (${ws}, ${elsewhere})`;
  await sql.end();
});

describe('create_offer', () => {
  it('creates the offer and its first version together', async () => {
    const created = await createOffer('NEW-ONE', { program: programId, product: ' Casino ', geos: ['ru', 'kz'], geo_rates: { KZ: 8 }, landing_type: 'prelanding', approach: 'bonus' });
    expect(created.error).toBeNull();
    expect(created.data).toMatchObject({ code: 'NEW-ONE', product: 'Casino', program_id: programId, status: 'active' });
    const versions = await sql`select geos, rate, currency, landing_type, approach, valid_to from public.offer_versions where offer_id = ${created.data.id}`;
    expect(versions).toEqual([{ geos: ['KZ', 'RU'], rate: '10.0000', currency: 'USD', landing_type: 'prelanding', approach: 'bonus', valid_to: null }]);
  });

  it('leaves nothing behind when the terms are refused, and names a duplicate code', async () => {
    const refused = await createOffer('BAD-RATE', { rate: -1 });
    expect(refused.error).toMatchObject({ code: '23514' });
    expect(await sql`select 1 from public.offers where code = 'BAD-RATE'`).toHaveLength(0);
    expect((await createOffer('DUP')).error).toBeNull();
    const duplicate = await createOffer('dup');
    expect(duplicate.error).toMatchObject({ code: '23505', message: 'An offer with code dup already exists in this workspace', hint: 'Choose another code, or open the existing offer.' });
  });

  it('is refused to a read-only member and to another workspace', async () => {
    const byViewer = await createOffer('VIEWER', {}, viewerSession);
    expect(byViewer.error).toMatchObject({ code: '42501' });
    const byOutsider = await createOffer('OUTSIDER', {}, outsiderSession);
    expect(byOutsider.error).toMatchObject({ code: '42501' });
    expect(await sql`select 1 from public.offers where code in ('VIEWER', 'OUTSIDER')`).toHaveLength(0);
  });
});

describe('offer_list', () => {
  it('shows each offer with its program, the terms valid now, GEOs and counts, to members only', async () => {
    const created = await createOffer('LIST-A', { program: programId, geos: ['DE'], geo_rates: { AT: { rate: 7, currency: 'EUR' } } });
    const id = created.data.id as string;
    const future = new Date(Date.now() + 30 * 86_400_000).toISOString();
    expect((await managerSession.rpc('open_offer_version', { offer: id, valid_from: future, rate: 15, currency: 'USD' })).error).toBeNull();
    await managerSession.from('offer_mapping').insert({ workspace_id: ws, offer_id: id, tw_offer_id: 'tw-list' });

    const row = (await list(viewerSession)).find((r) => r.id === id);
    expect(row).toMatchObject({ code: 'LIST-A', status: 'active', program_name: 'Alpha Partners', geos: ['DE'], rate_geos: ['AT'], rate: 10, currency: 'USD', terms_live: true, versions: 2, active_mappings: 1 });
    expect(new Date(row?.valid_from ?? '').toISOString()).toBe('2026-01-01T00:00:00.000Z');
    expect((await list(viewerSession)).map((r) => r.code)).toEqual([...(await list(viewerSession)).map((r) => r.code)].sort((a, b) => a.toLowerCase().localeCompare(b.toLowerCase())));
    expect(await list(outsiderSession)).toEqual([]);
  });

  it('keeps showing the last terms of an archived offer, as no longer live', async () => {
    const created = await createOffer('LIST-ARCHIVED');
    const archived = await managerSession.from('offers').update({ status: 'archived' }).eq('id', created.data.id).select('status');
    expect(archived).toMatchObject({ error: null, data: [{ status: 'archived' }] });
    expect((await list(managerSession)).find((r) => r.id === created.data.id)).toMatchObject({ status: 'archived', rate: 10, terms_live: false, versions: 1 });
  });

  it('shows an offer without versions with empty terms', async () => {
    const { data } = await managerSession.from('offers').insert({ workspace_id: ws, code: 'LIST-BARE', name: 'Bare' }).select('id').single();
    expect((await list(managerSession)).find((r) => r.id === (data as { id: string }).id)).toMatchObject({ version_id: null, rate: null, geos: [], rate_geos: [], terms_live: false, versions: 0 });
  });
});

describe('offer_campaigns', () => {
  it('lists the campaigns a whole TW offer and single links bring, with their metrics over the range', async () => {
    const created = await createOffer('LINKED');
    const offer = created.data.id as string;
    for (const mapping of [{ tw_offer_id: 'tw-whole' }, { tw_offer_id: 'tw-links', link_title: 'Link A' }]) {
      expect((await managerSession.from('offer_mapping').insert({ workspace_id: ws, offer_id: offer, ...mapping })).error).toBeNull();
    }
    const { data, error } = await viewerSession.rpc('offer_campaigns', { offer, date_from: '2026-04-01', date_to: '2026-04-30' });
    expect(error).toBeNull();
    expect(data).toEqual([
      { campaign_id: 'c1', campaign_name: 'Camp one', tw_offer_id: 'tw-whole', link_title: null, clicks: 100, registrations: 1, ftds: 1, revenue: 50, spend: 0, profit: 50, other_currency_rows: 0, last_day: '2026-04-01' },
      { campaign_id: 'c2', campaign_name: 'Camp two', tw_offer_id: 'tw-whole', link_title: null, clicks: 0, registrations: 0, ftds: 1, revenue: 40, spend: 0, profit: 40, other_currency_rows: 0, last_day: '2026-04-02' },
      { campaign_id: 'c2', campaign_name: 'Camp two', tw_offer_id: 'tw-links', link_title: 'Link A', clicks: 40, registrations: 0, ftds: 2, revenue: 30, spend: null, profit: null, other_currency_rows: 1, last_day: '2026-04-03' },
    ]);

    const may = await viewerSession.rpc('offer_campaigns', { offer, date_from: '2026-05-01', date_to: '2026-05-31' });
    expect(may.data).toMatchObject([{ campaign_id: 'c1', revenue: 70, ftds: 1 }]);

    await managerSession.from('offer_mapping').update({ is_active: false }).eq('offer_id', offer).eq('tw_offer_id', 'tw-whole');
    const unmapped = await viewerSession.rpc('offer_campaigns', { offer, date_from: '2026-04-01', date_to: '2026-04-30' });
    expect((unmapped.data as { tw_offer_id: string }[]).map((r) => r.tw_offer_id)).toEqual(['tw-links']);
    expect(await outsiderSession.rpc('offer_campaigns', { offer, date_from: '2026-04-01', date_to: '2026-04-30' })).toMatchObject({ error: null, data: [] });
  });
});
