import { EtlFileError } from './errors.ts';
import { currencyCodes } from './isoCodes.ts';
import { molocoHeader, sourceNames, sourceSpec, type ColumnSpec, type SourceName } from './sources.ts';

/**
 * From a file's header to canonical columns: proposals from names and aliases, a mapping
 * the user saved for the workspace and source, and which source a header looks like.
 */

/** How a file's columns become canonical ones; built by {@link proposeMapping} or {@link applyMapping}. */
export interface ColumnMapping {
  source: SourceName;
  /** The file's header, as read. */
  headers: string[];
  /** Canonical column → index into `headers`. */
  columns: Record<string, number>;
  /**
   * Canonical column → the value every row gets, for a column the file lacks: the currency
   * a `spend_usd` header implies, the network of an ad-spend report.
   */
  constants: Record<string, string>;
}

/**
 * How a column was found: `exact` (its canonical name), `alias` (a known other name),
 * `fuzzy` (the header contains a known name among other words), `saved` (the user's
 * mapping), `implied` (a constant the header implies), `default` (a constant assumed).
 */
export type MatchKind = 'exact' | 'alias' | 'fuzzy' | 'saved' | 'implied' | 'default';

const confidenceOf: Record<MatchKind, number> = { exact: 1, saved: 1, alias: 0.9, implied: 0.9, fuzzy: 0.6, default: 0.5 };

export interface ProposedColumn {
  column: string;
  required: boolean;
  headerIndex: number | null;
  header: string | null;
  constant: string | null;
  match: MatchKind | null;
  /** 1 for certain, 0 for not found. */
  confidence: number;
}

export interface MappingProposal {
  source: SourceName;
  mapping: ColumnMapping;
  /** Every canonical column, in canonical order, found or not. */
  columns: ProposedColumn[];
  /** Headers no canonical column uses (they are not imported). */
  unmappedHeaders: { index: number; header: string }[];
  /** Required columns neither the header nor a constant provides: the file cannot load. */
  missingRequired: string[];
  /** Saved-mapping headers this file does not have (the auto proposal stands in for them). */
  savedHeadersNotFound: string[];
  /** The weakest required match (0 when one is missing): below 0.9 a person should check. */
  confidence: number;
}

/**
 * A mapping as the database stores it per workspace and source: by header name, not
 * position, so a re-ordered export still maps. A null leaves that column out on purpose.
 */
export interface SavedMapping {
  columns: Record<string, string | null>;
  constants?: Record<string, string>;
}

/** `Campaign ID`, `campaign_id`, `CampaignID` and ` campaign-id ` compare equal; so do `Партнёрка` and `партнерка`. */
export function normalizeHeader(header: string): string {
  return header
    .trim()
    .toLowerCase()
    .replaceAll('ё', 'е')
    .replace(/[^\p{L}\p{N}]+/gu, '_')
    .replace(/^_+|_+$/g, '');
}

function compact(name: string): string {
  return normalizeHeader(name).replaceAll('_', '');
}

function tokens(name: string): string[] {
  return normalizeHeader(name).split('_').filter(Boolean);
}

const currencySymbols: Record<string, string> = { $: 'USD', '€': 'EUR', '₽': 'RUB' };
const currencyWords: Record<string, string> = { руб: 'RUB', рублей: 'RUB', rur: 'RUB', долл: 'USD' };

/** `spend_usd`, `Расход, руб`, `Spend ($)` → the header without its currency, and the currency. */
function currencySuffix(header: string): { base: string; currency: string } | null {
  for (const [symbol, code] of Object.entries(currencySymbols)) {
    if (header.includes(symbol)) return { base: header.replace(symbol, ' '), currency: code };
  }
  const words = tokens(header);
  const last = words[words.length - 1];
  if (words.length < 2 || last === undefined) return null;
  const code = currencyWords[last] ?? (currencyCodes.has(last.toUpperCase()) ? last.toUpperCase() : null);
  return code ? { base: words.slice(0, -1).join('_'), currency: code } : null;
}

interface Candidate {
  columnIndex: number;
  headerIndex: number;
  match: MatchKind;
  impliedCurrency: string | null;
}

