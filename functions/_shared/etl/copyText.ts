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

function copyField(value: string | null): string {
  if (value === null) return '\\N';
  return special.test(value) ? value.replace(specialAll, (char) => escapes[char] ?? char) : value;
}

/** The rows as COPY text, one line each (with its trailing newline). */
export function toCopyText(rows: readonly CanonicalRow[]): string {
  let text = '';
  for (const row of rows) text += `${row.line}\t${row.values.map(copyField).join('\t')}\n`;
  return text;
}
