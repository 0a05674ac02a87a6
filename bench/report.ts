/** What a benchmark suite hands back to bench/run.ts, which prints it. */
export interface SuiteResult {
  suite: string;
  tables: ResultTable[];
  /** Targets from the issue; a missed aim is reported, never a failure of the run. */
  aims: Aim[];
  notes: string[];
}

export interface ResultTable {
  title: string;
  columns: string[];
  /** Cells as printed; numeric-looking cells are right-aligned. */
  rows: string[][];
}

export interface Aim {
  label: string;
  target: string;
  actual: string;
  met: boolean;
}

export function isSuiteResult(value: unknown): value is SuiteResult {
  if (value === null || typeof value !== 'object') return false;
  const candidate = value as Partial<SuiteResult>;
  return typeof candidate.suite === 'string' && Array.isArray(candidate.tables);
}

const numeric = /^[-+]?[\d.,\s]+(?:x|%|\s*(?:µs|ms|s|req\/s|MB|kB))?$/;

/** A plain-text table with a title line, as read in a terminal or a CI log. */
export function renderTable(table: ResultTable): string {
  const widths = table.columns.map((column, i) => Math.max(column.length, ...table.rows.map((row) => (row[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((cell, i) => {
        const width = widths[i] ?? cell.length;
        return i > 0 && numeric.test(cell) ? cell.padStart(width) : cell.padEnd(width);
      })
      .join('  ')
      .trimEnd();
  const rule = widths.map((w) => '-'.repeat(w)).join('  ');
  return [table.title, line(table.columns), rule, ...table.rows.map(line)].join('\n');
}

export function renderAims(aims: Aim[]): string {
  if (aims.length === 0) return '';
  return renderTable({
    title: 'Aims',
    columns: ['', 'aim', 'target', 'measured'],
    rows: aims.map((aim) => [aim.met ? 'MET' : 'MISSED', aim.label, aim.target, aim.actual]),
  });
}
