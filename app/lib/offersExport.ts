import type { ExportSheet } from './exportTable.ts';
import type { OfferRow, OfferStatus } from './offers.ts';

export interface OfferExportLabels {
  header: { code: string; name: string; product: string; program: string; status: string; geos: string; rate: string; currency: string; validFrom: string; validTo: string; landingType: string };
  status(status: OfferStatus): string;
  allGeos: string;
  /** The last row: how many offers the file holds. */
  count(n: number): string;
}

/** A moment as spreadsheets sort it, "2026-12-01 00:00", in the person's time zone. */
export function sortableMoment(iso: string, timeZone: string): string {
  const moment = new Date(iso);
  if (Number.isNaN(moment.getTime())) return iso;
  // Swedish writes dates as ISO does.
  return new Intl.DateTimeFormat('sv-SE', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit' }).format(moment);
}

/** The GEOs of terms as one cell: "DE, KZ; own rate: AT". */
export function geosCell(row: OfferRow, allGeos: string): string {
  const terms = row.terms;
  if (!terms) return '';
  const geos = terms.geos.length ? terms.geos.join(', ') : allGeos;
  return terms.rateGeos.length ? `${geos} (+${terms.rateGeos.join(', ')})` : geos;
}

/**
 * The chosen offers as a sheet for approval (lib/exportTable.ts writes it as CSV,
 * lib/exportXlsx.ts as XLSX): one row per offer with the terms it shows, a count last.
 */
export function offersSheet(rows: OfferRow[], labels: OfferExportLabels, timeZone: string): ExportSheet {
  const h = labels.header;
  return {
    header: [h.code, h.name, h.product, h.program, h.status, h.geos, h.rate, h.currency, h.validFrom, h.validTo, h.landingType],
    kinds: ['text', 'text', 'text', 'text', 'text', 'text', 'money', 'text', 'text', 'text', 'text'],
    rows: rows.map((r) => [
      r.code,
      r.name,
      r.product ?? '',
      r.programName ?? '',
      labels.status(r.status),
      geosCell(r, labels.allGeos),
      r.terms?.rate ?? null,
      r.terms?.currency ?? '',
      r.terms ? sortableMoment(r.terms.validFrom, timeZone) : '',
      r.terms?.validTo ? sortableMoment(r.terms.validTo, timeZone) : '',
      r.terms?.landingType ?? '',
    ]),
    total: [labels.count(rows.length), '', '', '', '', '', null, '', '', '', ''],
  };
}

/** A file name for the export: `offers_2026-11-26.xlsx`. */
export function offersFileName(today: string, extension: string): string {
  return `offers_${today}.${extension}`;
}
