import type { SupabaseClient } from '@supabase/supabase-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { db } from '../support/clients.ts';
import { createUser, signIn, type TestUser } from '../support/users.ts';

/** Versioned terms without TW data: SCD2 steps, the named clash, in-place changes, deactivation, payout lookup, history. */

const sql = db();
const ip = '198.51.100.41';
const ws = '40000000-0000-4000-8000-00000000a001';
let manager: TestUser;
let managerSession: SupabaseClient;
let viewerSession: SupabaseClient;

interface OfferVersion {
  id: string;
  valid_from: string;
  valid_to: string | null;
  rate: string | number;
}

const iso = (value: string | null) => (value === null ? null : new Date(value).toISOString());

async function createOffer(code: string): Promise<string> {
  const { data, error } = await managerSession.from('offers').insert({ workspace_id: ws, code, name: `${code} offer` }).select('id').single();
  expect(error).toBeNull();
  return (data as { id: string }).id;
}

async function openVersion(offer: string, validFrom: string, rate: number, extra: Record<string, unknown> = {}, session = managerSession) {
  return session.rpc('open_offer_version', { offer, valid_from: validFrom, rate, currency: 'usd', ...extra });
}

async function versionsOf(offer: string) {
  const { data, error } = await viewerSession.from('offer_versions').select('id, valid_from, valid_to, rate').eq('offer_id', offer).order('valid_from');
  expect(error).toBeNull();
  return (data as OfferVersion[]).map((v) => ({ ...v, valid_from: iso(v.valid_from), valid_to: iso(v.valid_to), rate: Number(v.rate) }));
}

beforeAll(async () => {
  await sql`insert into public.workspaces (id, name) values (${ws}, 'Offers team')`;
  manager = await createUser(sql, 'offers-manager');
  const viewer = await createUser(sql, 'offers-viewer');
  await sql`insert into public.workspace_members values (${ws}, ${manager.id}, 'affiliate_manager'), (${ws}, ${viewer.id}, 'read_only')`;
  managerSession = await signIn(manager, ip);
  viewerSession = await signIn(viewer, ip);
});

afterAll(async () => {
  await sql`delete from public.workspaces where id = ${ws}`;
  await sql.end();
});

describe('offer versions (SCD2)', () => {
  it('a new version closes the previous one at its start', async () => {
    const offer = await createOffer('STEP');
    const first = await openVersion(offer, '2026-01-01T00:00:00Z', 10);
    expect(first.error).toBeNull();
    expect(first.data).toMatchObject({ offer_id: offer, valid_to: null, currency: 'USD', author: manager.id });
    const second = await openVersion(offer, '2026-02-01T00:00:00Z', 12);
    expect(second.error).toBeNull();
    expect(await versionsOf(offer)).toEqual([
      { id: first.data.id, valid_from: '2026-01-01T00:00:00.000Z', valid_to: '2026-02-01T00:00:00.000Z', rate: 10 },
      { id: second.data.id, valid_from: '2026-02-01T00:00:00.000Z', valid_to: null, rate: 12 },
    ]);
  });

  it('rejects overlapping terms with an error that names the clashing version', async () => {
    const offer = await createOffer('CLASH');
    const january = await openVersion(offer, '2026-01-01T00:00:00Z', 10);
    await openVersion(offer, '2026-02-01T00:00:00Z', 12);
    const overlapping = await openVersion(offer, '2026-01-15T00:00:00Z', 11, { valid_to: '2026-01-20T00:00:00Z' });
    expect(overlapping.error).toMatchObject({
      code: '23P01',
      message: `These terms overlap version ${january.data.id} of offer CLASH (valid from 2026-01-01 00:00:00 UTC to 2026-02-01 00:00:00 UTC)`,
    });
    const sameStart = await openVersion(offer, '2026-02-01T00:00:00Z', 13);
    expect(sameStart.error?.message).toMatch(/^These terms overlap version .* \(valid from 2026-02-01 00:00:00 UTC to open end\)$/);
    expect((await versionsOf(offer)).map((v) => v.rate)).toEqual([10, 12]);
  });

  it('keeps the exclusion constraint as the final guard when the naming trigger is off', async () => {
    const offer = await createOffer('GUARD');
    await openVersion(offer, '2026-01-01T00:00:00Z', 10);
    const attempt = sql.begin(async (tx) => {
      await tx`alter table public.offer_versions disable trigger refuse_overlapping_version`;
      await tx`insert into public.offer_versions (workspace_id, offer_id, valid_from, rate, currency) values (${ws}, ${offer}, '2026-03-01T00:00:00Z', 1, 'USD')`;
    });
    await expect(attempt).rejects.toMatchObject({ code: '23P01', constraint_name: 'offer_versions_no_overlap' });
  });

  it('never changes terms in place, through the API or directly', async () => {
    const offer = await createOffer('FIXED');
    const version = await openVersion(offer, '2026-01-01T00:00:00Z', 10);
    const viaApi = await managerSession.from('offer_versions').update({ rate: 99 }).eq('id', version.data.id).select();
    expect(viaApi.error?.code).toBe('42501');
    await expect(sql`update public.offer_versions set rate = 99 where id = ${version.data.id}`).rejects.toMatchObject({
      message: 'Offer terms never change in place',
    });
    expect((await versionsOf(offer))[0]?.rate).toBe(10);
  });

  it('lets only affiliate managers and admins open versions', async () => {
    const offer = await createOffer('RO');
    const refused = await openVersion(offer, '2026-01-01T00:00:00Z', 10, {}, viewerSession);
    expect(refused).toMatchObject({ status: 403, error: { code: '42501', message: 'Only affiliate managers and admins change offer terms' } });
    expect(await versionsOf(offer)).toEqual([]);
  });

  it('deactivating an offer closes its open version and withdraws terms not started yet', async () => {
    const offer = await createOffer('PAUSE');
    const running = await openVersion(offer, '2026-01-01T00:00:00Z', 10);
    await openVersion(offer, '2099-01-01T00:00:00Z', 15);
    const before = Date.now();
    const paused = await managerSession.from('offers').update({ status: 'paused' }).eq('id', offer).select('status').single();
    expect(paused.error).toBeNull();
    const versions = await versionsOf(offer);
    expect(versions).toHaveLength(1);
    expect(versions[0]?.id).toBe(running.data.id);
    const closedAt = new Date(versions[0]?.valid_to ?? 0).getTime();
    expect(closedAt).toBeGreaterThanOrEqual(before - 5_000);
    expect(closedAt).toBeLessThanOrEqual(Date.now() + 5_000);
    const reopened = await openVersion(offer, '2099-02-01T00:00:00Z', 20);
    expect(reopened.error).toMatchObject({ code: 'P0001', message: 'Offer PAUSE is paused: make it active before opening new terms' });
  });
});

