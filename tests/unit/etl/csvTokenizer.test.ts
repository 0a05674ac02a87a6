import { describe, expect, it } from 'vitest';
import { CsvTokenizer, detectDelimiter, type Delimiter } from '../../../functions/_shared/etl/index.ts';

type Output = (readonly [number, string[]] | readonly [number, 'error', string])[];

/** Tokenizes `text` pushed in pieces of the given sizes (cycled), recording records and errors in order. */
function tokenize(text: string, options: { delimiter?: Delimiter; sizes?: number[]; maxRecordChars?: number } = {}): Output {
  const out: Output = [];
  const tokenizer = new CsvTokenizer(
    options.delimiter ?? ',',
    { record: (line, values) => out.push([line, values]), error: (line, reason) => out.push([line, 'error', reason]) },
    options.maxRecordChars,
  );
  const sizes = options.sizes ?? [text.length || 1];
  for (let at = 0, turn = 0; at < text.length; turn++) {
    const size = sizes[turn % sizes.length] ?? 1;
    tokenizer.push(text.slice(at, at + size));
    at += size;
  }
  tokenizer.finish();
  return out;
}

describe('RFC 4180 quoting', () => {
  it('reads embedded delimiters, doubled quotes and line breaks, numbering records by their first physical line', () => {
    const text = 'id,name,note\n1,"Casino, Ltd.","say ""hi"""\n2,"two\nlines",x\n3,4,5';
    expect(tokenize(text)).toEqual([
      [1, ['id', 'name', 'note']],
      [2, ['1', 'Casino, Ltd.', 'say "hi"']],
      [3, ['2', 'two\nlines', 'x']],
      [5, ['3', '4', '5']],
    ]);
  });

  it('reads a quoted empty value and a value that is only a quote', () => {
    expect(tokenize('"",""""\n')).toEqual([[1, ['', '"']]]);
  });

  it('reads a line break inside quotes as LF whatever the file uses, and still counts it as a line', () => {
    expect(tokenize('"a\r\nb",c\r\n"d\re",f\r\ng,h')).toEqual([
      [1, ['a\nb', 'c']],
      [3, ['d\ne', 'f']],
      [5, ['g', 'h']],
    ]);
  });

  it('is lenient where exports are sloppy: spaces before a quote, text after it, a quote inside an unquoted value', () => {
    expect(tokenize('a, "b,c" ,d\nab"c,"x"y\n')).toEqual([
      [1, ['a', 'b,c ', 'd']],
      [2, ['ab"c', 'xy']],
    ]);
  });

  it('reads ; and tab files the same way', () => {
    expect(tokenize('a;"b;c";d\n', { delimiter: ';' })).toEqual([[1, ['a', 'b;c', 'd']]]);
    expect(tokenize('a\t"b\tc"\td\n', { delimiter: '\t' })).toEqual([[1, ['a', 'b\tc', 'd']]]);
  });
});

describe('line endings', () => {
  it('ends records at CRLF, LF and a lone CR, mixed in one file', () => {
    expect(tokenize('a,b\r\n1,2\n3,4\r5,6\r\n')).toEqual([
      [1, ['a', 'b']],
      [2, ['1', '2']],
      [3, ['3', '4']],
      [4, ['5', '6']],
    ]);
  });

  it('needs no line break after the last record', () => {
    expect(tokenize('a,b\n1,2')).toEqual(tokenize('a,b\n1,2\n'));
    expect(tokenize('a,b\r\n1,2\r\n')).toEqual([
      [1, ['a', 'b']],
      [2, ['1', '2']],
    ]);
  });

  it('passes a blank line on as one empty field (the file reader skips it)', () => {
    expect(tokenize('a\n\nb\n')).toEqual([
      [1, ['a']],
      [2, ['']],
      [3, ['b']],
    ]);
  });
});

