import { execFileSync } from 'node:child_process';
import { createPublicKey, randomBytes, verify } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * A local push service (RFC 8030) for Web Push tests: the browsers' services (FCM, Mozilla
 * autopush, Apple) cannot be reached from here. Over HTTPS, as every endpoint is, with a
 * certificate of its own CA (`caFile`, for DENO_CERT). It checks a message as they document
 * it — VAPID (RFC 8292: an ES256 JWT verified with `k`, `aud` its origin, `exp` within 24 h,
 * `k` the key the subscription was made with), TTL, Content-Encoding aes128gcm, at most 4096
 * bytes — and answers in autopush's error format ({code, errno, error, message}): 201 with a
 * Location; on demand 404/410 (unsubscribed), 429 with Retry-After, 413, 5xx.
 */

export interface PushedMessage {
  subscription: string;
  headers: Record<string, string | undefined>;
  body: Buffer;
  /** The VAPID JWT's claims, verified. */
  claims: { aud: string; exp: number; sub: string };
  at: number;
}

/** A refusal the push service documents; anything else in `answers` is taken as given. */
interface Planned {
  status: number;
  retryAfter?: string;
}

/** Verifies `Authorization: vapid t=<jwt>, k=<key>` (RFC 8292 §3) and answers the claims, or why it is refused. */
export function verifyVapid(authorization: string | undefined, audience: string, nowSeconds = Math.floor(Date.now() / 1000)): { claims: PushedMessage['claims']; key: string } | string {
  const match = /^vapid t=([A-Za-z0-9_-]+)\.([A-Za-z0-9_-]+)\.([A-Za-z0-9_-]+), k=([A-Za-z0-9_-]+)$/.exec(authorization ?? '');
  if (!match) return 'Missing or malformed VAPID Authorization';
  const [, header, payload, signature, key] = match as unknown as [string, string, string, string, string];
  const point = Buffer.from(key, 'base64url');
  if (point.length !== 65 || point[0] !== 4) return 'k is not a P-256 public key';
  const publicKey = createPublicKey({ key: { kty: 'EC', crv: 'P-256', x: point.subarray(1, 33).toString('base64url'), y: point.subarray(33).toString('base64url') }, format: 'jwk' });
  const head = JSON.parse(Buffer.from(header, 'base64url').toString()) as { alg?: string };
  if (head.alg !== 'ES256') return `alg ${head.alg} is not ES256`;
  if (!verify('sha256', Buffer.from(`${header}.${payload}`), { key: publicKey, dsaEncoding: 'ieee-p1363' }, Buffer.from(signature, 'base64url'))) return 'The JWT signature does not verify with k';
  const claims = JSON.parse(Buffer.from(payload, 'base64url').toString()) as PushedMessage['claims'];
  if (claims.aud !== audience) return `aud ${claims.aud} is not ${audience}`;
  if (typeof claims.exp !== 'number' || claims.exp <= nowSeconds || claims.exp > nowSeconds + 24 * 3600) return 'exp is not within the next 24 hours';
  if (!/^(mailto:|https:)/.test(claims.sub ?? '')) return 'sub is not a mailto: or https: contact';
  return { claims, key };
}

