import { describe, expect, it } from 'vitest';
import { EtlFileError, parseFile } from '../../../functions/_shared/etl/index.ts';
import { cp1251, readRecords, streamOf, utf8 } from './support.ts';

const messy = [
  '\uFEFF',
  '\r\n',
  'event_id;campaign_name;payout\r\n',
  'e1;"Вулкан; 🎰 ""VIP""";12,50\r\n',
  '\r\n',
  ';;\r\n',
  'e2;"две\r\nстроки";1 234,00\r\n',
  'e3;Казино 💎;-5\n',
  'e4;"не закрыта;1\r\n',
].join('');

describe('parseFile', () => {
  it('reads the header, skips blank lines, and numbers records by physical line', async () => {
    const read = await readRecords(utf8(messy));
    expect(read.header).toEqual({ names: ['event_id', 'campaign_name', 'payout'], line: 2, delimiter: ';', encoding: 'utf-8', bom: true });
    expect(read.records).toEqual([
      { line: 3, values: ['e1', 'Вулкан; 🎰 "VIP"', '12,50'] },
      { line: 6, values: ['e2', 'две\nстроки', '1 234,00'] },
      { line: 8, values: ['e3', 'Казино 💎', '-5'] },
    ]);
    expect(read.errors.map((e) => e.message)).toEqual(['line 9: a quoted value is not closed (its closing " is missing)']);
    expect(read.progress).toEqual({ bytesRead: utf8(messy).length, rowsRead: 4, blankLines: 3, malformedRecords: 1 });
  });

  it('gives the same result from chunks of 1, 2 or 3 bytes as from one chunk (UTF-8 and Windows-1251)', async () => {
    const whole = await readRecords(utf8(messy));
    for (const sizes of [[1], [2], [3], [1, 3, 2]]) expect(await readRecords(utf8(messy), sizes)).toEqual(whole);
    const russian = 'Дата;Кампания;Расход\r\n01.03.2026;"Вулкан;\r\nтест";12,50\r\n02.03.2026;Азарт;7\r\n';
    const wholeRussian = await readRecords(cp1251(russian));
    expect(wholeRussian.encoding).toBe('windows-1251');
    expect(wholeRussian.records).toEqual([
      { line: 2, values: ['01.03.2026', 'Вулкан;\nтест', '12,50'] },
      { line: 4, values: ['02.03.2026', 'Азарт', '7'] },
    ]);
    for (const sizes of [[1], [2], [3]]) expect(await readRecords(cp1251(russian), sizes)).toEqual(wholeRussian);
  });

  it("follows Excel's sep= line and a forced delimiter", async () => {
    for (const sizes of [undefined, [1], [2]]) {
      const read = await readRecords(utf8('sep=;\r\na;b,c\r\n1;2,5\r\n'), sizes);
      expect(read.header).toMatchObject({ names: ['a', 'b,c'], line: 2, delimiter: ';' });
      expect(read.records).toEqual([{ line: 3, values: ['1', '2,5'] }]);
      expect(read.progress.blankLines).toBe(0);
    }
    expect((await readRecords(utf8('a;b,c\n1;2,5\n'), undefined, { delimiter: ',' })).records).toEqual([{ line: 2, values: ['1;2', '5'] }]);
  });

  it('reads tab-separated files and files with no line break at the end', async () => {
    const read = await readRecords(utf8('date\tclicks\n2026-03-01\t10'));
    expect(read.header.delimiter).toBe('\t');
    expect(read.records).toEqual([{ line: 2, values: ['2026-03-01', '10'] }]);
  });

  it('hands out batches of exactly batchSize records, the last one shorter, errors with the batch they fall in', async () => {
    const text = 'a\n1\n2\n"3\n'.replace('"3\n', '"3\n4\n5\n6\n');
    // Line 4 opens a quote that never closes: an error at line 4, then lines 5–7 are read again.
    const file = parseFile(streamOf(utf8(text), [2]), { batchSize: 2 });
    const batches = [];
    for await (const batch of file) batches.push({ lines: batch.records.map((r) => r.line), errors: batch.errors.map((e) => e.line), progress: batch.progress.rowsRead });
    expect(batches).toEqual([
      { lines: [2, 3], errors: [], progress: expect.any(Number) },
      { lines: [5, 6], errors: [4], progress: expect.any(Number) },
      { lines: [7], errors: [], progress: 6 },
    ]);
  });

  it('refuses an empty file, or one of blank lines only', async () => {
    for (const text of ['', '\r\n\r\n', ' ; ; \n']) {
      await expect(parseFile(streamOf(utf8(text))).header()).rejects.toEqual(new EtlFileError('empty_file', 'The file is empty: it has no header line'));
    }
  });

  it('yields nothing for a header without rows', async () => {
    const read = await readRecords(utf8('event_id,payout\r\n'));
    expect(read.records).toEqual([]);
    expect(read.progress.rowsRead).toBe(0);
  });
});

describe('streaming', () => {
  /** A stream of `chunks` chunks of one line each, counting how many were pulled. */
  function counted(chunks: number) {
    const state = { pulled: 0, cancelled: false };
    const stream = new ReadableStream<Uint8Array>(
      {
        pull(controller) {
          if (state.pulled === chunks) return controller.close();
          controller.enqueue(utf8(state.pulled === 0 ? 'event_id,payout\n' : `e${state.pulled},1.00\n`));
          state.pulled++;
        },
        cancel() {
          state.cancelled = true;
        },
      },
      { highWaterMark: 0 },
    );
    return { stream, state };
  }

  it('reads only as far as the consumer has asked', async () => {
    const { stream, state } = counted(100_000);
    const file = parseFile(stream, { batchSize: 10 });
    await file.header();
    expect(state.pulled).toBe(1);
    const iterator = file[Symbol.asyncIterator]();
    await iterator.next();
    expect(state.pulled).toBe(11);
    expect(file.progress).toMatchObject({ rowsRead: 10, bytesRead: 16 + 9 * 8 + 9 });
    await iterator.return?.();
    expect(state.cancelled).toBe(true);
  });

  it('cancels the stream when the consumer stops early', async () => {
    const { stream, state } = counted(1000);
    for await (const batch of parseFile(stream, { batchSize: 5 })) if (batch.records.length) break;
    expect(state.cancelled).toBe(true);
    expect(state.pulled).toBeLessThan(10);
  });

  it('stops with an AbortError when its signal is aborted', async () => {
    const { stream, state } = counted(1000);
    const controller = new AbortController();
    const file = parseFile(stream, { batchSize: 5, signal: controller.signal });
    const seen: number[] = [];
    await expect(
      (async () => {
        for await (const batch of file) {
          seen.push(batch.records.length);
          controller.abort();
        }
      })(),
    ).rejects.toMatchObject({ name: 'AbortError' });
    expect(seen).toEqual([5]);
    expect(state.cancelled).toBe(true);
  });
});