describe('payout_for', () => {
  it('returns the version valid at the moment for the GEO, exactly at the boundaries', async () => {
    const offer = await createOffer('PAYOUT');
    const january = await openVersion(offer, '2026-01-01T00:00:00Z', 10, { geos: ['de', 'AT'], geo_rates: { AT: 8 } });
    const february = await openVersion(offer, '2026-02-01T00:00:00Z', 12, { geos: ['DE'], geo_rates: { DE: { rate: 11, currency: 'EUR' } } });
    const payout = async (ref: string, geo: string, at: string, linkTitle?: string) => {
      const { data, error } = await viewerSession.rpc('payout_for', { workspace: ws, offer_ref: ref, geo, at, ...(linkTitle ? { link_title: linkTitle } : {}) });
      expect(error).toBeNull();
      return (data as { offer_version_id: string; rate: string | number; currency: string }[]).map((r) => ({ version: r.offer_version_id, rate: Number(r.rate), currency: r.currency }));
    };
    expect(await payout(offer, 'DE', '2025-12-31T23:59:59.999Z')).toEqual([]);
    expect(await payout(offer, 'DE', '2026-01-01T00:00:00Z')).toEqual([{ version: january.data.id, rate: 10, currency: 'USD' }]);
    expect(await payout(offer, 'at', '2026-01-31T23:59:59.999Z')).toEqual([{ version: january.data.id, rate: 8, currency: 'USD' }]);
    expect(await payout(offer, 'DE', '2026-02-01T00:00:00Z')).toEqual([{ version: february.data.id, rate: 11, currency: 'EUR' }]);
    expect(await payout(offer, 'AT', '2026-02-01T00:00:00Z')).toEqual([]);
    expect(await payout(offer, 'FR', '2026-01-10T00:00:00Z')).toEqual([]);

    const other = await createOffer('PAYOUT-PROMO');
    const promo = await openVersion(other, '2026-01-01T00:00:00Z', 30);
    const mapped = await managerSession.from('offer_mapping').insert([
      { workspace_id: ws, offer_id: offer, tw_offer_id: 'tw-payout' },
      { workspace_id: ws, offer_id: other, tw_offer_id: 'tw-payout', link_title: 'Promo link' },
    ]);
    expect(mapped.error).toBeNull();
    expect(await payout('tw-payout', 'DE', '2026-02-01T00:00:00Z')).toEqual([{ version: february.data.id, rate: 11, currency: 'EUR' }]);
    expect(await payout('tw-payout', 'DE', '2026-02-01T00:00:00Z', 'Promo link')).toEqual([{ version: promo.data.id, rate: 30, currency: 'USD' }]);
    expect(await payout('tw-unknown', 'DE', '2026-02-01T00:00:00Z')).toEqual([]);
  });
});

describe('the offer history', () => {
  it('records every field change with who and when, and the audit log keeps the rows', async () => {
    const offer = await createOffer('HIST');
    const first = await openVersion(offer, '2026-01-01T00:00:00Z', 10);
    await openVersion(offer, '2026-02-01T00:00:00Z', 12);
    await managerSession.from('offers').update({ name: 'History offer' }).eq('id', offer);
    const { data, error } = await viewerSession.from('offer_audit_log')
      .select('offer_version_id, field, old_value, new_value, changed_by').eq('offer_id', offer).order('id');
    expect(error).toBeNull();
    const rows = data as { offer_version_id: string | null; field: string; old_value: string | null; new_value: string | null; changed_by: string }[];
    expect(rows.every((r) => r.changed_by === manager.id)).toBe(true);
    expect(rows).toEqual(expect.arrayContaining([
      expect.objectContaining({ offer_version_id: null, field: 'code', old_value: null, new_value: 'HIST' }),
      expect.objectContaining({ offer_version_id: first.data.id, field: 'rate', old_value: null, new_value: '10.0000' }),
      expect.objectContaining({ offer_version_id: first.data.id, field: 'valid_to', old_value: null, new_value: '2026-02-01T00:00:00+00:00' }),
      expect.objectContaining({ offer_version_id: null, field: 'name', old_value: 'HIST offer', new_value: 'History offer' }),
    ]));
    const audited = await sql`select table_name, action, user_id from public.audit_log
      where workspace_id = ${ws} and (row_id = ${offer} or row_id = ${first.data.id}) order by id`;
    expect(audited.map((r) => `${r.table_name} ${r.action}`)).toEqual(['offers insert', 'offer_versions insert', 'offer_versions update', 'offers update']);
    expect(audited.every((r) => r.user_id === manager.id)).toBe(true);
  });
});
