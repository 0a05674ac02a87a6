/** The Prefer header (RFC 7240) as PostgREST reads it (https://postgrest.org/en/stable/references/api/preferences.html). */
export interface Preferences {
  return?: 'minimal' | 'representation' | 'headers-only';
  count?: 'exact' | 'planned' | 'estimated';
  resolution?: 'merge-duplicates' | 'ignore-duplicates';
  missing?: 'default' | 'null';
  handling?: 'strict' | 'lenient';
  params?: 'single-object';
  maxAffected?: number;
}

const allowed: Record<string, readonly string[]> = {
  return: ['minimal', 'representation', 'headers-only'],
  count: ['exact', 'planned', 'estimated'],
  resolution: ['merge-duplicates', 'ignore-duplicates'],
  missing: ['default', 'null'],
  handling: ['strict', 'lenient'],
  params: ['single-object'],
};

export function parsePrefer(header: string | string[] | undefined): { prefs: Preferences; applied: string[]; invalid: string[] } {
  const prefs: Preferences = {};
  const applied: string[] = [];
  const invalid: string[] = [];
  for (const part of [header ?? ''].flat().join(',').split(',')) {
    const token = part.trim();
    if (!token) continue;
    const [name = '', value = ''] = token.split('=').map((s) => s.trim());
    if (name === 'max-affected' && /^\d+$/.test(value)) {
      prefs.maxAffected = Number(value);
      applied.push(token);
    } else if (allowed[name]?.includes(value)) {
      (prefs as Record<string, string>)[name] = value;
      applied.push(token);
    } else {
      invalid.push(token);
    }
  }
  return { prefs, applied, invalid };
}
