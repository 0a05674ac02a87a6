import { EtlFileError, rowError, type RowError } from './errors.ts';
import type { ColumnMapping } from './headerMapping.ts';
import type { CsvRecord } from './parseFile.ts';
import { sourceSpec, type SourceName, type ValueType } from './sources.ts';
import {
  InvalidValue,
  parseCount,
  parseCountry,
  parseCurrency,
  parseDate,
  parseEventType,
  parseLowercase,
  parseMoney,
  parseText,
  parseTimestamp,
  quoteValue,
  type AmbiguousComma,
  type ParsedValue,
} from './values.ts';

/**
 * A valid row, ready for COPY: every canonical column of its source, in canonical order,
 * as PostgreSQL's text input (or null), plus the line it came from.
 */
export interface CanonicalRow {
  line: number;
  values: (string | null)[];
}

export interface RowValidator {
  readonly source: SourceName;
  /** Canonical column names, the order of {@link CanonicalRow.values}. */
  readonly columns: readonly string[];
  /**
   * The canonical row of a record, or null after pushing the reasons to `errors`: every bad
   * cell is reported, and one bad cell rejects the row.
   */
  validate(record: CsvRecord, errors: RowError[]): CanonicalRow | null;
}

export interface RowValidatorOptions {
  /** How to read `1,234`; see {@link ambiguousCommaFor} (default: decimal comma). */
  ambiguousComma?: AmbiguousComma;
}

interface ColumnPlan {
  name: string;
  /** The file's header when it differs from the canonical name, for messages. */
  header: string | null;
  index: number;
  /** What the row gets when the file has no such column (a constant, '' or null). */
  absent: string | null;
  whenEmpty: 'null' | 'empty_string' | 'reject';
  type: ValueType;
}

/**
 * One cell through its type's parser. A switch rather than a function per column: each
 * call site then sees one function, which V8 inlines; in the row loop this is measurable.
 */
function parseCell(type: ValueType, raw: string, ambiguousComma: AmbiguousComma): ParsedValue {
  switch (type) {
    case 'text':
      return parseText(raw);
    case 'lowercase':
      return parseLowercase(raw);
    case 'count':
      return parseCount(raw, ambiguousComma);
    case 'money':
      return parseMoney(raw, ambiguousComma);
    case 'date':
      return parseDate(raw);
    case 'timestamp':
      return parseTimestamp(raw);
    case 'event_type':
      return parseEventType(raw);
    case 'country':
      return parseCountry(raw);
    case 'currency':
      return parseCurrency(raw);
  }
}

/** A rule across cells of one row, run once every cell has parsed: what breaks it, or null. */
type RowRule = (values: (string | null)[]) => { column: string; reason: string } | null;

function columnIndexer(columns: readonly string[]): (name: string) => number {
  return (name) => {
    const index = columns.indexOf(name);
    if (index === -1) throw new Error(`no column ${name}`);
    return index;
  };
}

function rowRules(source: SourceName, columns: readonly string[]): RowRule[] {
  if (source !== 'tw_events') return [];
  const at = columnIndexer(columns);
  const [type, amount, payout, currency] = [at('event_type'), at('amount'), at('payout'), at('currency')];
  return [
    (values) => {
      if (values[currency] !== null) return null;
      const money = values[payout] !== null ? 'payout' : values[amount] !== null ? 'amount' : null;
      if (money === null) return null;
      return { column: 'currency', reason: `is empty, but \`${money}\` is ${values[money === 'payout' ? payout : amount]}: money needs its currency` };
    },
    (values) => {
      const value = values[payout];
      if (values[type] !== 'chargeback' || !value || value.startsWith('-') || !/[1-9]/.test(value)) return null;
      return { column: 'payout', reason: `${quoteValue(value)} is positive, but a chargeback's payout is negative (it takes money back)` };
    },
  ];
}

/**
 * The validator of rows mapped by `mapping`. Throws a file-level error when a required
 * column is neither in the header nor given as a constant, naming them and the headers found.
 */
