import { canonicalColumns, type SourceName } from './sources.ts';
import type { CanonicalRow } from './validateRow.ts';

/**
 * Canonical rows in PostgreSQL's COPY text format
 * (https://www.postgresql.org/docs/current/sql-copy.html#id-1.9.3.55.9.2): tab-separated,
 * `\N` for NULL, backslash escapes for backslash, tab, LF and CR. The columns are
 * {@link copyColumns}: `line` first, then the canonical ones.
 */

/** Column list for `copy staging (…) from stdin`. */
export function copyColumns(source: SourceName): string[] {
  return ['line', ...canonicalColumns(source)];
}

const special = /[\\\t\n\r]/;
const specialAll = /[\\\t\n\r]/g;
const escapes: Record<string, string> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' };

/** The rows as COPY text, one line each (with its trailing newline). */
export function toCopyText(rows: readonly CanonicalRow[]): string {
  // Plain loops, not map/join: this runs for every cell of a load, and the allocations show.
  let text = '';
  for (const row of rows) {
    const values = row.values;
    let line = String(row.line);
    for (let i = 0; i < values.length; i++) {
      const value = values[i];
      if (value === null || value === undefined) line += '\t\\N';
      else line += special.test(value) ? `\t${value.replace(specialAll, (char) => escapes[char] ?? char)}` : `\t${value}`;
    }
    text += `${line}\n`;
  }
  return text;
}
