import { describe, expect, it } from 'vitest';
import { previewFile } from '../../../functions/_shared/etl/index.ts';
import { cp1251, streamOf } from './support.ts';

const report = [
  'Дата;ID кампании;Кампания;Страна;Показы;Расход, USD',
  ...Array.from({ length: 50 }, (_, i) => `0${(i % 9) + 1}.03.2026;mlc${i};Кампания ${i};${i === 3 ? 'Россия' : 'RU'};1 000;${i},50`),
].join('\r\n');

describe('previewFile', () => {
  it('shows header, encoding, detected source, proposed mapping and the first rows validated, reading only the start', async () => {
    let pulled = 0;
    const source = streamOf(cp1251(report), [64]);
    const counting = source.pipeThrough(
      new TransformStream<Uint8Array, Uint8Array>({
        transform(chunk, controller) {
          pulled += chunk.length;
          controller.enqueue(chunk);
        },
      }),
    );
    const preview = await previewFile(counting, { rows: 5 });
    expect(preview.header).toMatchObject({ names: ['Дата', 'ID кампании', 'Кампания', 'Страна', 'Показы', 'Расход, USD'], delimiter: ';' });
    expect(preview.encoding).toBe('windows-1251');
    expect(preview.detection.source).toBe('ad_spend');
    expect(preview.proposal?.mapping.constants).toEqual({ network: 'moloco', currency: 'USD' });
    expect(preview.sample?.rows.map((r) => r.values[2])).toEqual(['mlc0', 'mlc1', 'mlc2', 'mlc4']);
    expect(preview.sample?.errors.map((e) => e.message)).toEqual([
      "line 5: column `country` (“Страна” in the file): 'Россия' is not an ISO 3166-1 alpha-2 country code (two letters, like RU or KZ)",
    ]);
    expect(pulled).toBeLessThan(cp1251(report).length / 2);
  });

  it('applies a saved mapping, and shows no sample while a required column is missing', async () => {
    const saved = { columns: { campaign_id: null } };
    const preview = await previewFile(streamOf(cp1251(report)), { source: 'ad_spend', saved });
    expect(preview.proposal?.missingRequired).toEqual(['campaign_id']);
    expect(preview.sample).toBeNull();
  });
});