export function createRowValidator(mapping: ColumnMapping, options: RowValidatorOptions = {}): RowValidator {
  const spec = sourceSpec(mapping.source);
  const ambiguousComma = options.ambiguousComma ?? 'decimal';
  const missing = spec.columns.filter((c) => c.required && mapping.columns[c.name] === undefined && mapping.constants[c.name] === undefined);
  if (missing.length) {
    const found = mapping.headers.map((h) => `\`${h}\``).join(', ') || 'none';
    throw new EtlFileError(
      'missing_columns',
      `Required ${missing.length === 1 ? 'column is' : 'columns are'} missing: ${missing.map((c) => `\`${c.name}\``).join(', ')}. The file's columns: ${found}.`,
    );
  }
  const plans: ColumnPlan[] = spec.columns.map((column) => {
    const index = mapping.columns[column.name] ?? -1;
    const header = index === -1 ? null : (mapping.headers[index] ?? null);
    const constant = mapping.constants[column.name];
    let absent: string | null = column.whenEmpty === 'empty_string' ? '' : null;
    if (constant !== undefined) {
      const parsed = parseCell(column.type, constant, ambiguousComma);
      if (parsed instanceof InvalidValue) throw new EtlFileError('invalid_mapping', `The mapping's value for \`${column.name}\`: ${parsed.reason}`);
      absent = parsed;
    }
    return { name: column.name, header: header === column.name ? null : header, index, absent, whenEmpty: column.whenEmpty, type: column.type };
  });
  const columns = plans.map((p) => p.name);
  const rules = rowRules(mapping.source, columns);
  const headerCount = mapping.headers.length;

  return {
    source: mapping.source,
    columns,
    validate(record, errors) {
      const cells = record.values;
      const line = record.line;
      if (cells.length !== headerCount && !fieldCountTolerable(cells, headerCount)) {
        errors.push({ ...rowError(line, null, null, null, fieldCountReason(cells.length, headerCount)), record: cells });
        return null;
      }
      // The errors of this record carry its fields (rejectedRecord below).
      const firstError = errors.length;
      const values: (string | null)[] = new Array(plans.length);
      let valid = true;
      let i = -1;
      for (const plan of plans) {
        i++;
        if (plan.index === -1) {
          values[i] = plan.absent;
          continue;
        }
        const raw = cells[plan.index] ?? '';
        const parsed = parseCell(plan.type, raw, ambiguousComma);
        if (parsed === null) {
          if (plan.whenEmpty === 'reject') {
            errors.push(rowError(line, plan.name, plan.header, raw, 'is empty, but a value is required'));
            valid = false;
          }
          values[i] = plan.whenEmpty === 'empty_string' ? '' : null;
        } else if (parsed instanceof InvalidValue) {
          errors.push(rowError(line, plan.name, plan.header, raw, parsed.reason));
          valid = false;
        } else {
          values[i] = parsed;
        }
      }
      if (!valid) return rejectedRecord(errors, firstError, cells);
      for (const rule of rules) {
        const broken = rule(values);
        if (broken === null) continue;
        const plan = plans[columns.indexOf(broken.column)];
        errors.push(rowError(line, broken.column, plan?.header ?? null, plan && plan.index !== -1 ? (cells[plan.index] ?? null) : null, broken.reason));
        valid = false;
      }
      return valid ? { line, values } : rejectedRecord(errors, firstError, cells);
    },
  };
}

/** Gives the errors of a rejected record (from `first` on) its fields; answers null, the rejection. */
function rejectedRecord(errors: RowError[], first: number, cells: string[]): null {
  for (let i = first; i < errors.length; i++) errors[i]!.record = cells;
  return null;
}

/** Extra fields are forgiven when empty (a trailing delimiter); missing ones never are. */
function fieldCountTolerable(cells: string[], headerCount: number): boolean {
  if (cells.length < headerCount) return false;
  for (let i = headerCount; i < cells.length; i++) if ((cells[i] ?? '').trim() !== '') return false;
  return true;
}

function fieldCountReason(found: number, expected: number): string {
  const hint = found > expected ? 'a delimiter inside a value that is not quoted?' : 'a missing delimiter, or a line break inside a value that is not quoted?';
  return `${found} ${found === 1 ? 'field' : 'fields'}, but the header has ${expected} (${hint})`;
}