describe('a quote that is never closed', () => {
  it('is an error for its record at the end of the file, and the lines after it are read again', () => {
    expect(tokenize('a,b\n1,"open\n2,3\n')).toEqual([
      [1, ['a', 'b']],
      [2, 'error', 'a quoted value is not closed (its closing " is missing)'],
      [3, ['2', '3']],
    ]);
  });

  it('is cut off at maxRecordChars, so it neither swallows the file nor grows memory', () => {
    const text = `a,b\n1,"never closed ${'x'.repeat(40)}\n2,3\n4,5\n`;
    const expected: Output = [
      [1, ['a', 'b']],
      [2, 'error', 'the record is longer than 30 characters (a quoted value that is never closed?)'],
      [3, ['2', '3']],
      [4, ['4', '5']],
    ];
    expect(tokenize(text, { maxRecordChars: 30 })).toEqual(expected);
    expect(tokenize(text, { maxRecordChars: 30, sizes: [7] })).toEqual(expected);
  });

  it('treats an over-long unquoted line the same way in one piece or many', () => {
    const text = `a\n${'y'.repeat(50)}\nb\n`;
    const expected: Output = [
      [1, ['a']],
      [2, 'error', 'the record is longer than 20 characters (a quoted value that is never closed?)'],
      [3, ['b']],
    ];
    expect(tokenize(text, { maxRecordChars: 20 })).toEqual(expected);
    expect(tokenize(text, { maxRecordChars: 20, sizes: [3] })).toEqual(expected);
  });
});

describe('text arriving in pieces', () => {
  const tricky = 'h1,h2,h3\r\n"a,""b""\r\nc",d,e\r\nf,"",g\rh,i,j\n"k\n",l,"m"\r\n"unclosed,n';
  const whole = tokenize(tricky);

  it('gives the same records whatever the piece sizes (1–3 characters, cycling)', () => {
    for (const sizes of [[1], [2], [3], [1, 2, 3], [3, 1, 2]]) expect(tokenize(tricky, { sizes })).toEqual(whole);
  });

  it('gives the same records for every cut into two pieces (inside quotes, between CR and LF, inside "")', () => {
    for (let cut = 1; cut < tricky.length; cut++) expect(tokenize(tricky, { sizes: [cut, tricky.length] })).toEqual(whole);
  });

  it('reads a piece that starts with a line break the same as the whole text (a LF-only file with blank lines)', () => {
    // A piece starting with LF, with no CR anywhere, once read its whole buffer as one record.
    const lfOnly = 'id,v\n1,a\n\n\n2,"b\n\nc"\n3,c\n';
    const once = tokenize(lfOnly);
    expect(once).toEqual([[1, ['id', 'v']], [2, ['1', 'a']], [3, ['']], [4, ['']], [5, ['2', 'b\n\nc']], [8, ['3', 'c']]]);
    for (let cut = 1; cut < lfOnly.length; cut++) expect(tokenize(lfOnly, { sizes: [cut, lfOnly.length] }), `cut at ${cut}`).toEqual(once);
  });

  it('reads that text as RFC 4180 says', () => {
    expect(whole).toEqual([
      [1, ['h1', 'h2', 'h3']],
      [2, ['a,"b"\nc', 'd', 'e']],
      [4, ['f', '', 'g']],
      [5, ['h', 'i', 'j']],
      [6, ['k\n', 'l', 'm']],
      [8, 'error', 'a quoted value is not closed (its closing " is missing)'],
    ]);
  });
});

describe('detectDelimiter', () => {
  it('takes the commonest of , ; tab outside quotes in the first line', () => {
    expect(detectDelimiter('a;b;c\n1,2;3')).toBe(';');
    expect(detectDelimiter('a\tb\tc')).toBe('\t');
    expect(detectDelimiter('"x;y;z",b,c\n')).toBe(',');
    expect(detectDelimiter('Дата;Расход, USD;Валюта')).toBe(';');
    expect(detectDelimiter('Date, Campaign ID, Campaign, Spend')).toBe(',');
  });

  it('falls back to the comma for a one-column header', () => {
    expect(detectDelimiter('event_id\n')).toBe(',');
  });
});
