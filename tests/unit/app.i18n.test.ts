import { describe, expect, it } from 'vitest';
import { formatDay } from '../../app/lib/dates.ts';
import { loadResources } from '../../app/i18n/resources.ts';

type Tree = { [key: string]: string | Tree };

const [en, ru] = await Promise.all([loadResources('en'), loadResources('ru')]);

/** Every leaf of a resource as `a.b.c` → text. */
function leaves(tree: Tree, prefix = ''): Map<string, string> {
  const result = new Map<string, string>();
  for (const [key, value] of Object.entries(tree)) {
    const path = prefix ? `${prefix}.${key}` : key;
    if (typeof value === 'string') result.set(path, value);
    else for (const [k, v] of leaves(value, path)) result.set(k, v);
  }
  return result;
}

const variables = (text: string) => [...text.matchAll(/\{\{(\w+)\}\}/g)].map((m) => m[1]).sort();

describe('app/i18n resources', () => {
  const russian = leaves(ru);
  const english = leaves(en);

  it('Russian and English (core and every feature file) have the same keys', () => {
    expect([...russian.keys()].sort()).toEqual([...english.keys()].sort());
  });

  it('every text is filled in and uses the same {{variables}} in both languages', () => {
    for (const [key, text] of russian) {
      expect(text.trim(), `ru ${key}`).not.toBe('');
      expect(english.get(key)?.trim(), `en ${key}`).not.toBe('');
      expect(variables(text), key).toEqual(variables(english.get(key) ?? ''));
    }
  });
});

describe('formatDay', () => {
  it('writes a day as each language does, and leaves what it cannot read as it came', () => {
    expect(formatDay('2026-11-01', 'ru')).toBe('1 ноября 2026 г.');
    expect(formatDay('2026-11-01', 'en')).toBe('November 1st, 2026');
    expect(formatDay('someday', 'en')).toBe('someday');
  });
});
