import { sourceSpec, type SourceName } from './sources.ts';
import type { CanonicalRow } from './validateRow.ts';

/**
 * Duplicates inside one file. The choice: the LAST row of a natural key wins and the
 * earlier ones count as superseded in the file, neither loaded nor reported as errors. An
 * export that repeats a key carries a correction further down (trackers append), and "the
 * newer value wins" is the rule across files too (docs: DESIGN.md, ETL).
 *
 * A load of millions of rows cannot hold every key; the etl function notes whether a batch
 * repeats a key (naturalKeyOf), and the database keeps the last `line` of each such key in
 * the batch and replaces the row an earlier batch of the same file wrote
 * (private.etl_apply_batch). Key columns are never NULL (required, or '' when empty: see
 * sources.ts), so keys compare simply, in SQL as here.
 */

/** The natural key of a source, as canonical column names. */
export function naturalKeyColumns(source: SourceName): readonly string[] {
  return sourceSpec(source).naturalKey;
}

/** A function giving a row's natural key as one string (cells joined by U+0000, which no valid cell holds). */
export function naturalKeyOf(source: SourceName): (row: CanonicalRow) => string {
  const spec = sourceSpec(source);
  const positions = spec.naturalKey.map((name) => spec.columns.findIndex((c) => c.name === name));
  const [only] = positions;
  // One column (a conversion's event_id): the cell itself, without building a string per row.
  if (positions.length === 1 && only !== undefined) return (row) => row.values[only] ?? '';
  return (row) => positions.map((p) => row.values[p] ?? '').join('\u0000');
}

/**
 * Keeps the last row of every natural key, in file order, and returns the earlier ones as
 * superseded. Holds every key in memory: for previews, tests and small files.
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
