import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { BlockList } from 'node:net';
import type { Duplex } from 'node:stream';
import { clientAddress } from './clientAddress.ts';
import { send, sendJson } from './http.ts';
import type { ProjectKeys } from './keys.ts';

/** A service mounted under one URL prefix (`/rest/v1`, `/auth/v1`, …). */
export interface Service {
  handle(req: IncomingMessage, res: ServerResponse, url: URL, path: string): Promise<void>;
}

/** A WebSocket endpoint (realtime) that takes over the upgraded connection. */
export interface UpgradeService {
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer, url: URL): void;
}

/** A path served without an API key for some methods only. */
export interface OpenPath {
  path: string;
  methods: string[];
}

export interface ServerOptions {
  keys: ProjectKeys;
  services: Record<string, Service>;
  /** WebSocket endpoints by path prefix; the API key is checked as for HTTP. */
  upgrades?: Record<string, UpgradeService>;
  /**
   * Paths (and everything under them) served without an API key, as Supabase's gateway serves
   * them; for only some methods when they are listed (signed URLs are GET, signed uploads PUT).
   */
  open?: (string | OpenPath)[];
  /** Paths whose service answers OPTIONS itself (tus announces its version there), preflights included. */
  answersOptions?: string[];
  /** Proxies whose X-Forwarded-For is believed (see clientAddress.ts); none by default. */
  trustedProxies?: BlockList;
}

/**
 * The gateway decides who the client is, once: the services behind it (per-IP limits, the
 * address kept on a session, functions) read X-Forwarded-For, which holds only that address.
 */
function vouchForClient(req: IncomingMessage, proxies: BlockList): void {
  req.headers['x-forwarded-for'] = clientAddress(req.socket.remoteAddress, req.headers['x-forwarded-for'], proxies);
}

function under(pathname: string, prefix: string): boolean {
  return pathname === prefix || pathname.startsWith(`${prefix}/`);
}

/**
 * Supabase's API gateway in small: it routes by prefix and, like Kong, refuses requests
 * without a valid project API key (`apikey` header or query parameter).
 */
export function createApiServer(options: ServerOptions): Server {
  const validKeys = new Set([options.keys.anonKey, options.keys.serviceRoleKey]);
  const proxies = options.trustedProxies ?? new BlockList();
  const prefixes = Object.keys(options.services).sort((a, b) => b.length - a.length);
  const server = createServer((req, res) => {
    vouchForClient(req, proxies);
    const url = new URL(req.url ?? '/', 'http://localhost');
    // A CORS preflight carries no API key: the gateway answers it, or hands it on untouched.
    const preflight = req.method === 'OPTIONS';
    if (preflight && !options.answersOptions?.some((p) => under(url.pathname, p))) {
      send(res, 200, 'ok');
      return;
    }
    if (url.pathname === '/health') {
      sendJson(res, 200, { status: 'ok' });
      return;
    }
    const prefix = prefixes.find((p) => under(url.pathname, p));
    const service = prefix ? options.services[prefix] : undefined;
    if (!prefix || !service) {
      sendJson(res, 404, { message: 'no Route matched with those values' });
      return;
    }
    const open =
      preflight ||
      (options.open?.some((p) => (typeof p === 'string' ? under(url.pathname, p) : under(url.pathname, p.path) && p.methods.includes(req.method ?? ''))) ?? false);
    const apikey = (req.headers.apikey as string | undefined) ?? url.searchParams.get('apikey') ?? undefined;
    if (!open && !apikey) {
      sendJson(res, 401, { message: 'No API key found in request', hint: 'No `apikey` request header or url param was found.' });
      return;
    }
    if (!open && apikey && !validKeys.has(apikey)) {
      sendJson(res, 401, { message: 'Invalid API key', hint: 'Double check your Supabase `anon` or `service_role` API key.' });
      return;
    }
    service.handle(req, res, url, url.pathname.slice(prefix.length)).catch((error: unknown) => {
      console.error(`[api] ${req.method} ${url.pathname}:`, error);
      sendJson(res, 500, { code: 'PGRST000', message: 'Internal server error', details: null, hint: null });
    });
  });
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    vouchForClient(req, proxies);
    const url = new URL(req.url ?? '/', 'http://localhost');
    const prefix = Object.keys(options.upgrades ?? {}).find((p) => under(url.pathname, p));
    const service = prefix ? options.upgrades?.[prefix] : undefined;
    const apikey = (req.headers.apikey as string | undefined) ?? url.searchParams.get('apikey') ?? undefined;
    if (!service || !apikey || !validKeys.has(apikey)) {
      socket.end(`HTTP/1.1 ${service ? '401 Unauthorized' : '404 Not Found'}\r\nconnection: close\r\n\r\n`);
      return;
    }
    service.handleUpgrade(req, socket, head, url);
  });
  return server;
}

