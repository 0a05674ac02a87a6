import { describe, expect, it } from 'vitest';
import { detectEncoding, lineStart, nextSliceStart, parseFile, sliceLength, type CsvHeader, type DetectedEncoding, type ParseOptions } from '../../../functions/_shared/etl/index.ts';
import { cp1251, streamOf, utf8 } from './support.ts';

/**
 * A file read in slices (docs/imports.md) must read exactly as the whole file does: the same
 * header, records with the same values and physical line numbers, the same errors, wherever
 * the slices are cut. Slices here are tiny, so that every kind of cut happens: inside a quoted
 * value spanning lines, between CR and LF, inside a multi-byte character, inside a line too
 * long to read.
 */

interface Reading {
  header: CsvHeader;
  records: [number, string[]][];
  errors: [number, string][];
}

async function readWhole(bytes: Uint8Array, options: ParseOptions): Promise<Reading> {
  const file = parseFile(streamOf(bytes, [5]), options);
  const header = await file.header();
  const reading: Reading = { header, records: [], errors: [] };
  for await (const batch of file) {
    for (const r of batch.records) reading.records.push([r.line, r.values]);
    for (const e of batch.errors) reading.errors.push([e.line, e.message]);
  }
  return reading;
}

/** As the ETL will: read a slice, parse it, and start the next where its last whole record ended. */
async function readInSlices(bytes: Uint8Array, sliceBytes: number, options: ParseOptions): Promise<Reading & { slices: number }> {
  let offset = 0;
  let firstLine = 1;
  let skipping = false;
  let header: CsvHeader | undefined;
  let size = sliceBytes;
  let slices = 0;
  let attempts = 0;
  const reading: Omit<Reading, 'header'> = { records: [], errors: [] };
  while (offset < bytes.length) {
    if (++attempts > 10_000) throw new Error(`no progress at byte ${offset} (line ${firstLine}, slices of ${size} bytes)`);
    const window = bytes.subarray(offset, offset + size);
    const fileEnds = offset + size >= bytes.length;
    const encoding: DetectedEncoding = header?.encoding ?? detectEncoding(bytes.subarray(0, 4096), bytes.length <= 4096);
    const slice = window.subarray(0, sliceLength(window, encoding, fileEnds));
    const file = parseFile(streamOf(slice, [3, 7]), { ...options, partial: !fileEnds, resume: header ? { header, line: firstLine, skipping } : undefined });
    let sliceHeader: CsvHeader;
    try {
      sliceHeader = await file.header();
    } catch (error) {
      // The header is longer than the slice: read a longer one, as the loader will.
      if (!fileEnds && (error as { code?: string }).code === 'empty_file') {
        size *= 2;
        continue;
      }
      throw error;
    }
    const records: [number, string[]][] = [];
    const errors: [number, string][] = [];
    for await (const batch of file) {
      for (const r of batch.records) records.push([r.line, r.values]);
      for (const e of batch.errors) errors.push([e.line, e.message]);
    }
    slices++;
    if (fileEnds) {
      header ??= sliceHeader;
      reading.records.push(...records);
      reading.errors.push(...errors);
      break;
    }
    const next = nextSliceStart(slice, encoding, firstLine, file.position());
    if (!next) {
      // Not one whole record in the slice: read a longer one, as the loader will.
      size *= 2;
      continue;
    }
    // The encoding, once the bytes have told it, holds for the rest of the file.
    header = { ...sliceHeader, encoding: file.encoding === 'ascii' ? sliceHeader.encoding : file.encoding };
    reading.records.push(...records);
    reading.errors.push(...errors);
    offset += next.offset;
    firstLine = next.line;
    skipping = next.skipping;
    size = sliceBytes;
  }
  if (!header) throw new Error('no header');
  return { header, ...reading, slices };
}

function utf16le(text: string): Uint8Array {
  const bytes = new Uint8Array(2 + text.length * 2);
  bytes.set([0xff, 0xfe]);
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    bytes[2 + i * 2] = code & 0xff;
    bytes[3 + i * 2] = code >> 8;
  }
  return bytes;
}

