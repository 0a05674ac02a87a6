import { canonicalColumns, type SourceName } from './sources.ts';
import type { CanonicalRow } from './validateRow.ts';

/**
 * Canonical rows in PostgreSQL's COPY text format
 * (https://www.postgresql.org/docs/current/sql-copy.html#id-1.9.3.55.9.2): tab-separated,
 * `\N` for NULL, backslash escapes for backslash, tab, LF and CR. The columns are
 * {@link copyColumns}: the fact table's workspace_id and load_id, then the canonical ones,
 * so a batch can be COPYed straight into its fact table.
 */

/** Column list for `copy public.<fact table> (…) from stdin`. */
export function copyColumns(source: SourceName): string[] {
  return ['workspace_id', 'load_id', ...canonicalColumns(source)];
}

/** What every row of a load has in common. */
export interface CopyTextOptions {
  workspaceId: string;
  loadId: string;
  /**
   * What a missing value is written as, by canonical column, where NULL is not allowed: the
   * fact table's defaults of its NOT NULL columns ('' for key cells, 0 for counts).
   */
  defaults?: readonly (string | undefined)[];
  /** Each line starts with the row's line in the file (a staging table's first column, which orders it). */
  withLine?: boolean;
}

const special = /[\\\t\n\r]/;
const specialAll = /[\\\t\n\r]/g;
const escapes: Record<string, string> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' };

/** The rows as COPY text, one line each (with its trailing newline). */
export function toCopyText(rows: readonly CanonicalRow[], options: CopyTextOptions): string {
  const prefix = `${options.workspaceId}\t${options.loadId}\t`;
  const missing = (options.defaults ?? []).map((value) => (value === undefined ? '\\N' : copyTextValue(value)));
  // One array joined per row, not a string grown cell by cell: V8 keeps a grown string as a
  // tree of pieces, which cost more to encode and to collect than the text itself.
  const cells: string[] = [];
  let text = '';
  for (const row of rows) {
    const values = row.values;
    for (let i = 0; i < values.length; i++) {
      const value = values[i];
      cells[i] = value === null || value === undefined ? (missing[i] ?? '\\N') : copyTextValue(value);
    }
    cells.length = values.length;
    text += options.withLine ? `${row.line}\t${prefix}${cells.join('\t')}\n` : `${prefix}${cells.join('\t')}\n`;
  }
  return text;
}

/** A value as a COPY text cell: backslash, tab, LF and CR escaped (tested first: most values have none). */
export function copyTextValue(value: string): string {
  return special.test(value) ? value.replace(specialAll, (char) => escapes[char] ?? char) : value;
}
