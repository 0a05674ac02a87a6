/**
 * QR codes (ISO/IEC 18004) for the TOTP key URI, made as Supabase Auth makes them: the text's
 * UTF-8 bytes in byte mode, error correction level H, the smallest version that holds them
 * (boombuler/barcode's `qr.Encode(uri, qr.H, qr.Auto)`), drawn as SVG by goqrsvg.
 */

/** Error-correction codewords per block, for level H, by version (index 0 unused). */
const eccPerBlock = [
  0, 17, 28, 22, 16, 22, 28, 26, 26, 24, 28, 24, 28, 22, 24, 24, 30, 28, 28, 26, 28, 30, 24, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30,
  30, 30,
];
/** Error-correction blocks, for level H, by version. */
const blockCount = [
  0, 1, 1, 2, 4, 4, 4, 5, 6, 8, 8, 11, 11, 16, 16, 18, 16, 19, 21, 25, 25, 25, 34, 30, 32, 35, 37, 40, 42, 45, 48, 51, 54, 57, 60, 63, 66, 70, 74, 77, 81,
];
/** Level H's two format-information bits. */
const levelHBits = 2;
const byteModeIndicator = 0b0100;

/** A square of modules, true for dark, indexed [row][column]. */
export type QrMatrix = boolean[][];

/** Modules left for data and error correction once the function patterns are placed. */
function rawDataModules(version: number): number {
  let modules = (16 * version + 128) * version + 64;
  if (version >= 2) {
    const alignments = Math.floor(version / 7) + 2;
    modules -= (25 * alignments - 10) * alignments - 55;
    if (version >= 7) modules -= 36;
  }
  return modules;
}

function dataCodewords(version: number): number {
  return Math.floor(rawDataModules(version) / 8) - (eccPerBlock[version] ?? 0) * (blockCount[version] ?? 0);
}

/** The smallest version holding `byteLength` bytes in byte mode. */
function versionFor(byteLength: number): number {
  for (let version = 1; version <= 40; version += 1) {
    const countBits = version < 10 ? 8 : 16;
    if (4 + countBits + 8 * byteLength <= dataCodewords(version) * 8) return version;
  }
  throw new Error('Text too long for a QR code');
}

/** The data codewords: mode, count, bytes, terminator, then the 0xEC 0x11 pad bytes. */
function dataBytes(bytes: Buffer, version: number): number[] {
  const bits: number[] = [];
  const push = (value: number, length: number) => {
    for (let i = length - 1; i >= 0; i -= 1) bits.push((value >>> i) & 1);
  };
  push(byteModeIndicator, 4);
  push(bytes.length, version < 10 ? 8 : 16);
  for (const byte of bytes) push(byte, 8);
  const capacity = dataCodewords(version) * 8;
  push(0, Math.min(4, capacity - bits.length));
  push(0, (8 - (bits.length % 8)) % 8);
  const codewords: number[] = [];
  for (let i = 0; i < bits.length; i += 8) codewords.push(bits.slice(i, i + 8).reduce((byte, bit) => (byte << 1) | bit, 0));
  for (let pad = 0xec; codewords.length < capacity / 8; pad ^= 0xec ^ 0x11) codewords.push(pad);
  return codewords;
}

/** Multiplication in GF(2^8) with QR's polynomial x^8 + x^4 + x^3 + x^2 + 1. */
function gfMultiply(a: number, b: number): number {
  let product = 0;
  for (let i = 7; i >= 0; i -= 1) {
    product = (product << 1) ^ ((product >>> 7) * 0x11d);
    product ^= ((b >>> i) & 1) * a;
  }
  return product;
}

/** The Reed-Solomon generator polynomial of `degree` (coefficients below the leading 1). */
function generator(degree: number): number[] {
  const coefficients = new Array<number>(degree).fill(0);
  coefficients[degree - 1] = 1;
  let root = 1;
  for (let i = 0; i < degree; i += 1) {
    for (let j = 0; j < degree; j += 1) {
      coefficients[j] = gfMultiply(coefficients[j] ?? 0, root) ^ (coefficients[j + 1] ?? 0);
    }
    root = gfMultiply(root, 0x02);
  }
  return coefficients;
}

