import { sourceSpec, type SourceName } from './sources.ts';
import type { CanonicalRow } from './validateRow.ts';

/**
 * Duplicates inside one file. The choice: the LAST row of a natural key wins and the
 * earlier ones count as superseded in the file, neither loaded nor reported as errors. An
 * export that repeats a key carries a correction further down (trackers append), and "the
 * newer value wins" is the rule across files too (docs: DESIGN.md, ETL).
 *
 * For a load of millions of rows, the merge does the same in SQL on the staging table,
 * whose `line` column orders the rows:
 *
 * ```sql
 * select distinct on (<naturalKeyColumns>) * from staging order by <naturalKeyColumns>, line desc
 * ```
 *
 * and superseded-in-file = staged rows − distinct keys. Key columns are never NULL
 * (required, or '' when empty: see sources.ts), so `distinct on` and joins compare them.
 */

/** The natural key of a source, as canonical column names. */
export function naturalKeyColumns(source: SourceName): readonly string[] {
  return sourceSpec(source).naturalKey;
}

/** A function giving a row's natural key as one string (cells joined by U+0000, which no valid cell holds). */
export function naturalKeyOf(source: SourceName): (row: CanonicalRow) => string {
  const spec = sourceSpec(source);
  const positions = spec.naturalKey.map((name) => spec.columns.findIndex((c) => c.name === name));
  return (row) => positions.map((p) => row.values[p] ?? '').join('\u0000');
}

/**
 * Keeps the last row of every natural key, in file order, and returns the earlier ones as
 * superseded. Holds every key in memory: for previews, tests and small files; large loads
 * use the SQL above.
 */
export function keepLastByNaturalKey(source: SourceName, rows: readonly CanonicalRow[]): { rows: CanonicalRow[]; superseded: CanonicalRow[] } {
  const keyOf = naturalKeyOf(source);
  const lastIndex = new Map<string, number>();
  rows.forEach((row, index) => lastIndex.set(keyOf(row), index));
  const kept: CanonicalRow[] = [];
  const superseded: CanonicalRow[] = [];
  rows.forEach((row, index) => (lastIndex.get(keyOf(row)) === index ? kept : superseded).push(row));
  return { rows: kept, superseded };
}
