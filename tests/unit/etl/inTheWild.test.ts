import { describe, expect, it } from 'vitest';
import { canonicalColumns, contentHash, keepLastByNaturalKey, naturalKeyOf, parseFile, proposeMapping, validateBatches } from '../../../functions/_shared/etl/index.ts';
import { cp1251, errorTriples, load, rowObjects, streamOf, utf8 } from './support.ts';

/**
 * Every kind of messy input listed under "In the wild" in DATA.md, loaded end to end as the
 * edge function loads it, with the exact rows taken and the exact errors reported.
 */

const spendColumns = canonicalColumns('ad_spend');
const clickColumns = canonicalColumns('tw_clicks');
const eventColumns = canonicalColumns('tw_events');

describe('header names vary in case, spacing and language; a saved mapping settles the rest', () => {
  const spendRow = { network: 'moloco', date: '2026-03-01', campaign_id: 'mlc1', spend: '12.50', currency: 'USD' };

  it.each([
    ['Date,Campaign ID,Spend,Currency\n2026-03-01,mlc1,12.50,USD\n'],
    ['DATE,campaign_id,spend_usd\n2026-03-01,mlc1,12.50\n'],
    ['  date ; Campaign-Id ; Расход ; Валюта\n01.03.2026;mlc1;12,50;usd\n'],
    ['Дата;ID кампании;Расход, USD\n01.03.2026;mlc1;12,50\n'],
  ])('%j', async (text) => {
    const loaded = await load(utf8(text));
    expect(loaded.source).toBe('ad_spend');
    expect(loaded.errors).toEqual([]);
    expect(rowObjects(loaded, spendColumns)).toEqual([expect.objectContaining(spendRow)]);
  });

  it('maps headers no alias knows through the saved mapping', async () => {
    const loaded = await load(utf8('Tag;Stat day;Cost total (cents no)\nmlc1;2026-03-01;12,50\n'), {
      source: 'ad_spend',
      saved: { columns: { campaign_id: 'Tag', date: 'Stat day', spend: 'Cost total (cents no)' }, constants: { currency: 'EUR', network: 'facebook' } },
    });
    expect(loaded.errors).toEqual([]);
    expect(rowObjects(loaded, spendColumns)).toEqual([expect.objectContaining({ ...spendRow, network: 'facebook', currency: 'EUR' })]);
  });
});

describe('delimiter , or ; or tab; quoted fields with embedded delimiters, quotes, newlines', () => {
  const expected = [
    { date: '2026-03-01', campaign_id: '3101', offer_id: 'of101', link_title: 'Казино "Мечта", ; 💎\nлендинг', geo: 'RU', source: 'moloco', sub1: 'mlc1', clicks: '120', unique_clicks: '100' },
    { date: '2026-03-01', campaign_id: '3102', offer_id: 'of102', link_title: 'plain', geo: 'KZ', source: 'moloco', sub1: '', clicks: '7', unique_clicks: null },
  ];

  it.each([',', ';', '\t'])('delimiter %j', async (delimiter) => {
    const text = [
      ['date', 'campaign_id', 'offer_id', 'link_title', 'geo', 'source', 'sub1', 'clicks', 'unique_clicks'],
      ['2026-03-01', '3101', 'of101', '"Казино ""Мечта"", ; 💎\nлендинг"', 'RU', 'moloco', 'mlc1', '120', '100'],
      ['2026-03-01', '3102', 'of102', 'plain', 'KZ', 'moloco', '', '7', ''],
    ]
      .map((cells) => cells.join(delimiter))
      .join('\r\n');
    const loaded = await load(utf8(text));
    expect(loaded.errors).toEqual([]);
    expect(rowObjects(loaded, clickColumns)).toEqual(expected);
    expect(loaded.rows.map((r) => r.line)).toEqual([2, 4]);
  });
});

describe('UTF-8 with or without BOM, and Windows-1251 from Russian tools', () => {
  const text = 'Дата;ID кампании;Кампания;Страна;Показы;Расход;Валюта\r\n01.03.2026;mlc1;Вулкан Старс — iOS;RU;12 345;1 234,56;RUB\r\n';
  const expected = [
    expect.objectContaining({ date: '2026-03-01', campaign_id: 'mlc1', campaign_name: 'Вулкан Старс — iOS', country: 'RU', impressions: '12345', spend: '1234.56', currency: 'RUB' }),
  ];

  it.each([
    ['UTF-8', utf8(text)],
    ['UTF-8 with BOM', utf8(`\uFEFF${text}`)],
    ['Windows-1251', cp1251(text)],
  ])('%s', async (_, bytes) => {
    const loaded = await load(bytes, { sizes: [2, 3] });
    expect(loaded.errors).toEqual([]);
    expect(rowObjects(loaded, spendColumns)).toEqual(expected);
  });
});

