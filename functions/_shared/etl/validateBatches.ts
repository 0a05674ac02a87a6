import type { RowError } from './errors.ts';
import type { ColumnMapping } from './headerMapping.ts';
import type { CsvFile, ParseProgress } from './parseFile.ts';
import { createRowValidator, type CanonicalRow } from './validateRow.ts';
import { ambiguousCommaFor } from './values.ts';

/** Counters of a load; once the file has been read, rowsRead = rowsAccepted + rowsRejected. */
export interface LoadProgress extends ParseProgress {
  rowsAccepted: number;
  /** Rows with at least one error, malformed records included. */
  rowsRejected: number;
}

export interface ValidatedBatch {
  /** Valid rows in file order, ready for COPY. */
  rows: CanonicalRow[];
  /** Every reason a row of this batch was rejected, in file order. */
  errors: RowError[];
  progress: LoadProgress;
}

/**
 * The file's batches, validated with `mapping` (from {@link proposeMapping} or
 * {@link applyMapping} on this file's header). Throws `missing_columns` before the first
 * batch when the mapping lacks a required column; after that, bad rows only ever become
 * errors. Duplicates of a natural key are all passed on: see naturalKey.ts.
 */
export async function* validateBatches(file: CsvFile, mapping: ColumnMapping): AsyncGenerator<ValidatedBatch> {
  const header = await file.header();
  const validator = createRowValidator(mapping, { ambiguousComma: ambiguousCommaFor(header.delimiter) });
  let rowsAccepted = 0;
  let rowsRejected = 0;
  for await (const batch of file) {
    const rows: CanonicalRow[] = [];
    const errors: RowError[] = batch.errors;
    const malformed = errors.length;
    rowsRejected += malformed;
    for (const record of batch.records) {
      const row = validator.validate(record, errors);
      if (row) rows.push(row);
      else rowsRejected++;
    }
    // Malformed records came first; a stable sort puts them among the rows' errors by line.
    if (malformed && errors.length > malformed) errors.sort((a, b) => a.line - b.line);
    rowsAccepted += rows.length;
    yield { rows, errors, progress: { ...batch.progress, rowsAccepted, rowsRejected } };
  }
}