/** The error-correction codewords of one block: the remainder of its division by the generator. */
function errorCorrection(data: number[], divisor: number[]): number[] {
  const remainder = new Array<number>(divisor.length).fill(0);
  for (const byte of data) {
    const factor = byte ^ (remainder.shift() ?? 0);
    remainder.push(0);
    divisor.forEach((coefficient, i) => {
      remainder[i] = (remainder[i] ?? 0) ^ gfMultiply(coefficient, factor);
    });
  }
  return remainder;
}

/** Splits the data into blocks, adds each block's error correction, and interleaves them. */
function codewords(data: number[], version: number): number[] {
  const blocks = blockCount[version] ?? 1;
  const ecc = eccPerBlock[version] ?? 0;
  const total = Math.floor(rawDataModules(version) / 8);
  const shortBlocks = blocks - (total % blocks);
  const shortLength = Math.floor(total / blocks) - ecc;
  const divisor = generator(ecc);
  const dataBlocks: number[][] = [];
  const eccBlocks: number[][] = [];
  for (let i = 0, offset = 0; i < blocks; i += 1) {
    const length = shortLength + (i < shortBlocks ? 0 : 1);
    const block = data.slice(offset, offset + length);
    offset += length;
    dataBlocks.push(block);
    eccBlocks.push(errorCorrection(block, divisor));
  }
  const result: number[] = [];
  for (let i = 0; i <= shortLength; i += 1) for (const block of dataBlocks) if (i < block.length) result.push(block[i] ?? 0);
  for (let i = 0; i < ecc; i += 1) for (const block of eccBlocks) result.push(block[i] ?? 0);
  return result;
}

/** Centres of the alignment patterns along each axis. */
function alignmentCentres(version: number): number[] {
  if (version === 1) return [];
  const count = Math.floor(version / 7) + 2;
  const step = version === 32 ? 26 : Math.ceil((version * 4 + 4) / (count * 2 - 2)) * 2;
  const centres = [6];
  for (let position = version * 4 + 10; centres.length < count; position -= step) centres.splice(1, 0, position);
  return centres;
}

/** BCH(15,5) format information: level and mask, with its error correction and XOR mask. */
function formatBits(mask: number): number {
  const data = (levelHBits << 3) | mask;
  let remainder = data;
  for (let i = 0; i < 10; i += 1) remainder = (remainder << 1) ^ ((remainder >>> 9) * 0x537);
  return ((data << 10) | remainder) ^ 0x5412;
}

/** BCH(18,6) version information, for versions 7 and up. */
function versionBits(version: number): number {
  let remainder = version;
  for (let i = 0; i < 12; i += 1) remainder = (remainder << 1) ^ ((remainder >>> 11) * 0x1f25);
  return (version << 12) | remainder;
}

const masks: ((row: number, column: number) => boolean)[] = [
  (r, c) => (r + c) % 2 === 0,
  (r) => r % 2 === 0,
  (_r, c) => c % 3 === 0,
  (r, c) => (r + c) % 3 === 0,
  (r, c) => (Math.floor(r / 2) + Math.floor(c / 3)) % 2 === 0,
  (r, c) => ((r * c) % 2) + ((r * c) % 3) === 0,
  (r, c) => (((r * c) % 2) + ((r * c) % 3)) % 2 === 0,
  (r, c) => (((r + c) % 2) + ((r * c) % 3)) % 2 === 0,
];

/** A symbol under construction: its modules and which of them belong to function patterns. */
class QrSymbol {
  readonly size: number;
  readonly dark: QrMatrix;
  readonly reserved: boolean[][];

