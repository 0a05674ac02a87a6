import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateDemoData, type DemoData } from '../../../supabase/local/demo/generate.ts';
import { canonicalColumns, detectSource, keepLastByNaturalKey } from '../../../functions/_shared/etl/index.ts';
import { errorTriples, load, rowObjects, type Loaded } from './support.ts';

const options = { seed: 42, days: 28, endDate: '2026-03-01', scale: 0.2, wild: true };
const dirs: string[] = [];
let demo: DemoData;
const loaded: Partial<Record<'twEvents' | 'twClicks' | 'adSpend', Loaded>> = {};

function freshDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'arbidesk-demo-'));
  dirs.push(dir);
  return dir;
}

const fileHash = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');

/** Exact sum of canonical decimal strings, in cents (money never passes through a float). */
function sumCents(values: (string | null | undefined)[]): bigint {
  return values.reduce<bigint>((sum, value) => {
    if (!value) return sum;
    const [whole = '0', fraction = ''] = value.replace('-', '').split('.');
    const cents = BigInt(whole) * 100n + BigInt(fraction.padEnd(2, '0').slice(0, 2));
    return sum + (value.startsWith('-') ? -cents : cents);
  }, 0n);
}

const cents = (amount: string) => sumCents([amount]);

function loadedFile(name: 'twEvents' | 'twClicks' | 'adSpend'): Loaded {
  const file = loaded[name];
  if (!file) throw new Error(`${name} not loaded`);
  return file;
}

beforeAll(async () => {
  demo = generateDemoData({ ...options, outDir: freshDir() });
  for (const name of ['twEvents', 'twClicks', 'adSpend'] as const) loaded[name] = await load(readFileSync(demo.files[name]), { sizes: [65_536] });
});

afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

describe('generateDemoData', () => {
  it('writes byte-identical files for the same options, and different ones for another seed', () => {
    const again = generateDemoData({ ...options, outDir: freshDir() });
    const other = generateDemoData({ ...options, seed: 43, outDir: freshDir() });
    for (const name of ['twEvents', 'twClicks', 'adSpend'] as const) {
      expect(fileHash(again.files[name])).toBe(fileHash(demo.files[name]));
      expect(fileHash(other.files[name])).not.toBe(fileHash(demo.files[name]));
    }
    for (const name of ['twEvents', 'twClicks', 'adSpend'] as const) expect(fileHash(again.wild?.[name].path ?? '')).toBe(fileHash(demo.wild?.[name].path ?? ''));
    expect(again.summary).toEqual(demo.summary);
  });

  it('writes the real formats, each recognised as its source, with no rejected row', () => {
    expect(readFileSync(demo.files.adSpend, 'utf8').split('\n')[0]).toBe('Date,Campaign ID,Campaign,Ad Group ID,Ad Group,Creative ID,Creative,Country,Impressions,Clicks,Installs,Spend,Currency');
    expect(detectSource(loadedFile('adSpend').headers)).toMatchObject({ source: 'ad_spend', network: 'moloco' });
    expect(loadedFile('twEvents').source).toBe('tw_events');
    expect(loadedFile('twClicks').source).toBe('tw_clicks');
    for (const name of ['twEvents', 'twClicks', 'adSpend'] as const) expect(loadedFile(name).errors).toEqual([]);
  });

  it('sums up the conversions file exactly as it loads', () => {
    const rows = rowObjects(loadedFile('twEvents'), canonicalColumns('tw_events'));
    const { twEvents } = demo.summary;
    expect(rows.length).toBe(twEvents.rows);
    expect(readFileSync(demo.files.twEvents, 'utf8').split('\n').length - 1).toBe(twEvents.lines);
    const byType: Record<string, number> = { registration: 0, first_deposit: 0, deposit: 0, chargeback: 0 };
    for (const row of rows) byType[row.event_type ?? 'none'] = (byType[row.event_type ?? 'none'] ?? 0) + 1;
    expect(byType).toEqual(twEvents.byType);
    for (const [currency, total] of Object.entries(twEvents.payoutByCurrency)) {
      expect(sumCents(rows.filter((r) => r.currency === currency).map((r) => r.payout))).toBe(cents(total));
    }
    for (const [currency, total] of Object.entries(twEvents.amountByCurrency)) {
      expect(sumCents(rows.filter((r) => r.currency === currency).map((r) => r.amount))).toBe(cents(total));
    }
    expect(new Set(rows.filter((r) => r.event_type === 'registration').map((r) => r.player_id)).size).toBe(twEvents.players);
    expect(new Set(rows.map((r) => r.geo))).toEqual(new Set(['RU', 'KZ', 'UZ', 'AZ', 'TR', 'BR', 'IN'].filter((geo) => rows.some((r) => r.geo === geo))));
    expect(new Set(rows.map((r) => r.event_id)).size).toBe(rows.length);
  });

  it('has repeat deposits of one player, only after that player’s first deposit', () => {
    const rows = rowObjects(loadedFile('twEvents'), canonicalColumns('tw_events'));
    const firstDeposit = new Map<string, string>();
    let repeats = 0;
    for (const row of rows) {
      if (row.event_type === 'first_deposit' && row.player_id) firstDeposit.set(row.player_id, row.event_time ?? '');
      if (row.event_type === 'deposit') {
        repeats++;
        expect(firstDeposit.has(row.player_id ?? '')).toBe(true);
      }
    }
    expect(repeats).toBeGreaterThan(100);
  });

  it('sums up the clicks and spend files exactly as they load', () => {
    const clicks = rowObjects(loadedFile('twClicks'), canonicalColumns('tw_clicks'));
    expect({
      rows: clicks.length,
      clicks: clicks.reduce((sum, r) => sum + Number(r.clicks), 0),
      uniqueClicks: clicks.reduce((sum, r) => sum + Number(r.unique_clicks), 0),
    }).toEqual(demo.summary.twClicks);
    const spend = rowObjects(loadedFile('adSpend'), canonicalColumns('ad_spend'));
    const total = (name: string) => spend.reduce((sum, r) => sum + Number(r[name]), 0);
    const { spend: spendTotal, ...counts } = demo.summary.adSpend;
    expect({ rows: spend.length, impressions: total('impressions'), clicks: total('clicks'), installs: total('installs'), currency: spend[0]?.currency }).toEqual(counts);
    expect(new Set(spend.map((r) => r.currency))).toEqual(new Set(['USD']));
    expect(sumCents(spend.map((r) => r.spend))).toBe(cents(spendTotal));
  });

  it('follows the weekday rhythm: Saturdays busier than Mondays', () => {
    const perDay = new Map<string, number>();
    for (const row of rowObjects(loadedFile('twEvents'), canonicalColumns('tw_events'))) {
      const day = (row.event_time ?? '').slice(0, 10);
      perDay.set(day, (perDay.get(day) ?? 0) + 1);
    }
    const mean = (weekday: number) => {
      const counts = [...perDay].filter(([day]) => new Date(`${day}T00:00:00Z`).getUTCDay() === weekday).map(([, n]) => n);
      return counts.reduce((a, b) => a + b, 0) / counts.length;
    };
    expect(mean(6)).toBeGreaterThan(mean(1) * 1.15);
  });

  it('plants its anomalies where the summary says', () => {
    const { spendSpike, deadOffer, lateChargebacks } = demo.summary.anomalies;
    const spend = rowObjects(loadedFile('adSpend'), canonicalColumns('ad_spend')).filter((r) => r.campaign_id === spendSpike.campaignId);
    const byDay = new Map<string, bigint>();
    for (const row of spend) byDay.set(row.date ?? '', (byDay.get(row.date ?? '') ?? 0n) + sumCents([row.spend]));
    const spikeDay = byDay.get(spendSpike.date) ?? 0n;
    const others = [...byDay].filter(([day]) => day !== spendSpike.date).map(([, c]) => c);
    expect(spikeDay * BigInt(others.length)).toBeGreaterThan((others.reduce((a, b) => a + b, 0n) * 5n) / 2n);

    const events = rowObjects(loadedFile('twEvents'), canonicalColumns('tw_events'));
    const ftdsOfDeadOffer = (after: boolean) =>
      events.filter((r) => r.offer_id === deadOffer.offerId && r.event_type === 'first_deposit' && (r.event_time ?? '') >= deadOffer.from === after).length;
    expect(ftdsOfDeadOffer(false)).toBeGreaterThan(0);
    expect(ftdsOfDeadOffer(true)).toBe(0);
    expect(events.some((r) => r.offer_id === deadOffer.offerId && r.event_type === 'registration' && (r.event_time ?? '') >= deadOffer.from)).toBe(true);

    expect(lateChargebacks).not.toBeNull();
    const batch = events.filter((r) => r.event_type === 'chargeback' && (r.event_time ?? '').startsWith(`${lateChargebacks?.date}T03:`));
    expect(batch.length).toBeGreaterThanOrEqual(lateChargebacks?.count ?? Infinity);
    expect(batch.every((r) => (r.payout ?? '').startsWith('-'))).toBe(true);
  });
});

