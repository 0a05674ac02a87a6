import { describe, expect, it } from 'vitest';
import { detectEncoding, EtlFileError, StreamDecoder, type TextEncodingName } from '../../../functions/_shared/etl/index.ts';
import { cp1251, readRecords, utf8 } from './support.ts';

function utf16(text: string, endian: 'le' | 'be'): Uint8Array {
  const bytes = new Uint8Array(2 + text.length * 2);
  bytes.set(endian === 'le' ? [0xff, 0xfe] : [0xfe, 0xff]);
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    bytes[2 + i * 2 + (endian === 'le' ? 0 : 1)] = code & 0xff;
    bytes[2 + i * 2 + (endian === 'le' ? 1 : 0)] = code >> 8;
  }
  return bytes;
}

/** Decodes bytes cut into pieces of the given size. */
function decodeInPieces(bytes: Uint8Array, size: number, forced?: TextEncodingName): { text: string; encoding: string; bom: boolean } {
  const decoder = new StreamDecoder(forced);
  let text = '';
  for (let at = 0; at < bytes.length; at += size) text += decoder.decode(bytes.slice(at, at + size));
  text += decoder.end();
  return { text, encoding: decoder.encoding, bom: decoder.bom };
}

const russian = 'Дата;Кампания;Расход\n01.03.2026;Вулкан — тест ё;12,50\n';

describe('detectEncoding (a preview of the first bytes)', () => {
  it('trusts a BOM', () => {
    expect(detectEncoding(Uint8Array.from([0xef, 0xbb, 0xbf, 0x61]))).toBe('utf-8');
    expect(detectEncoding(utf16('a,b', 'le'))).toBe('utf-16le');
    expect(detectEncoding(utf16('a,b', 'be'))).toBe('utf-16be');
  });

  it('tells UTF-8 from Windows-1251 by whether the bytes are valid UTF-8', () => {
    expect(detectEncoding(utf8(russian))).toBe('utf-8');
    expect(detectEncoding(cp1251(russian))).toBe('windows-1251');
  });

  it('says ascii while no byte above 0x7F has been seen', () => {
    expect(detectEncoding(utf8('event_id,payout\n1,2\n'))).toBe('ascii');
  });

  it('does not take a UTF-8 character cut off at the end of the sample for Windows-1251', () => {
    const bytes = utf8('a,Д');
    expect(detectEncoding(bytes.subarray(0, bytes.length - 1))).toBe('utf-8');
    expect(detectEncoding(bytes.subarray(0, bytes.length - 1), true)).toBe('windows-1251');
  });
});

describe('StreamDecoder', () => {
  it('decodes UTF-8 with and without a BOM, the BOM dropped', () => {
    expect(decodeInPieces(utf8(`\uFEFF${russian}`), 1 << 16)).toEqual({ text: russian, encoding: 'utf-8', bom: true });
    expect(decodeInPieces(utf8(russian), 1 << 16)).toEqual({ text: russian, encoding: 'utf-8', bom: false });
  });

  it('decodes Windows-1251 from Russian tools', () => {
    expect(decodeInPieces(cp1251(russian), 1 << 16)).toEqual({ text: russian, encoding: 'windows-1251', bom: false });
  });

  it('decodes UTF-16 with either BOM', () => {
    expect(decodeInPieces(utf16(russian, 'le'), 1 << 16)).toEqual({ text: russian, encoding: 'utf-16le', bom: true });
    expect(decodeInPieces(utf16(russian, 'be'), 1 << 16)).toEqual({ text: russian, encoding: 'utf-16be', bom: true });
  });

  it('decodes the same text from pieces of 1, 2 and 3 bytes (cuts inside multi-byte characters and the BOM)', () => {
    const text = `\uFEFFname\n${'🎰 Казино ✓ '.repeat(3)}\n`;
    for (const size of [1, 2, 3]) {
      expect(decodeInPieces(utf8(text), size).text).toBe(text.slice(1));
      expect(decodeInPieces(utf16(text.slice(1), 'le'), size).text).toBe(text.slice(1));
      expect(decodeInPieces(cp1251(russian), size)).toEqual({ text: russian, encoding: 'windows-1251', bom: false });
    }
  });

  it('still detects Windows-1251 when the Cyrillic starts far into the file', () => {
    const text = `${'campaign_id,spend\n'.repeat(20_000)}c1,Расход\n`;
    expect(decodeInPieces(cp1251(text), 65_536)).toEqual({ text, encoding: 'windows-1251', bom: false });
    expect(decodeInPieces(utf8(text), 65_536)).toEqual({ text, encoding: 'utf-8', bom: false });
  });

  it('decodes as told when the encoding is forced', () => {
    expect(decodeInPieces(cp1251(russian), 5, 'windows-1251').text).toBe(russian);
    expect(decodeInPieces(utf8('Ж'), 1, 'windows-1251').text).toBe('Р–');
  });

  it('refuses spreadsheets and binary files with what to do instead', () => {
    const refusal = (bytes: Uint8Array) => {
      try {
        decodeInPieces(bytes, 2);
      } catch (error) {
        return error instanceof EtlFileError ? [error.code, error.message] : error;
      }
      return 'accepted';
    };
    expect(refusal(Uint8Array.from([0x50, 0x4b, 0x03, 0x04, 0x14, 0x00]))).toEqual([
      'binary_file',
      'This is an Excel workbook (.xlsx) or another ZIP archive, not CSV: save it as CSV and upload that',
    ]);
    expect(refusal(Uint8Array.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]))).toEqual([
      'binary_file',
      'This is an Excel 97–2003 workbook (.xls), not CSV: save it as CSV and upload that',
    ]);
    expect(refusal(utf16('a,b\n', 'le').subarray(2))).toEqual([
      'binary_file',
      'The file contains NUL bytes: it is binary, or UTF-16 without a byte order mark (save it as UTF-8)',
    ]);
  });
});

describe('a file in each encoding', () => {
  it('reads the same header and records from UTF-8, UTF-8 with BOM, Windows-1251 and UTF-16', async () => {
    const expected = [
      { line: 2, values: ['01.03.2026', 'Вулкан — тест ё', '12,50'] },
    ];
    for (const [bytes, encoding] of [
      [utf8(russian), 'utf-8'],
      [utf8(`\uFEFF${russian}`), 'utf-8'],
      [cp1251(russian), 'windows-1251'],
      [utf16(russian, 'le'), 'utf-16le'],
    ] as const) {
      const read = await readRecords(bytes, [3]);
      expect(read.header.names).toEqual(['Дата', 'Кампания', 'Расход']);
      expect(read.records).toEqual(expected);
      expect(read.encoding).toBe(encoding);
    }
  });
});