function matchHeader(spec: ColumnSpec, header: string): { match: MatchKind; impliedCurrency: string | null } | null {
  const key = compact(header);
  if (key === '') return null;
  const names = [spec.name, ...spec.aliases];
  // First, so that "Spend ($)" keeps its dollar, which normalising would drop.
  if (spec.type === 'money') {
    const suffix = currencySuffix(header);
    if (suffix && names.some((name) => compact(name) === compact(suffix.base))) return { match: 'alias', impliedCurrency: suffix.currency };
  }
  if (key === compact(spec.name)) return { match: 'exact', impliedCurrency: null };
  if (names.some((name) => compact(name) === key)) return { match: 'alias', impliedCurrency: null };
  const words = new Set(tokens(header));
  if (names.some((name) => tokens(name).every((word) => words.has(word)))) return { match: 'fuzzy', impliedCurrency: null };
  return null;
}

function isMolocoHeader(headers: readonly string[]): boolean {
  return headers.length === molocoHeader.length && headers.every((h, i) => compact(h) === compact(molocoHeader[i] ?? ''));
}

function buildProposal(source: SourceName, headers: string[], chosen: Map<string, { index: number | null; constant: string | null; match: MatchKind }>, savedHeadersNotFound: string[]): MappingProposal {
  const spec = sourceSpec(source);
  const mapping: ColumnMapping = { source, headers, columns: {}, constants: {} };
  const used = new Set<number>();
  const columns = spec.columns.map((column): ProposedColumn => {
    const choice = chosen.get(column.name);
    if (choice?.index != null) {
      mapping.columns[column.name] = choice.index;
      used.add(choice.index);
    }
    if (choice?.constant != null) mapping.constants[column.name] = choice.constant;
    return {
      column: column.name,
      required: column.required,
      headerIndex: choice?.index ?? null,
      header: choice?.index != null ? (headers[choice.index] ?? null) : null,
      constant: choice?.constant ?? null,
      match: choice?.match ?? null,
      confidence: choice ? confidenceOf[choice.match] : 0,
    };
  });
  const missingRequired = columns.filter((c) => c.required && c.match === null).map((c) => c.column);
  const required = columns.filter((c) => c.required);
  return {
    source,
    mapping,
    columns,
    unmappedHeaders: headers.flatMap((header, index) => (used.has(index) || header.trim() === '' ? [] : [{ index, header }])),
    missingRequired,
    savedHeadersNotFound,
    confidence: required.length ? Math.min(...required.map((c) => c.confidence)) : 1,
  };
}

function autoChoices(source: SourceName, headers: readonly string[]): Map<string, { index: number | null; constant: string | null; match: MatchKind }> {
  const spec = sourceSpec(source);
  const candidates: Candidate[] = [];
  spec.columns.forEach((column, columnIndex) => {
    headers.forEach((header, headerIndex) => {
      const found = matchHeader(column, header);
      if (found) candidates.push({ columnIndex, headerIndex, ...found });
    });
  });
  // Strongest matches claim their headers first; ties go to canonical order, then file order.
  candidates.sort((a, b) => confidenceOf[b.match] - confidenceOf[a.match] || a.columnIndex - b.columnIndex || a.headerIndex - b.headerIndex);
  const chosen = new Map<string, { index: number | null; constant: string | null; match: MatchKind }>();
  const takenHeaders = new Set<number>();
  const implied = new Set<string>();
  for (const candidate of candidates) {
    const name = spec.columns[candidate.columnIndex]?.name;
    if (name === undefined || chosen.has(name) || takenHeaders.has(candidate.headerIndex)) continue;
    chosen.set(name, { index: candidate.headerIndex, constant: null, match: candidate.match });
    takenHeaders.add(candidate.headerIndex);
    if (candidate.impliedCurrency) implied.add(candidate.impliedCurrency);
  }
  const [impliedCurrency] = implied;
  // Two money columns implying different currencies leave the currency for a person to say.
  if (!chosen.has('currency') && implied.size === 1 && impliedCurrency !== undefined) {
    chosen.set('currency', { index: null, constant: impliedCurrency, match: 'implied' });
  }
  // Moloco is the only ad network with file exports today; its exact header says so for sure.
  if (source === 'ad_spend' && !chosen.has('network')) {
    chosen.set('network', { index: null, constant: 'moloco', match: isMolocoHeader(headers) ? 'implied' : 'default' });
  }
  return chosen;
}