describe('decimal comma next to decimal point; thousands separators; empty cells', () => {
  it('reads each form into the same canonical decimals and counts', async () => {
    const text = [
      'date;campaign_id;ad_group_id;creative_id;country;impressions;clicks;installs;spend;currency',
      '2026-03-01;c;a1;k;RU;1 000;10;;12,50;USD',
      '2026-03-01;c;a2;k;RU;1\u00a0000;10;0;12.50;USD',
      "2026-03-01;c;a3;k;RU;1'000;;2;1.234,50;USD",
      '2026-03-01;c;a4;k;RU;1000;10;2;1 234,50;USD',
      '2026-03-01;c;a5;k;RU;;;;0,5;USD',
      '2026-03-01;c;a6;k;RU;1000;10,5;2;12.5.0;USD',
    ].join('\n');
    const loaded = await load(utf8(text), { source: 'ad_spend' });
    expect(rowObjects(loaded, spendColumns).map((r) => [r.ad_group_id, r.impressions, r.clicks, r.installs, r.spend])).toEqual([
      ['a1', '1000', '10', null, '12.50'],
      ['a2', '1000', '10', '0', '12.50'],
      ['a3', '1000', null, '2', '1234.50'],
      ['a4', '1000', '10', '2', '1234.50'],
      ['a5', null, null, null, '0.5'],
    ]);
    expect(errorTriples(loaded.errors)).toEqual([
      [7, 'clicks', "'10,5' is not a whole number"],
      [7, 'spend', "'12.5.0' is not a number"],
    ]);
  });
});

describe('dates as 2026-03-01, 01.03.2026, 2026-03-01 14:03:00, with or without zone', () => {
  it('reads event times into UTC instants (no zone is UTC) and report dates into days', async () => {
    const events = [
      'event_id,event_time,event_type,campaign_id,offer_id,geo,payout,currency',
      'e1,2026-03-01,reg,c,o,RU,0,USD',
      'e2,01.03.2026,reg,c,o,RU,0,USD',
      'e3,2026-03-01 14:03:00,reg,c,o,RU,0,USD',
      'e4,01.03.2026 14:03:00,reg,c,o,RU,0,USD',
      'e5,2026-03-01T14:03:00Z,reg,c,o,RU,0,USD',
      'e6,2026-03-01T17:03:00+03:00,reg,c,o,RU,0,USD',
      'e7,2026-03-01 14:03:00 -0100,reg,c,o,RU,0,USD',
      'e8,2026-02-30 10:00:00,reg,c,o,RU,0,USD',
    ].join('\n');
    const loaded = await load(utf8(events));
    expect(rowObjects(loaded, eventColumns).map((r) => [r.event_id, r.event_time])).toEqual([
      ['e1', '2026-03-01T00:00:00Z'],
      ['e2', '2026-03-01T00:00:00Z'],
      ['e3', '2026-03-01T14:03:00Z'],
      ['e4', '2026-03-01T14:03:00Z'],
      ['e5', '2026-03-01T14:03:00Z'],
      ['e6', '2026-03-01T14:03:00Z'],
      ['e7', '2026-03-01T15:03:00Z'],
    ]);
    expect(errorTriples(loaded.errors)).toEqual([[9, 'event_time', "'2026-02-30 10:00:00' is not a real date"]]);
  });
});

describe('campaign and offer names in Cyrillic, with emoji', () => {
  it('keeps them exactly, trimmed', async () => {
    const text = 'date,campaign_id,offer_id,link_title,geo,clicks\n2026-03-01,3101,of101,"  Вулкан 🎰🔥 | RU, iOS 👑  ",RU,5\n';
    const loaded = await load(utf8(text), { sizes: [1] });
    expect(rowObjects(loaded, clickColumns)[0]?.link_title).toBe('Вулкан 🎰🔥 | RU, iOS 👑');
  });
});

