import { appendFileSync, cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, utimesSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { request } from 'node:http';
import { join } from 'node:path';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appDistDir } from '../../supabase/local/appBuild.ts';
import { startAppServer, type AppServer } from '../../supabase/local/appServer.ts';
import { serveTestApp } from '../support/appServer.ts';
import { stack } from '../support/clients.ts';

/**
 * The app's own server sends the build's brotli or gzip copy to a browser that accepts it,
 * with long cache lifetimes for hashed assets, as a production host does (#16: the first load
 * was 1.29 MB of uncompressed JavaScript). Raw HTTP, so nothing decompresses behind our back.
 */

let app: AppServer;

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

function get(path: string, acceptEncoding?: string): Promise<Answer> {
  return fetchRaw(`${app.url}${path}`, acceptEncoding);
}

function fetchRaw(url: string, acceptEncoding?: string): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(url, { headers: acceptEncoding === undefined ? {} : { 'accept-encoding': acceptEncoding } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
    req.end();
  });
}

/** The biggest script of the build: the one a first load pays most for. */
function biggestScript(): string {
  const scripts = readdirSync(join(appDistDir, 'assets')).filter((f) => f.endsWith('.js'));
  const sized = scripts.map((f) => ({ f, size: readFileSync(join(appDistDir, 'assets', f)).length })).sort((a, b) => b.size - a.size);
  return `/assets/${sized[0]!.f}`;
}

beforeAll(async () => {
  app = await serveTestApp(stack);
}, 240_000);

afterAll(async () => {
  await app?.close();
});

describe('the app server\'s compression', () => {
  it('sends brotli to a browser that accepts it, gzip to one that accepts only gzip, the file itself to one that accepts neither — the same bytes each time', async () => {
    const script = biggestScript();
    const plain = await get(script);
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(plain.headers.vary).toBe('Accept-Encoding');

    const br = await get(script, 'gzip, deflate, br, zstd');
    expect(br.headers['content-encoding']).toBe('br');
    expect(Number(br.headers['content-length'])).toBe(br.body.length);
    expect(br.body.length).toBeLessThan(plain.body.length / 3);
    expect(brotliDecompressSync(br.body).equals(plain.body)).toBe(true);

    const gz = await get(script, 'gzip');
    expect(gz.headers['content-encoding']).toBe('gzip');
    expect(gunzipSync(gz.body).equals(plain.body)).toBe(true);
  });

  it('honours q=0 as a refusal and compresses the entry page and the service worker, which stay revalidated', async () => {
    expect((await get(biggestScript(), 'br;q=0, gzip;q=0.5')).headers['content-encoding']).toBe('gzip');
    expect((await get(biggestScript(), 'identity')).headers['content-encoding']).toBeUndefined();
    const page = await get('/app/summary', 'br');
    expect(page.headers['content-encoding']).toBe('br');
    expect(page.headers['cache-control']).toBe('no-cache');
    expect(brotliDecompressSync(page.body).toString()).toContain('<div id="root"');
    const worker = await get('/sw.js', 'gzip');
    expect(worker.headers['content-encoding']).toBe('gzip');
    expect(worker.headers['cache-control']).toBe('no-cache');
  });

  it('sends the file itself once it is newer than its copies (replaced after the build)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'arbidesk-dist-'));
    cpSync(appDistDir, dir, { recursive: true });
    const copy = await startAppServer({ api: { apiUrl: stack.apiUrl, anonKey: stack.anonKey }, distDir: dir });
    try {
      const later = new Date(Date.now() + 60_000);
      appendFileSync(join(dir, 'sw.js'), '\n// next release\n');
      utimesSync(join(dir, 'sw.js'), later, later);
      const answer = await fetchRaw(`${copy.url}/sw.js`, 'br, gzip');
      expect(answer.headers['content-encoding']).toBeUndefined();
      expect(answer.body.toString()).toContain('// next release');
    } finally {
      await copy.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