/** A CA and a certificate for 127.0.0.1 signed by it (a self-signed leaf is refused by rustls as a CA used as an end entity). */
function makeCertificate(dir: string): { key: Buffer; cert: Buffer; caFile: string } {
  const openssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  openssl('req', '-x509', ...ec, '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '30', '-subj', '/CN=ArbiDesk test push CA', '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign');
  openssl('req', ...ec, '-keyout', 'leaf.key', '-out', 'leaf.csr', '-subj', '/CN=127.0.0.1');
  writeFileSync(join(dir, 'leaf.ext'), 'subjectAltName=IP:127.0.0.1,DNS:localhost\nbasicConstraints=CA:FALSE\nkeyUsage=digitalSignature\nextendedKeyUsage=serverAuth\n');
  openssl('x509', '-req', '-in', 'leaf.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'leaf.pem', '-days', '30', '-extfile', 'leaf.ext');
  return { key: readFileSync(join(dir, 'leaf.key')), cert: readFileSync(join(dir, 'leaf.pem')), caFile: join(dir, 'ca.pem') };
}

export class PushServiceFake {
  readonly messages: PushedMessage[] = [];
  /** Every request, accepted or not. */
  readonly requests: { subscription: string; status: number }[] = [];
  private readonly subscriptions = new Map<string, string>();
  private readonly planned = new Map<string, Planned[]>();
  private readonly gone = new Set<string>();
  private server?: Server;
  private dir = '';
  caFile = '';

  get origin(): string {
    return `https://127.0.0.1:${(this.server?.address() as AddressInfo).port}`;
  }

  /** A browser subscribes with the application server's key: the endpoint it gets. */
  subscribe(applicationServerKey: string): string {
    const id = randomBytes(12).toString('base64url');
    this.subscriptions.set(id, applicationServerKey);
    return `${this.origin}/wpush/v2/${id}`;
  }

  /** The browser unsubscribed (or the subscription expired): 410 Gone from now on. */
  unsubscribe(endpoint: string): this {
    this.gone.add(this.idOf(endpoint));
    return this;
  }

  /** The next requests for `endpoint` are answered with these statuses, in turn. */
  plan(endpoint: string, ...answers: Planned[]): this {
    this.planned.set(this.idOf(endpoint), [...(this.planned.get(this.idOf(endpoint)) ?? []), ...answers]);
    return this;
  }

  messagesTo(endpoint: string): PushedMessage[] {
    return this.messages.filter((m) => m.subscription === this.idOf(endpoint));
  }

  private idOf(endpoint: string): string {
    return endpoint.split('/').pop() ?? '';
  }

  async start(): Promise<void> {
    this.dir = mkdtempSync(join(tmpdir(), 'push-fake-'));
    const { key, cert, caFile } = makeCertificate(this.dir);
    this.caFile = caFile;
    this.server = createServer({ key, cert }, (req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const id = (req.url ?? '').split('/').pop() ?? '';
        const answer = this.answer(req.method ?? '', req.url ?? '', req.headers as Record<string, string | undefined>, Buffer.concat(chunks), id);
        this.requests.push({ subscription: id, status: answer.status });
        res.writeHead(answer.status, answer.headers);
        res.end(answer.body);
      });
    });
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => this.server?.close(() => resolve()) ?? resolve());
    rmSync(this.dir, { recursive: true, force: true });
  }

  private answer(method: string, path: string, headers: Record<string, string | undefined>, body: Buffer, id: string): { status: number; headers: Record<string, string>; body?: string } {
    const error = (code: number, errno: number, message: string, extra: Record<string, string> = {}) => ({
      status: code,
      headers: { 'content-type': 'application/json', ...extra },
      body: JSON.stringify({ code, errno, error: httpReason[code] ?? 'Error', message }),
    });
    if (method !== 'POST' || !/^\/wpush\/v2\/[A-Za-z0-9_-]+$/.test(path)) return error(404, 102, 'Request did not validate invalid token');
    const applicationServerKey = this.subscriptions.get(id);
    if (!applicationServerKey || this.gone.has(id)) return error(410, 106, 'Request did not validate: subscription expired or unsubscribed');
    const vapid = verifyVapid(headers.authorization, this.origin);
    if (typeof vapid === 'string') return error(401, 109, `Request did not validate: ${vapid}`);
    if (vapid.key !== applicationServerKey) return error(403, 109, 'Request did not validate: the VAPID key is not the one the subscription was made with');
    if (headers.ttl === undefined || !/^\d+$/.test(headers.ttl)) return error(400, 111, 'Missing TTL header');
    if (headers['content-encoding'] !== 'aes128gcm') return error(400, 110, `Unknown Content-Encoding: ${headers['content-encoding']}`);
    if (headers.topic !== undefined && !/^[A-Za-z0-9_-]{1,32}$/.test(headers.topic)) return error(400, 113, 'Topic must be at most 32 base64url characters');
    if (body.length > 4096) return error(413, 104, 'Payload too large');
    const planned = this.planned.get(id)?.shift();
    if (planned) return error(planned.status, 999, `Planned ${planned.status}`, planned.retryAfter ? { 'retry-after': planned.retryAfter } : {});
    this.messages.push({ subscription: id, headers, body, claims: vapid.claims, at: Date.now() });
    return { status: 201, headers: { location: `${this.origin}/m/${randomBytes(8).toString('base64url')}`, ttl: headers.ttl } };
  }
}

const httpReason: Record<number, string> = { 400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found', 410: 'Gone', 413: 'Payload Too Large', 429: 'Too Many Requests', 500: 'Internal Server Error', 503: 'Service Unavailable' };
