import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Sql } from 'postgres';
import { send, sendJson } from './http.ts';
import type { ProjectKeys } from './keys.ts';

/** A service mounted under one URL prefix (`/rest/v1`, `/auth/v1`, …). */
export interface Service {
  handle(req: IncomingMessage, res: ServerResponse, url: URL, path: string): Promise<void>;
}

export interface ServerOptions {
  keys: ProjectKeys;
  services: Record<string, Service>;
  /** Prefixes served without an API key (the health check, the developer outbox). */
  open?: string[];
}

/**
 * Supabase's API gateway in small: it routes by prefix and, like Kong, refuses requests
 * without a valid project API key (`apikey` header or query parameter).
 */
export function createApiServer(options: ServerOptions): Server {
  const validKeys = new Set([options.keys.anonKey, options.keys.serviceRoleKey]);
  const prefixes = Object.keys(options.services).sort((a, b) => b.length - a.length);
  return createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (req.method === 'OPTIONS') {
      send(res, 200, 'ok');
      return;
    }
    if (url.pathname === '/health') {
      sendJson(res, 200, { status: 'ok' });
      return;
    }
    const prefix = prefixes.find((p) => url.pathname === p || url.pathname.startsWith(`${p}/`));
    const service = prefix ? options.services[prefix] : undefined;
    if (!prefix || !service) {
      sendJson(res, 404, { message: 'no Route matched with those values' });
      return;
    }
    const open = options.open?.includes(prefix) ?? false;
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
}

export type { Sql };
