import { describe, expect, it } from 'vitest';
import { copyColumns, toCopyText } from '../../../functions/_shared/etl/index.ts';

describe('COPY text', () => {
  it('lists line first, then the canonical columns', () => {
    expect(copyColumns('tw_clicks')).toEqual(['line', 'date', 'campaign_id', 'offer_id', 'link_title', 'geo', 'source', 'sub1', 'clicks', 'unique_clicks']);
  });

  it('writes \\N for null and escapes backslash, tab and line breaks; keeps Cyrillic and emoji', () => {
    const text = toCopyText([
      { line: 2, values: ['2026-03-01', 'c\\1', 'o', 'Казино\t🎰\nновое\r', 'RU', null, '', '10', null] },
      { line: 5, values: ['2026-03-02', 'c', 'o', null, '', null, '', '0', '0'] },
    ]);
    expect(text).toBe('2\t2026-03-01\tc\\\\1\to\tКазино\\t🎰\\nновое\\r\tRU\t\\N\t\t10\t\\N\n5\t2026-03-02\tc\to\t\\N\t\t\\N\t\t0\t0\n');
  });
});
