import writeXlsxFile, { type Cell, type SheetData } from 'write-excel-file/browser';
import type { MetricKind } from './analytics.ts';
import type { CellValue, ExportSheet } from './exportTable.ts';

/** Excel number formats: money with cents, counts whole, fractions as percentages. */
const numberFormats: Record<MetricKind, string> = { money: '#,##0.00', count: '#,##0', ratio: '0.0%' };

function cell(value: CellValue, kind: ExportSheet['kinds'][number], bold: boolean): Cell {
  const style = bold ? { fontWeight: 'bold' as const } : {};
  if (value === null) return null;
  if (typeof value === 'number') return { value, type: Number, format: kind === 'text' ? undefined : numberFormats[kind], ...style };
  return { value, type: String, ...style };
}

/** Roughly the width of the longest text of a column, in characters, within reason. */
function width(sheet: ExportSheet, column: number): number {
  const longest = Math.max(...[sheet.header, ...sheet.rows, sheet.total].map((r) => String(r[column] ?? '').length));
  return Math.min(48, Math.max(10, longest + 2));
}

/**
 * The sheet as an .xlsx workbook: bold frozen header, formatted numbers kept as numbers
 * (so the spreadsheet sums them), column widths and a bold totals row at the bottom. Loaded
 * on demand by the export so the library stays out of the initial bundle.
 */
export async function buildXlsx(sheet: ExportSheet, sheetName: string): Promise<Blob> {
  const data: SheetData = [
    sheet.header.map((title) => ({ value: title, type: String, fontWeight: 'bold' as const, align: 'center' as const, wrap: true })),
    ...sheet.rows.map((row) => row.map((value, i) => cell(value, sheet.kinds[i] ?? 'text', false))),
    sheet.total.map((value, i) => cell(value, sheet.kinds[i] ?? 'text', true)),
  ];
  return writeXlsxFile(data, {
    sheet: sheetName.slice(0, 31),
    stickyRowsCount: 1,
    columns: sheet.header.map((_, i) => ({ width: width(sheet, i) })),
  }).toBlob();
}