  constructor(readonly version: number) {
    this.size = version * 4 + 17;
    this.dark = Array.from({ length: this.size }, () => new Array<boolean>(this.size).fill(false));
    this.reserved = Array.from({ length: this.size }, () => new Array<boolean>(this.size).fill(false));
    this.drawFunctionPatterns();
  }

  /** Sets a function module; those off the symbol (a finder's separator at the edge) are skipped. */
  private set(row: number, column: number, dark: boolean): void {
    const line = this.dark[row];
    const reservedLine = this.reserved[row];
    if (!line || !reservedLine || column < 0 || column >= this.size) return;
    line[column] = dark;
    reservedLine[column] = true;
  }

  private drawFunctionPatterns(): void {
    const last = this.size - 1;
    for (let i = 0; i < this.size; i += 1) {
      this.set(6, i, i % 2 === 0);
      this.set(i, 6, i % 2 === 0);
    }
    for (const [row, column] of [
      [3, 3],
      [3, last - 3],
      [last - 3, 3],
    ] as const) {
      for (let dr = -4; dr <= 4; dr += 1) {
        for (let dc = -4; dc <= 4; dc += 1) {
          const distance = Math.max(Math.abs(dr), Math.abs(dc));
          this.set(row + dr, column + dc, distance !== 2 && distance !== 4);
        }
      }
    }
    const centres = alignmentCentres(this.version);
    for (const row of centres) {
      for (const column of centres) {
        const nearFinder = (row === 6 && column === 6) || (row === 6 && column === centres[centres.length - 1]) || (column === 6 && row === centres[centres.length - 1]);
        if (nearFinder) continue;
        for (let dr = -2; dr <= 2; dr += 1) for (let dc = -2; dc <= 2; dc += 1) this.set(row + dr, column + dc, Math.max(Math.abs(dr), Math.abs(dc)) !== 1);
      }
    }
    this.drawFormat(0);
    if (this.version >= 7) {
      const bits = versionBits(this.version);
      for (let i = 0; i < 18; i += 1) {
        const dark = ((bits >>> i) & 1) === 1;
        this.set(Math.floor(i / 3), last - 10 + (i % 3), dark);
        this.set(last - 10 + (i % 3), Math.floor(i / 3), dark);
      }
    }
  }

  /** Both copies of the format information, and the dark module beside the lower one. */
  drawFormat(mask: number): void {
    const bits = formatBits(mask);
    const bit = (i: number) => ((bits >>> i) & 1) === 1;
    const last = this.size - 1;
    for (let i = 0; i <= 5; i += 1) this.set(i, 8, bit(i));
    this.set(7, 8, bit(6));
    this.set(8, 8, bit(7));
    this.set(8, 7, bit(8));
    for (let i = 9; i < 15; i += 1) this.set(8, 14 - i, bit(i));
    for (let i = 0; i < 8; i += 1) this.set(8, last - i, bit(i));
    for (let i = 8; i < 15; i += 1) this.set(last - 14 + i, 8, bit(i));
    this.set(last - 7, 8, true);
  }

  /** Places the codewords in the zigzag order, from the bottom-right corner, two columns at a time. */
  drawCodewords(data: number[]): void {
    let index = 0;
    for (let right = this.size - 1; right >= 1; right -= 2) {
      if (right === 6) right = 5;
      const upward = ((right + 1) & 2) === 0;
      for (let step = 0; step < this.size; step += 1) {
        const row = upward ? this.size - 1 - step : step;
        for (const column of [right, right - 1]) {
          if (this.reserved[row]?.[column]) continue;
          const byte = data[index >>> 3] ?? 0;
          const line = this.dark[row];
          if (line) line[column] = ((byte >>> (7 - (index & 7))) & 1) === 1;
          index += 1;
        }
      }
    }
  }

