/**
 * A streaming CSV tokenizer after RFC 4180 (https://www.rfc-editor.org/rfc/rfc4180): fields
 * in double quotes may hold the delimiter, doubled quotes and line breaks; records end at
 * CRLF, LF or a lone CR. Text arrives in pieces of any size; only the unfinished record is
 * kept between pieces, so memory stays flat whatever the file size.
 *
 * Lenient where exports are sloppy: spaces before an opening quote are skipped, characters
 * after a closing quote are kept, a quote inside an unquoted field is an ordinary character.
 * Line breaks inside quoted values are read as LF.
 */

export type Delimiter = ',' | ';' | '\t';

/** Receives records and record-level errors, in file order. */
export interface TokenizerSink {
  /** `line` is the physical line where the record starts; a blank line arrives as `['']`. */
  record(line: number, values: string[]): void;
  error(line: number, reason: string): void;
}

const QUOTE = 34;
const LF = 10;
const CR = 13;
const SPACE = 32;

/** Text in, records out: `push` pieces as they arrive, `finish` at the end; records go to the sink. */
export class CsvTokenizer {
  private buffer = '';
  /** Start of the first record not yet emitted. */
  private pos = 0;
  /** Physical line number at `pos`. */
  private line: number;
  /** The previous piece ended in a CR we skipped over; a LF starting this piece belongs to it. */
  private pendingLf = false;
  /** Dropping an over-long line until its end arrives. */
  private skippingLine = false;
  private readonly delimiterCode: number;
  /** Filled by the slow path: where the record ended and how many line breaks it spanned. */
  private recordEnd = 0;
  private recordBreaks = 0;

  /**
   * @param maxRecordChars a record longer than this is rejected (it is almost always a quote
   *   that is never closed) and reading resumes on the line after its first, so one bad
   *   quote can neither swallow the rest of the file nor grow memory.
   * @param firstLine the physical line number of the first text pushed.
   * @param skipping the first text continues a line already refused as too long (reading a
   *   file in slices: the slice before reported it), to be dropped up to its line break.
   */
  constructor(
    private readonly delimiter: Delimiter,
    private readonly sink: TokenizerSink,
    private readonly maxRecordChars = 1 << 20,
    firstLine = 1,
    skipping = false,
  ) {
    this.delimiterCode = delimiter.charCodeAt(0);
    this.line = firstLine;
    this.skippingLine = skipping;
  }

  /**
   * Where reading stands: the physical line of the first text not yet part of an emitted
   * record (or error), and whether that line is being dropped as too long. A file read in
   * slices resumes there.
   */
  get position(): { line: number; skipping: boolean } {
    return { line: this.line, skipping: this.skippingLine };
  }

  /** Tokenizes the next piece of text, emitting every record it completes. */
  push(text: string): void {
    this.buffer = this.pos < this.buffer.length ? this.buffer.slice(this.pos) + text : text;
    this.pos = 0;
    this.drain(false);
  }

  /** Ends the input: the last record needs no line break, an unclosed quote is an error. */
  finish(): void {
    this.drain(true);
    this.buffer = '';
    this.pos = 0;
  }

  private drain(final: boolean): void {
    const buf = this.buffer;
    const len = buf.length;
    const sink = this.sink;
    const delimiter = this.delimiter;
    let pos = this.pos;
    let line = this.line;
    if (this.pendingLf && pos < len) {
      if (buf.charCodeAt(pos) === LF) pos++;
      this.pendingLf = false;
    }
    if (this.skippingLine) {
      this.pos = pos;
      this.line = line;
      if (!this.skipLine(buf, final)) return;
      pos = this.pos;
      line = this.line;
    }
    // Next quote and CR at or after pos, searched again only once pos passes them.
    let quoteAt = -2;
    let crAt = -2;
    while (pos < len) {
      if (quoteAt !== -1 && quoteAt < pos) quoteAt = buf.indexOf('"', pos);
      if (crAt !== -1 && crAt < pos) crAt = buf.indexOf('\r', pos);
      const lfAt = buf.indexOf('\n', pos);
      // Fast paths: a whole line (no lone CR) is split natively; quoted values within it
      // are then rejoined. Only a quoted value spanning lines needs the field-by-field parser.
      if (lfAt !== -1 && (crAt === -1 || crAt >= lfAt - 1)) {
        // (crAt is -1 when there is no CR, which must not pass for a CR before a LF at 0.)
        const end = crAt !== -1 && crAt === lfAt - 1 ? crAt : lfAt;
        const values = quoteAt === -1 || quoteAt > lfAt ? buf.slice(pos, end).split(delimiter) : splitQuotedLine(buf.slice(pos, end), delimiter);
        if (values !== null && end - pos <= this.maxRecordChars) {
          sink.record(line, values);
          pos = lfAt + 1;
          line++;
          continue;
        }
      }
      const values = this.parseRecord(buf, pos, final);
      if (values !== null && this.recordEnd - pos <= this.maxRecordChars) {
        sink.record(line, values);
        pos = this.recordEnd;
        line += this.recordBreaks;
        continue;
      }
      const tooLong = values !== null || len - pos > this.maxRecordChars;
      if (!final && !tooLong) break;
      // Whatever ended the record early, reading resumes on the line after its first one:
      // the same place whichever way the file was cut into pieces.
      sink.error(
        line,
        tooLong ? `the record is longer than ${this.maxRecordChars} characters (a quoted value that is never closed?)` : 'a quoted value is not closed (its closing " is missing)',
      );
      this.pos = pos;
      this.line = line;
      if (!this.skipLine(buf, final)) return;
      pos = this.pos;
      line = this.line;
    }
    this.pos = pos;
    this.line = line;
  }