describe('the wild twins', () => {
  for (const name of ['twEvents', 'twClicks', 'adSpend'] as const) {
    it(`${name}: loads to the clean file's rows exactly, with exactly the planted errors`, async () => {
      const twin = demo.wild?.[name];
      if (!twin) throw new Error('no wild twin');
      const bytes = readFileSync(twin.path);
      const wild = await load(bytes, { sizes: [65_536] });
      expect(errorTriples(wild.errors)).toEqual(twin.errors.map((e) => [e.line, e.column, e.reason]));
      expect(wild.progress).toMatchObject({ rowsRead: twin.records, blankLines: twin.blankLines, rowsAccepted: twin.accepted, rowsRejected: new Set(twin.errors.map((e) => e.line)).size });
      const { rows, superseded } = keepLastByNaturalKey(wild.source, wild.rows);
      expect(superseded).toHaveLength(twin.superseded);
      expect(rows.map((r) => r.values)).toEqual(loadedFile(name).rows.map((r) => r.values));
    });
  }

  it('read in pieces of 1–3 bytes give the same rows and errors as read whole', async () => {
    for (const name of ['twEvents', 'adSpend'] as const) {
      const bytes = readFileSync(demo.wild?.[name].path ?? '');
      const start = bytes.subarray(0, bytes.indexOf(0x0a, 30_000) + 1);
      const whole = await load(start);
      expect(whole.rows.length).toBeGreaterThan(50);
      expect(await load(start, { sizes: [1, 2, 3] })).toEqual(whole);
    }
  });

  it('are messy in the ways the summary says', () => {
    const { twEvents, twClicks, adSpend } = demo.wild ?? {};
    expect([twEvents?.encoding, twEvents?.bom, twEvents?.delimiter]).toEqual(['utf-8', true, ';']);
    expect([twClicks?.encoding, twClicks?.bom, twClicks?.delimiter]).toEqual(['utf-8', false, '\t']);
    expect([adSpend?.encoding, adSpend?.bom, adSpend?.delimiter]).toEqual(['windows-1251', false, ';']);
    const events = readFileSync(twEvents?.path ?? '');
    expect([...events.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(events.toString('utf8')).toContain('\r\n');
    expect(() => new TextDecoder('utf-8', { fatal: true }).decode(readFileSync(adSpend?.path ?? ''))).toThrow();
  });
});