/**
 * The proposed mapping of a file's header onto a source's canonical columns, with how
 * sure each match is, the headers left over and the required columns not found.
 */
export function proposeMapping(source: SourceName, headers: string[]): MappingProposal {
  return buildProposal(source, headers, autoChoices(source, headers), []);
}

/**
 * A saved mapping applied to this file's header. Saved choices win over the proposal; a
 * saved header this file lacks falls back to the proposal and is reported, so a renamed
 * column is noticed instead of silently emptied.
 */
export function applyMapping(source: SourceName, headers: string[], saved: SavedMapping): MappingProposal {
  const spec = sourceSpec(source);
  const chosen = autoChoices(source, headers);
  const notFound: string[] = [];
  for (const column of spec.columns) {
    if (!(column.name in saved.columns)) continue;
    const header = saved.columns[column.name];
    if (header === null || header === undefined) {
      chosen.delete(column.name);
      continue;
    }
    let index = headers.indexOf(header);
    if (index === -1) index = headers.findIndex((h) => compact(h) === compact(header));
    if (index === -1) {
      notFound.push(header);
      continue;
    }
    for (const [name, choice] of chosen) if (choice.index === index) chosen.delete(name);
    chosen.set(column.name, { index, constant: null, match: 'saved' });
  }
  for (const [name, value] of Object.entries(saved.constants ?? {})) {
    if (spec.columns.some((c) => c.name === name)) chosen.set(name, { index: null, constant: value, match: 'saved' });
  }
  return buildProposal(source, headers, chosen, notFound);
}

/** The mapping in the form the database stores. */
export function toSavedMapping(mapping: ColumnMapping): SavedMapping {
  const columns: Record<string, string | null> = {};
  for (const [name, index] of Object.entries(mapping.columns)) columns[name] = mapping.headers[index] ?? null;
  return { columns, constants: { ...mapping.constants } };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A saved mapping read back from JSON (the database, a request), checked field by field. */
export function parseSavedMapping(json: unknown): SavedMapping {
  const invalid = (why: string) => new EtlFileError('invalid_mapping', `The saved column mapping is invalid: ${why}`);
  if (!isRecord(json) || !isRecord(json.columns)) throw invalid('expected {"columns": {…}}');
  const columns: Record<string, string | null> = {};
  for (const [name, header] of Object.entries(json.columns)) {
    if (header !== null && typeof header !== 'string') throw invalid(`the header for ${name} is not text`);
    columns[name] = header;
  }
  const constants: Record<string, string> = {};
  if (json.constants !== undefined) {
    if (!isRecord(json.constants)) throw invalid('"constants" is not an object');
    for (const [name, value] of Object.entries(json.constants)) {
      if (typeof value !== 'string') throw invalid(`the constant for ${name} is not text`);
      constants[name] = value;
    }
  }
  return { columns, constants };
}

export interface SourceDetection {
  /** The likeliest source, or null when no source fits well enough to propose one. */
  source: SourceName | null;
  confidence: number;
  /** The ad network a header names for certain (Moloco's exact header), else null. */
  network: string | null;
  /** Every source with its score, best first. */
  scores: { source: SourceName; score: number }[];
}

/**
 * Which source a header belongs to. A source scores by how well its columns are found,
 * each by its match confidence: required ones weigh 0.8, optional ones 0.2. Below 0.5 no
 * source is proposed; above it, a source still missing a required column is proposed, so
 * the person is told which column is missing rather than that the file is unknown.
 */
export function detectSource(headers: string[]): SourceDetection {
  const scores = sourceNames
    .map((source) => {
      const { columns } = proposeMapping(source, headers);
      const mean = (list: ProposedColumn[]) => (list.length ? list.reduce((sum, c) => sum + c.confidence, 0) / list.length : 1);
      const score = 0.8 * mean(columns.filter((c) => c.required)) + 0.2 * mean(columns.filter((c) => !c.required));
      return { source, score: Math.round(score * 1000) / 1000 };
    })
    .sort((a, b) => b.score - a.score);
  const best = scores[0];
  const source = best && best.score >= 0.5 ? best.source : null;
  return {
    source,
    confidence: best?.score ?? 0,
    network: source === 'ad_spend' && isMolocoHeader(headers) ? 'moloco' : null,
    scores,
  };
}