const files: [string, Uint8Array, ParseOptions][] = [
  ['quoted values with delimiters, quotes and line breaks (LF)', utf8('id,note,amount\n1,"a, b",10\n2,"she said ""hi""",20\n3,"two\nlines\nhere",30\n4,plain,40\n'), {}],
  ['CRLF, with line breaks inside quotes', utf8('id;note;amount\r\n1;"first\r\nsecond";1,5\r\n2;x;2\r\n\r\n3;"y";3\r\n'), {}],
  ['lone CR line ends', utf8('id,v\r1,a\r2,"b\rc"\r3,d\r'), {}],
  ['UTF-8 with a BOM, Cyrillic and emoji', utf8('\uFEFFкампания,оффер,выплата\nПуш 🚀,оффер-1,12,50\nИнапп 🎯,"оффер,2",7\n'), {}],
  ['Windows-1251', cp1251('Дата;Кампания;Расход\n01.03.2026;Пуш;12,50\n02.03.2026;"Инапп\nвторая";7\n'), {}],
  ['Excel sep= line, blank lines, a tab delimiter', utf8('sep=\t\nid\tv\n\n1\ta\n\n\n2\t"b\n\nc"\n3\tc\n'), {}],
  ['a line too long to read, and an unclosed quote at the end', utf8(`id,v\n1,a\n2,${'x'.repeat(90)}\n3,b\n4,"never closed\n5,c\n`), { maxRecordChars: 40 }],
  ['an unclosed quote that swallows lines up to the record limit', utf8(`id,v\n1,"open\n2,a\n3,b\n${'4,c\n'.repeat(12)}5,d\n`), { maxRecordChars: 30 }],
  // "Р°" in Windows-1251 is D0 B0, valid UTF-8 ("а"): only more bytes tell the two apart.
  ['Windows-1251 whose first Cyrillic comes late and looks like UTF-8 at first', cp1251(`id,v\n${'1,ascii\n'.repeat(6)}2,Р°\n3,Привет, мир\n4,"ещё\nстрока"\n`), {}],
  ['a too-long line in Cyrillic UTF-8 before the encoding is known', utf8(`id,v\n1,a\n2,${'я'.repeat(60)}\n3,б\n`), { maxRecordChars: 40 }],
  ['UTF-16 with a BOM', utf16le('id,note\n1,"a\nb"\n2,c\n'), {}],
  ['no line break at the end', utf8('id,v\n1,a\n2,"b\nc"'), {}],
];

describe('a file read in slices reads as the whole file', () => {
  it.each(files)('%s', async (_name, bytes, options) => {
    const whole = await readWhole(bytes, options);
    expect(whole.records.length).toBeGreaterThan(0);
    for (const sliceBytes of [4, 5, 6, 7, 8, 9, 11, 13, 17, 24, 31, 64, 1 << 20]) {
      const sliced = await readInSlices(bytes, sliceBytes, options);
      expect({ records: sliced.records, errors: sliced.errors, names: sliced.header.names }, `slices of ${sliceBytes} bytes`).toEqual({
        records: whole.records,
        errors: whole.errors,
        names: whole.header.names,
      });
    }
  });

  it('cuts a slice after its last line break, never inside a character', () => {
    const bytes = utf8('a,b\nпривет,мир\nда');
    expect(sliceLength(bytes, 'utf-8', false)).toBe(bytes.indexOf(0x0a, 4) + 1);
    expect(sliceLength(bytes, 'utf-8', true)).toBe(bytes.length);
    expect(sliceLength(utf8('no line break'), 'utf-8', false)).toBe(13);
    expect(sliceLength(utf16le('a\nb'), 'utf-16le', false)).toBe(6);
  });

  it('finds where a line starts, counting CRLF once and a lone CR as a break', () => {
    const bytes = utf8('l1\r\nl2\rl3\nl4');
    expect([1, 2, 3, 4].map((line) => lineStart(bytes, 'utf-8', 1, line))).toEqual([0, 4, 7, 10]);
    expect(lineStart(bytes, 'utf-8', 10, 11)).toBe(4);
    expect(() => lineStart(bytes, 'utf-8', 1, 6)).toThrow(RangeError);
  });
});
