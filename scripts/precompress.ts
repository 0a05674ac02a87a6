import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { extname, join, resolve } from 'node:path';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import type { Plugin } from 'vite';

/**
 * Brotli and gzip copies of the built app's text files, made once at build time at the
 * highest levels (too slow per request, free once), so the app's server sends `x.js.br` or
 * `x.js.gz` to a browser that accepts it, as any production host does. A copy that saves
 * less than a tenth is not kept: the original is served.
 */

const compressible = new Set(['.js', '.mjs', '.css', '.html', '.svg', '.json', '.webmanifest', '.txt']);
const minBytes = 1024;

function* files(dir: string): Generator<string> {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* files(path);
    else if (entry.isFile()) yield path;
  }
}

export interface PrecompressSummary {
  files: number;
  bytes: number;
  brotliBytes: number;
  gzipBytes: number;
}

export function precompress(dir: string): PrecompressSummary {
  const summary: PrecompressSummary = { files: 0, bytes: 0, brotliBytes: 0, gzipBytes: 0 };
  for (const path of files(dir)) {
    if (!compressible.has(extname(path)) || statSync(path).size < minBytes) continue;
    const source = readFileSync(path);
    const brotli = brotliCompressSync(source, {
      params: { [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY, [constants.BROTLI_PARAM_SIZE_HINT]: source.length },
    });
    const gzip = gzipSync(source, { level: 9 });
    summary.files += 1;
    summary.bytes += source.length;
    if (brotli.length < source.length * 0.9) {
      writeFileSync(`${path}.br`, brotli);
      summary.brotliBytes += brotli.length;
    }
    if (gzip.length < source.length * 0.9) {
      writeFileSync(`${path}.gz`, gzip);
      summary.gzipBytes += gzip.length;
    }
  }
  return summary;
}

/** Runs after every other plugin has written its files (the service worker included). */
export function precompressPlugin(): Plugin {
  let outDir = '';
  return {
    name: 'arbidesk-precompress',
    apply: 'build',
    enforce: 'post',
    configResolved(config) {
      outDir = resolve(config.root, config.build.outDir);
    },
    closeBundle: {
      order: 'post',
      handler() {
        precompress(outDir);
      },
    },
  };
}
