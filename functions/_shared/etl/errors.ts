/**
 * A problem with the whole file (it cannot be read as a CSV of the chosen source), as
 * opposed to a {@link RowError}, which rejects one row and lets the load go on.
 */
export class EtlFileError extends Error {
  constructor(
    readonly code: 'empty_file' | 'binary_file' | 'missing_columns' | 'invalid_mapping' | 'unknown_source' | 'header_too_long' | 'file_missing' | 'record_too_long',
    message: string,
  ) {
    super(message);
    this.name = 'EtlFileError';
  }
}

/** Why one row was rejected: one entry per bad cell, or one for the whole record. */
export interface RowError {
  /** Physical line of the file where the record starts (1 is the first line). */
  line: number;
  /** Canonical column name, or null when the record as a whole is bad (quotes, field count). */
  column: string | null;
  /** The file's header for that column when it differs from the canonical name. */
  header: string | null;
  /** The raw cell as found in the file (untrimmed, cut to 1 000 characters), or null. */
  value: string | null;
  /** What is wrong, without the position: "'12.5.0' is not a number". */
  reason: string;
  /** The sentence shown to a person: "line 1 203: column `payout`: '12.5.0' is not a number". */
  message: string;
  /**
   * The record's fields as read, so the rejected rows can be fixed and uploaded again; absent
   * when the record could not be read into fields (a quote never closed).
   */
  record?: string[];
}

/** 1203 → "1 203": line numbers grouped by thousands, as the load report prints them. */
export function formatLineNumber(line: number): string {
  return String(line).replace(/\B(?=(\d{3})+$)/g, ' ');
}

/** Builds a {@link RowError} with its message in the load report's wording. */
export function rowError(line: number, column: string | null, header: string | null, value: string | null, reason: string): RowError {
  const where = column === null ? '' : `column \`${column}\`${header === null ? '' : ` (“${header}” in the file)`}: `;
  // A runaway cell (a quote never closed) must not make the stored report as big as the file.
  const kept = value !== null && value.length > 1000 ? `${value.slice(0, 999)}…` : value;
  return { line, column, header, value: kept, reason, message: `line ${formatLineNumber(line)}: ${where}${reason}` };
}
