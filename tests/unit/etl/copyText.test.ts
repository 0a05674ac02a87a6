import { describe, expect, it } from 'vitest';
import { copyColumns, toCopyText } from '../../../functions/_shared/etl/index.ts';

const ids = { workspaceId: 'w', loadId: 'l' };

describe('COPY text', () => {
  it('lists the fact table\'s workspace_id and load_id first, then the canonical columns', () => {
    expect(copyColumns('tw_clicks')).toEqual(['workspace_id', 'load_id', 'date', 'campaign_id', 'offer_id', 'link_title', 'geo', 'source', 'sub1', 'clicks', 'unique_clicks']);
  });

  it('writes \\N for null and escapes backslash, tab and line breaks; keeps Cyrillic and emoji', () => {
    const text = toCopyText([
      { line: 2, values: ['2026-03-01', 'c\\1', 'o', 'Казино\t🎰\nновое\r', 'RU', null, '', '10', null] },
      { line: 5, values: ['2026-03-02', 'c', 'o', null, '', null, '', '0', '0'] },
    ], ids);
    expect(text).toBe('w\tl\t2026-03-01\tc\\\\1\to\tКазино\\t🎰\\nновое\\r\tRU\t\\N\t\t10\t\\N\nw\tl\t2026-03-02\tc\to\t\\N\t\t\\N\t\t0\t0\n');
  });

  it('writes the column\'s default, not NULL, for a missing value where NULL is not allowed', () => {
    const text = toCopyText([{ line: 2, values: ['2026-03-01', 'c', 'o', null, null, null, null, '1', null] }],
      { ...ids, defaults: [undefined, undefined, undefined, undefined, '', undefined, '', undefined, '0'] });
    expect(text).toBe('w\tl\t2026-03-01\tc\to\t\\N\t\t\\N\t\t1\t0\n');
  });

  it('starts each line with the row\'s line in the file when asked (the staging table\'s order)', () => {
    const rows = [{ line: 7, values: ['a'] }, { line: 12, values: [null] }];
    expect(toCopyText(rows, { ...ids, withLine: true })).toBe('7\tw\tl\ta\n12\tw\tl\t\\N\n');
    expect(toCopyText(rows, ids)).toBe('w\tl\ta\nw\tl\t\\N\n');
  });
});