  /**
   * Moves past the line break that ends the line at `pos`. Returns false when the buffer
   * ends first: the rest of the line is then dropped as it arrives, never buffered.
   */
  private skipLine(buf: string, final: boolean): boolean {
    let at = this.pos;
    while (at < buf.length) {
      const code = buf.charCodeAt(at);
      if (code === LF || code === CR) break;
      at++;
    }
    if (at >= buf.length) {
      this.skippingLine = !final;
      this.pos = buf.length;
      return false;
    }
    this.skippingLine = false;
    this.line++;
    if (buf.charCodeAt(at) === CR) {
      if (at + 1 < buf.length) {
        this.pos = buf.charCodeAt(at + 1) === LF ? at + 2 : at + 1;
      } else {
        this.pos = at + 1;
        this.pendingLf = !final;
      }
    } else {
      this.pos = at + 1;
    }
    return true;
  }

  /**
   * The record starting at `start`, field by field; sets recordEnd and recordBreaks.
   * Null when the text ends inside it (or, when `final`, inside an unclosed quote).
   */
  private parseRecord(buf: string, start: number, final: boolean): string[] | null {
    const len = buf.length;
    const delimiterCode = this.delimiterCode;
    const values: string[] = [];
    let breaks = 0;
    let i = start;
    for (;;) {
      let j = i;
      while (j < len && buf.charCodeAt(j) === SPACE) j++;
      if (j >= len && !final) return null;
      if (j < len && buf.charCodeAt(j) === QUOTE) {
        let value = '';
        let segment = j + 1;
        for (;;) {
          const close = buf.indexOf('"', segment);
          if (close === -1) return null;
          if (close + 1 >= len && !final) return null;
          breaks += countBreaks(buf, segment, close);
          if (buf.charCodeAt(close + 1) === QUOTE) {
            value += buf.slice(segment, close + 1);
            segment = close + 2;
            continue;
          }
          value += buf.slice(segment, close);
          // Line breaks inside quotes are read as LF, so CRLF and LF exports of one value agree.
          if (value.includes('\r')) value = value.replace(/\r\n?/g, '\n');
          i = close + 1;
          break;
        }
        const rest = i;
        while (i < len) {
          const code = buf.charCodeAt(i);
          if (code === delimiterCode || code === LF || code === CR) break;
          i++;
        }
        values.push(i > rest ? value + buf.slice(rest, i) : value);
      } else {
        const from = i;
        while (i < len) {
          const code = buf.charCodeAt(i);
          if (code === delimiterCode || code === LF || code === CR) break;
          i++;
        }
        values.push(buf.slice(from, i));
      }
      if (i >= len) {
        if (!final) return null;
        this.recordEnd = len;
        this.recordBreaks = breaks;
        return values;
      }
      const code = buf.charCodeAt(i);
      if (code === delimiterCode) {
        i++;
        continue;
      }
      if (code === CR) {
        if (i + 1 >= len && !final) return null;
        this.recordEnd = buf.charCodeAt(i + 1) === LF ? i + 2 : i + 1;
      } else {
        this.recordEnd = i + 1;
      }
      this.recordBreaks = breaks + 1;
      return values;
    }
  }
}

/**
 * The fields of one line that holds quotes: split at every delimiter, then the pieces of a
 * quoted value that the split cut apart are joined again. Null when a quoted value is still
 * open at the end of the line (it holds a line break: the caller parses it field by field).
 */
function splitQuotedLine(text: string, delimiter: string): string[] | null {
  const parts = text.split(delimiter);
  const values: string[] = [];
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i] ?? '';
    let start = 0;
    while (part.charCodeAt(start) === SPACE) start++;
    if (part.charCodeAt(start) !== QUOTE) {
      values.push(part);
      continue;
    }
    let field = start === 0 ? part : part.slice(start);
    let from = 1;
    for (;;) {
      const close = field.indexOf('"', from);
      if (close === -1) {
        i++;
        if (i >= parts.length) return null;
        field += delimiter + (parts[i] ?? '');
        continue;
      }
      if (field.charCodeAt(close + 1) === QUOTE) {
        from = close + 2;
        continue;
      }
      const inner = field.slice(1, close);
      const value = inner.includes('""') ? inner.replaceAll('""', '"') : inner;
      values.push(close + 1 < field.length ? value + field.slice(close + 1) : value);
      break;
    }
  }
  return values;
}

/** Line breaks (CRLF, LF, lone CR) inside a quoted segment, so line numbers stay physical. */
function countBreaks(buf: string, from: number, to: number): number {
  let breaks = 0;
  for (let at = from; at < to; at++) {
    const code = buf.charCodeAt(at);
    if (code === LF || (code === CR && buf.charCodeAt(at + 1) !== LF)) breaks++;
  }
  return breaks;
}

/**
 * The delimiter of a file from its header line: whichever of `,` `;` tab occurs most often
 * outside quotes (a comma wins a tie, being the RFC's). `text` is the start of the file.
 */
export function detectDelimiter(text: string): Delimiter {
  const counts = { ',': 0, ';': 0, '\t': 0 };
  let inQuotes = false;
  for (let i = 0; i < text.length; i++) {
    const char = text.charAt(i);
    if (char === '"') inQuotes = !inQuotes;
    else if (!inQuotes && (char === '\n' || char === '\r')) break;
    else if (!inQuotes && (char === ',' || char === ';' || char === '\t')) counts[char]++;
  }
  if (counts[';'] > counts[','] && counts[';'] >= counts['\t']) return ';';
  if (counts['\t'] > counts[',']) return '\t';
  return ',';
}
