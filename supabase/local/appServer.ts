import { createReadStream, existsSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, resolve, sep } from 'node:path';
import { appDistDir, ensureAppBuilt } from './appBuild.ts';

/** The API the app talks to, handed to it at run time as /config.json. */
export interface AppApi {
  apiUrl: string;
  anonKey: string;
  /** The project's VAPID public key, for the app's Web Push subscriptions. */
  vapidPublicKey?: string;
}

/** The body of /config.json, in the shape app/lib/config.ts reads. */
export function appConfigJson(api: AppApi): string {
  return JSON.stringify({ supabaseUrl: api.apiUrl, supabaseAnonKey: api.anonKey, ...(api.vapidPublicKey ? { vapidPublicKey: api.vapidPublicKey } : {}) });
}

const contentTypes: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.webmanifest': 'application/manifest+json',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
  '.woff2': 'font/woff2',
};

/** Hashed assets never change; the entry points and the service worker must be revalidated. */
function cacheControl(path: string): string {
  return path.startsWith(`${sep}assets${sep}`) ? 'public, max-age=31536000, immutable' : 'no-cache';
}

/** A copy made from the file as it is now: one older than its file (the file replaced after the build) is not served. */
function freshCopy(file: string, suffix: string): boolean {
  const copy = `${file}${suffix}`;
  return existsSync(copy) && statSync(copy).mtimeMs >= statSync(file).mtimeMs;
}

/**
 * The precompressed copy (scripts/precompress.ts) the browser accepts, brotli before gzip, or
 * none. A coding listed with q=0 is refused, as RFC 9110 §12.5.3 says.
 */
export function chooseEncoding(acceptEncoding: string | undefined, file: string): { suffix: string; coding: string } | undefined {
  const accepted = new Map<string, number>();
  for (const part of (acceptEncoding ?? '').split(',')) {
    const [name = '', ...params] = part.trim().toLowerCase().split(';');
    const q = params.map((p) => /^\s*q=([\d.]+)\s*$/.exec(p)?.[1]).find((v) => v !== undefined);
    if (name) accepted.set(name, q === undefined ? 1 : Number(q));
  }
  const wants = (coding: string) => (accepted.get(coding) ?? (accepted.has('*') ? accepted.get('*')! : 0)) > 0;
  if (wants('br') && freshCopy(file, '.br')) return { suffix: '.br', coding: 'br' };
  if (wants('gzip') && freshCopy(file, '.gz')) return { suffix: '.gz', coding: 'gzip' };
  return undefined;
}

export interface AppServer {
  url: string;
  server: Server;
  close(): Promise<void>;
}

export interface AppServerOptions {
  api: AppApi;
  port?: number;
  host?: string;
  distDir?: string;
}

/**
 * A static server for the built app: files from app/dist (their brotli or gzip copy when the
 * browser accepts one), index.html for any other path (client-side routes such as
 * /invite/<token>), and /config.json naming the API.
 */
export async function startAppServer(options: AppServerOptions): Promise<AppServer> {
  const root = resolve(options.distDir ?? appDistDir);
  const config = appConfigJson(options.api);
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD' }).end();
      return;
    }
    if (url.pathname === '/config.json') {
      res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' }).end(req.method === 'HEAD' ? undefined : config);
      return;
    }
    let relative: string;
    try {
      relative = decodeURIComponent(url.pathname);
    } catch {
      res.writeHead(400).end();
      return;
    }
    let file = resolve(join(root, relative));
    const inside = file.startsWith(root + sep);
    if (!inside || !existsSync(file) || !statSync(file).isFile()) {
      // Unknown files with an extension are real 404s; anything else is a route of the app.
      if (extname(relative) && relative !== '/index.html') {
        res.writeHead(404, { 'content-type': 'text/plain' }).end('Not found');
        return;
      }
      file = join(root, 'index.html');
    }
    const path = file.slice(root.length);
    const encoding = chooseEncoding(req.headers['accept-encoding'], file);
    const sent = encoding ? file + encoding.suffix : file;
    res.writeHead(200, {
      'content-type': contentTypes[extname(file)] ?? 'application/octet-stream',
      'cache-control': cacheControl(path),
      'content-length': statSync(sent).size,
      ...(encoding ? { 'content-encoding': encoding.coding } : {}),
      // Caches keep one copy per coding (and the plain one for clients that accept none).
      ...(existsSync(`${file}.br`) || existsSync(`${file}.gz`) ? { vary: 'Accept-Encoding' } : {}),
      // The service worker may control the whole origin from /sw.js.
      'service-worker-allowed': '/',
    });
    if (req.method === 'HEAD') res.end();
    else createReadStream(sent).pipe(res);
  });
  await new Promise<void>((resolveListen, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolveListen());
  });
  const address = server.address() as AddressInfo;
  return {
    url: `http://${address.address}:${address.port}`,
    server,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

/**
 * What `npm start` does for the app: builds app/dist when it is missing or older than its
 * sources, then serves it on APP_PORT (5173). A failure is reported and the stack runs on
 * without the app.
 */
export async function serveApp(api: AppApi, log: (line: string) => void): Promise<AppServer | undefined> {
  try {
    await ensureAppBuilt(log);
    return await startAppServer({ api, port: Number(process.env.APP_PORT ?? 5173), host: process.env.API_HOST ?? '127.0.0.1' });
  } catch (error) {
    log(`The app is not served: ${error instanceof Error ? error.message : String(error)}`);
    return undefined;
  }
}