describe('duplicates, the same file twice, an overlapping re-export', () => {
  const header = 'event_id,event_time,event_type,campaign_id,offer_id,geo,payout,currency';
  const first = [header, 'e1,2026-03-01 10:00:00,FTD,c,o,RU,40.00,USD', 'e2,2026-03-01 11:00:00,reg,c,o,RU,0,USD', 'e1,2026-03-01 10:00:00,FTD,c,o,RU,45.00,USD'].join('\n');

  it('keeps the last row of a natural key in one file and counts the earlier ones as superseded', async () => {
    const loaded = await load(utf8(first));
    expect(loaded.rows.map((r) => r.line)).toEqual([2, 3, 4]);
    const { rows, superseded } = keepLastByNaturalKey('tw_events', loaded.rows);
    expect(rows.map((r) => [r.line, r.values[0], r.values[18]])).toEqual([
      [3, 'e2', '0'],
      [4, 'e1', '45.00'],
    ]);
    expect(superseded.map((r) => r.line)).toEqual([2]);
  });

  it('gives the same file the same content hash however it arrives, and a changed file another', async () => {
    const once = await contentHash(streamOf(utf8(first)));
    expect(await contentHash(streamOf(utf8(first), [1, 2, 3]))).toBe(once);
    expect(await contentHash(streamOf(utf8(first.replace('45.00', '45.01'))))).not.toBe(once);
  });

  it('finds the rows a re-export corrects by their natural key', async () => {
    const clicks = (n: string) => `date;campaign_id;offer_id;geo;sub1;clicks\n01.03.2026;3101;of101;RU;mlc1;${n}\n02.03.2026;3101;of101;RU;;7\n`;
    const before = await load(utf8(clicks('100')));
    const after = await load(utf8(clicks('120').replace('02.03.2026', '03.03.2026')));
    const keyOf = naturalKeyOf('tw_clicks');
    expect(before.rows.map(keyOf)).toEqual(['2026-03-01\u00003101\u0000of101\u0000RU\u0000mlc1', '2026-03-02\u00003101\u0000of101\u0000RU\u0000']);
    expect(keyOf(after.rows[0] ?? { line: 0, values: [] })).toBe(keyOf(before.rows[0] ?? { line: 0, values: [] }));
    expect(after.rows[0]?.values[7]).toBe('120');
  });
});

describe('files of a few rows and files of millions of rows', () => {
  it('loads a one-row file without a final line break', async () => {
    const loaded = await load(utf8('date,campaign_id,offer_id,geo,clicks\n2026-03-01,c,o,RU,1'));
    expect(loaded.rows).toEqual([{ line: 2, values: ['2026-03-01', 'c', 'o', null, 'RU', null, '', '1', null] }]);
  });

  it('streams a large file through in batches, counting every row', async () => {
    const rows = 300_000;
    let next = 0;
    const encoder = new TextEncoder();
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (next > rows) return controller.close();
        let chunk = next === 0 ? 'date,campaign_id,offer_id,geo,sub1,clicks\n' : '';
        for (const end = Math.min(rows, next + 2000); next < end; ) chunk += `2026-03-01,c${++next},o,KZ,s,${next % 1000}\n`;
        if (next === rows) next++;
        controller.enqueue(encoder.encode(chunk));
      },
    });
    const file = parseFile(stream);
    const { mapping } = proposeMapping('tw_clicks', (await file.header()).names);
    let accepted = 0;
    let largestBatch = 0;
    let lastLine = 0;
    let progress;
    for await (const batch of validateBatches(file, mapping)) {
      accepted += batch.rows.length;
      largestBatch = Math.max(largestBatch, batch.rows.length);
      lastLine = batch.rows[batch.rows.length - 1]?.line ?? lastLine;
      progress = batch.progress;
    }
    expect({ accepted, largestBatch, lastLine }).toEqual({ accepted: rows, largestBatch: 1000, lastLine: rows + 1 });
    expect(progress).toMatchObject({ rowsRead: rows, rowsAccepted: rows, rowsRejected: 0 });
  });
});

describe('every rejected row gets a reason a person can act on, and the load takes every good row', () => {
  it('reports DATA.md’s example exactly', async () => {
    const lines = ['event_id,event_time,event_type,campaign_id,offer_id,geo,payout,currency'];
    for (let line = 2; line <= 1300; line++) lines.push(`e${line},2026-03-01 10:00:00,FTD,c,o,RU,${line === 1203 ? '12.5.0' : '12.50'},USD`);
    const loaded = await load(utf8(lines.join('\n')));
    expect(loaded.errors.map((e) => e.message)).toEqual(["line 1 203: column `payout`: '12.5.0' is not a number"]);
    expect(loaded.rows).toHaveLength(1298);
    expect(loaded.progress).toMatchObject({ rowsRead: 1299, rowsAccepted: 1298, rowsRejected: 1 });
  });
});