  /** Flips the data modules the mask selects (applying it twice undoes it). */
  applyMask(mask: number): void {
    const selects = masks[mask];
    if (!selects) return;
    for (let row = 0; row < this.size; row += 1) {
      const line = this.dark[row];
      for (let column = 0; column < this.size; column += 1) {
        if (line && !this.reserved[row]?.[column] && selects(row, column)) line[column] = !line[column];
      }
    }
  }

  /** The standard's penalty score (runs, 2×2 blocks, finder-like patterns, balance); lower reads better. */
  penalty(): number {
    const lines: boolean[][] = [...this.dark, ...this.dark.map((_, column) => this.dark.map((line) => line[column] ?? false))];
    let score = 0;
    const finderLike = ['10111010000', '00001011101'];
    for (const line of lines) {
      let run = 1;
      for (let i = 1; i <= line.length; i += 1) {
        if (i < line.length && line[i] === line[i - 1]) run += 1;
        else {
          if (run >= 5) score += run - 2;
          run = 1;
        }
      }
      const text = line.map((dark) => (dark ? '1' : '0')).join('');
      for (const pattern of finderLike) for (let at = text.indexOf(pattern); at >= 0; at = text.indexOf(pattern, at + 1)) score += 40;
    }
    for (let row = 0; row + 1 < this.size; row += 1) {
      for (let column = 0; column + 1 < this.size; column += 1) {
        const colour = this.dark[row]?.[column];
        if (this.dark[row]?.[column + 1] === colour && this.dark[row + 1]?.[column] === colour && this.dark[row + 1]?.[column + 1] === colour) score += 3;
      }
    }
    const darkCount = this.dark.reduce((count, line) => count + line.filter(Boolean).length, 0);
    const total = this.size * this.size;
    score += (Math.ceil(Math.abs(darkCount * 20 - total * 10) / total) - 1) * 10;
    return score;
  }
}

/** The modules of the QR code of `text`, with the mask of lowest penalty, as boombuler/barcode picks it. */
export function qrMatrix(text: string): QrMatrix {
  const bytes = Buffer.from(text, 'utf8');
  const version = versionFor(bytes.length);
  const symbol = new QrSymbol(version);
  symbol.drawCodewords(codewords(dataBytes(bytes, version), version));
  let best = { mask: 0, penalty: Number.POSITIVE_INFINITY };
  for (let mask = 0; mask < masks.length; mask += 1) {
    symbol.applyMask(mask);
    symbol.drawFormat(mask);
    const penalty = symbol.penalty();
    if (penalty < best.penalty) best = { mask, penalty };
    symbol.applyMask(mask);
  }
  symbol.applyMask(best.mask);
  symbol.drawFormat(best.mask);
  return symbol.dark;
}

/** goqrsvg's block size as GoTrue sets it (DefaultQRSize). */
const blockSize = 3;
/** The quiet zone, in blocks, that goqrsvg leaves around the code. */
const quietZone = 4;

/**
 * The QR code of `text` as the SVG document GoTrue returns in `totp.qr_code` (SVGo's header,
 * one 3×3 `rect` per module, dark and light, inside a 4-module quiet zone left blank);
 * auth-js turns it into a `data:image/svg+xml;utf-8,` URI.
 */
export function qrSvg(text: string): string {
  const matrix = qrMatrix(text);
  const width = (matrix.length + 2 * quietZone) * blockSize;
  const rects = matrix.flatMap((line, row) =>
    line.map(
      (dark, column) =>
        `<rect x="${(quietZone + column) * blockSize}" y="${(quietZone + row) * blockSize}" width="${blockSize}" height="${blockSize}" style="fill:${dark ? 'black' : 'white'};stroke:none" />\n`,
    ),
  );
  return (
    `<?xml version="1.0"?>\n<!-- Generated by SVGo -->\n<svg width="${width}" height="${width}"\n` +
    `     xmlns="http://www.w3.org/2000/svg"\n     xmlns:xlink="http://www.w3.org/1999/xlink">\n${rects.join('')}</svg>\n`
  );
}
