import type { SupabaseClient } from '@supabase/supabase-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { db } from '../support/clients.ts';
import { upload } from '../support/etl.ts';
import { createUser, signIn, type TestUser } from '../support/users.ts';

/** Rules that depend on loaded TrafficWave events: backdating terms and deleting offers. */

const sql = db();
const ip = '198.51.100.42';
const ws = '40000000-0000-4000-8000-00000000b001';
let admin: TestUser;
let adminSession: SupabaseClient;
let managerSession: SupabaseClient;

const conversions = [
  'event_id;event_time;event_type;campaign_id;offer_id;link_title;geo;payout;currency',
  'ev1;2026-03-01T10:00:00Z;registration;c1;tw-retro;Retro main;RU;5;USD',
  'ev2;2026-03-02T10:00:00Z;first_deposit;c1;tw-retro;Retro main;RU;50;USD',
  'ev3;2026-03-05T10:00:00Z;first_deposit;c1;tw-retro;Retro promo;RU;30;USD',
  'ev4;2026-03-03T10:00:00Z;first_deposit;c1;tw-kept;Kept;KZ;40;USD',
  '',
].join('\n');

async function createOffer(code: string, twOfferId?: string): Promise<string> {
  const { data, error } = await managerSession.from('offers').insert({ workspace_id: ws, code, name: `${code} offer` }).select('id').single();
  expect(error).toBeNull();
  const offer = (data as { id: string }).id;
  if (twOfferId) {
    const mapped = await managerSession.from('offer_mapping').insert({ workspace_id: ws, offer_id: offer, tw_offer_id: twOfferId });
    expect(mapped.error).toBeNull();
  }
  return offer;
}

function openVersion(session: SupabaseClient, offer: string, validFrom: string, rate: number, reason?: string) {
  return session.rpc('open_offer_version', { offer, valid_from: validFrom, rate, currency: 'USD', ...(reason ? { reason } : {}) });
}

beforeAll(async () => {
  await sql`insert into public.workspaces (id, name) values (${ws}, 'Offers with events')`;
  admin = await createUser(sql, 'offers-admin');
  const manager = await createUser(sql, 'offers-events-manager');
  await sql`insert into public.workspace_members values (${ws}, ${admin.id}, 'admin'), (${ws}, ${manager.id}, 'affiliate_manager')`;
  adminSession = await signIn(admin, ip);
  managerSession = await signIn(manager, ip);
  const { status, body } = await upload(adminSession, ws, 'offers-events.csv', conversions);
  expect(status).toBe(200);
  expect(body.load).toMatchObject({ status: 'done', rows_accepted: '4' });
});

afterAll(async () => {
  await sql`delete from public.workspaces where id = ${ws}`;
  await sql.end();
});

describe('opening a version in the past', () => {
  it('is refused to a non-admin once events were counted under the current terms, and allowed after the last event', async () => {
    const offer = await createOffer('RETRO-M');
    expect((await openVersion(managerSession, offer, '2026-01-01T00:00:00Z', 40)).error).toBeNull();
    const mapped = await managerSession.from('offer_mapping').insert({ workspace_id: ws, offer_id: offer, tw_offer_id: 'tw-retro', link_title: 'Retro main' });
    expect(mapped.error).toBeNull();
    const refused = await openVersion(managerSession, offer, '2026-03-02T00:00:00Z', 45, 'the program says so');
    expect(refused).toMatchObject({
      status: 403,
      error: { code: '42501', message: '1 TrafficWave events since 2026-03-02 00:00:00 UTC were counted under the current terms of offer RETRO-M: only an admin can open a version in the past' },
    });
    const afterEvents = await openVersion(managerSession, offer, '2026-03-02T10:00:01Z', 45);
    expect(afterEvents.error).toBeNull();
    expect(afterEvents.data).toMatchObject({ backdate_reason: null });
  });

  it('needs an admin who says why, and keeps the reason', async () => {
    const offer = await createOffer('RETRO-A', 'tw-retro');
    const first = await openVersion(adminSession, offer, '2026-01-01T00:00:00Z', 40);
    expect(first.error).toBeNull();
    const silent = await openVersion(adminSession, offer, '2026-03-02T00:00:00Z', 45, '  ');
    expect(silent.error).toMatchObject({
      code: 'P0001',
      message: 'Say why the terms of offer RETRO-A change retroactively: 2 TrafficWave events since 2026-03-02 00:00:00 UTC were counted under the current terms',
    });
    const explained = await openVersion(adminSession, offer, '2026-03-02T00:00:00Z', 45, 'Program raised the rate from March 2');
    expect(explained.error).toBeNull();
    expect(explained.data).toMatchObject({ backdate_reason: 'Program raised the rate from March 2', author: admin.id });
    const versions = await sql`select id, valid_to from public.offer_versions where offer_id = ${offer} order by valid_from`;
    expect(versions.map((v) => [v.id, v.valid_to?.toISOString() ?? null])).toEqual([
      [first.data.id, '2026-03-02T00:00:00.000Z'],
      [explained.data.id, null],
    ]);
    const history = await adminSession.from('offer_audit_log').select('field, new_value, changed_by')
      .eq('offer_version_id', explained.data.id).eq('field', 'backdate_reason');
    expect(history.data).toEqual([{ field: 'backdate_reason', new_value: 'Program raised the rate from March 2', changed_by: admin.id }]);
    const payout = await managerSession.rpc('payout_for', { workspace: ws, offer_ref: 'tw-retro', geo: 'RU', at: '2026-03-02T10:00:00Z' });
    expect(payout.data).toEqual([expect.objectContaining({ offer_version_id: explained.data.id, currency: 'USD' })]);
  });
});

describe('deleting offers', () => {
  it('refuses to delete an offer TW events reference and archives it instead, closing its versions', async () => {
    const offer = await createOffer('KEPT', 'tw-kept');
    await openVersion(managerSession, offer, '2026-01-01T00:00:00Z', 40);
    const removed = await managerSession.from('offers').delete().eq('id', offer).select();
    expect(removed).toMatchObject({
      status: 409,
      error: { code: '23503', message: 'Offer KEPT cannot be deleted: 1 TrafficWave events reference it', hint: 'Archive the offer instead (status archived).' },
    });
    const archived = await managerSession.from('offers').update({ status: 'archived' }).eq('id', offer).select('status').single();
    expect(archived).toMatchObject({ error: null, data: { status: 'archived' } });
    const [open] = await sql`select count(*)::int as n from public.offer_versions where offer_id = ${offer} and valid_to is null`;
    expect(open?.n).toBe(0);
  });

  it('deletes an offer no event references, with its versions and mappings', async () => {
    const offer = await createOffer('UNUSED', 'tw-never-seen');
    await openVersion(managerSession, offer, '2026-01-01T00:00:00Z', 40);
    const removed = await managerSession.from('offers').delete().eq('id', offer).select('code');
    expect(removed).toMatchObject({ error: null, data: [{ code: 'UNUSED' }] });
    const [left] = await sql`select (select count(*) from public.offer_versions where offer_id = ${offer})::int
      + (select count(*) from public.offer_mapping where offer_id = ${offer})::int as n`;
    expect(left?.n).toBe(0);
  });
});
