import { generateKeyPairSync, randomBytes, verify, type KeyObject } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A local stand-in for the three Google endpoints native push uses, which cannot be reached
 * from here. Each checks what Google checks and answers in Google's documented formats:
 * - the OAuth token endpoint (https://developers.google.com/identity/protocols/oauth2/service-account#httprest):
 *   the JWT-bearer grant, the assertion's RS256 signature against the service account's public
 *   key, iss, aud, scope, iat/exp (at most an hour, not expired); {access_token, expires_in,
 *   token_type} or {error, error_description};
 * - FCM HTTP v1 messages:send (https://firebase.google.com/docs/reference/fcm/rest/v1/projects.messages/send):
 *   the Bearer token, the project, the message's shape (a token, string-only data); {name},
 *   or a google.rpc.Status with FcmError details
 *   (https://firebase.google.com/docs/cloud-messaging/error-codes): UNREGISTERED 404,
 *   INVALID_ARGUMENT 400, SENDER_ID_MISMATCH 403, QUOTA_EXCEEDED 429 with Retry-After,
 *   UNAVAILABLE 503, THIRD_PARTY_AUTH_ERROR 401, UNAUTHENTICATED 401 for an expired token;
 * - Instance ID batchImport (https://developers.google.com/instance-id/reference/server#create_registration_tokens_for_apns_tokens):
 *   Bearer with access_token_auth: true, {application, sandbox, apns_tokens} →
 *   {results: [{apns_token, status, registration_token?}]}.
 */

export interface TestServiceAccount {
  type: 'service_account';
  project_id: string;
  client_email: string;
  private_key: string;
  token_uri: string;
}

export interface DeliveredPush {
  token: string;
  message: Record<string, unknown>;
}

interface Answer {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

export type DeviceState = 'ok' | 'unregistered' | 'other-sender' | 'apns-auth';

const fcmScope = 'https://www.googleapis.com/auth/firebase.messaging';
const jwtBearer = 'urn:ietf:params:oauth:grant-type:jwt-bearer';

/** A google.rpc.Status error body as FCM sends it. */
function rpcError(code: number, status: string, message: string, errorCode?: string, extra: unknown[] = []): Answer {
  const details = [...(errorCode ? [{ '@type': 'type.googleapis.com/google.firebase.fcm.v1.FcmError', errorCode }] : []), ...extra];
  return { status: code, body: { error: { code, message, status, ...(details.length ? { details } : {}) } } };
}

function decodeSegment(segment: string): Record<string, unknown> | undefined {
  try {
    return JSON.parse(Buffer.from(segment, 'base64url').toString('utf8')) as Record<string, unknown>;
  } catch {
    return undefined;
  }
}

export class FcmFake {
  readonly delivered: DeliveredPush[] = [];
  /** Every assertion the token endpoint granted. */
  tokenGrants = 0;
  readonly imports: { application: unknown; sandbox: unknown; apns_tokens: unknown }[] = [];
  /** Seconds a QUOTA_EXCEEDED answer asks to wait: unlike the outbox's first back-off (30 s), so a test tells them apart. */
  readonly retryAfterSeconds = 120;
  private readonly publicKeys = new Map<string, KeyObject>();
  private readonly accessTokens = new Map<string, { clientEmail: string; expiresAt: number }>();
  private readonly devices = new Map<string, DeviceState>();
  private readonly apnsTokens = new Map<string, string>();
  private readonly quota = new Map<string, number>();
  private unavailableFor = 0;
  private server?: Server;

  constructor(private readonly projectId: string, private readonly bundleId: string) {}

  get url(): string {
    return `http://127.0.0.1:${(this.server?.address() as AddressInfo).port}`;
  }

  get tokenUri(): string {
    return `${this.url}/token`;
  }

  /** A service account of the project with a fresh RSA key; its public key is what the token endpoint trusts. */
  serviceAccount(name = 'notify'): TestServiceAccount {
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const clientEmail = `${name}@${this.projectId}.iam.gserviceaccount.com`;
    this.publicKeys.set(clientEmail, publicKey);
    return {
      type: 'service_account',
      project_id: this.projectId,
      client_email: clientEmail,
      private_key: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
      token_uri: this.tokenUri,
    };
  }

  /**
   * A registration token and what FCM answers for it: `ok` (an installed app), `unregistered`
   * (uninstalled: UNREGISTERED), `other-sender` (another Firebase project's: SENDER_ID_MISMATCH),
   * `apns-auth` (an iPhone while Firebase has no valid APNs key: THIRD_PARTY_AUTH_ERROR).
   */
  device(token: string, state: DeviceState = 'ok'): this {
    this.devices.set(token, state);
    return this;
  }

  /** An iPhone's APNs token, which batchImport maps to `registrationToken` (then a device). */
  iphone(apnsToken: string, registrationToken: string): this {
    this.apnsTokens.set(apnsToken, registrationToken);
    return this;
  }

  /** The next `times` sends to `token` are over quota: 429 QUOTA_EXCEEDED with Retry-After. */
  overQuota(token: string, times = 1): this {
    this.quota.set(token, times);
    return this;
  }

  /** The next `times` sends answer 503 UNAVAILABLE. */
  unavailable(times: number): this {
    this.unavailableFor = times;
    return this;
  }

  /** Every access token granted so far expires now (Google may end one before its hour). */
  expireAccessTokens(): this {
    for (const grant of this.accessTokens.values()) grant.expiresAt = 0;
    return this;
  }

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      let body = '';
      req.setEncoding('utf8');
      req.on('data', (chunk) => (body += chunk));
      req.on('end', () => {
        const answer = this.answer(req.method ?? '', req.url ?? '', req.headers, body);
        res.writeHead(answer.status, { 'content-type': 'application/json; charset=UTF-8', ...answer.headers });
        res.end(JSON.stringify(answer.body));
      });
    });
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => this.server?.close(() => resolve()) ?? resolve());
  }

  private answer(method: string, path: string, headers: IncomingHttpHeaders, body: string): Answer {
    if (method === 'POST' && path === '/token') return this.grant(headers, body);
    const send = /^\/v1\/projects\/([^/]+)\/messages:send$/.exec(path);
    if (method === 'POST' && send) return this.send(decodeURIComponent(send[1]!), headers, body);
    if (method === 'POST' && path === '/iid/v1:batchImport') return this.batchImport(headers, body);
    return rpcError(404, 'NOT_FOUND', `The requested URL ${path} was not found on this server.`);
  }

  private grant(headers: IncomingHttpHeaders, body: string): Answer {
    const oauthError = (error: string, description: string, status = 400): Answer => ({ status, body: { error, error_description: description } });
    if (!String(headers['content-type']).startsWith('application/x-www-form-urlencoded')) return oauthError('invalid_request', 'Required parameter is missing: grant_type');
    const form = new URLSearchParams(body);
    if (form.get('grant_type') !== jwtBearer) return oauthError('unsupported_grant_type', `Invalid grant_type: ${form.get('grant_type') ?? ''}`);
    const [header, claims, signature] = (form.get('assertion') ?? '').split('.');
    const head = header ? decodeSegment(header) : undefined;
    const payload = claims ? decodeSegment(claims) : undefined;
    if (!head || !payload || !signature) return oauthError('invalid_grant', 'Invalid JWT: the assertion is not a signed JWT.');
    if (head.alg !== 'RS256') return oauthError('invalid_grant', 'Invalid JWT: the algorithm must be RS256.');
    const key = this.publicKeys.get(String(payload.iss));
    if (!key) return oauthError('invalid_grant', 'Invalid grant: account not found');
    if (!verify('RSA-SHA256', Buffer.from(`${header}.${claims}`), key, Buffer.from(signature, 'base64url'))) {
      return oauthError('invalid_grant', 'Invalid JWT Signature.');
    }
    if (payload.aud !== this.tokenUri) return oauthError('invalid_grant', `Invalid JWT: Failed audience check. The right audience is ${this.tokenUri}`);
    const now = Math.floor(Date.now() / 1000);
    const iat = Number(payload.iat);
    const exp = Number(payload.exp);
    if (!Number.isInteger(iat) || !Number.isInteger(exp) || exp <= now || iat > now + 60 || exp - iat > 3600) {
      return oauthError('invalid_grant', 'Invalid JWT: Token must be a short-lived token (60 minutes) and in a reasonable timeframe. Check your iat and exp values in the JWT claim.');
    }
    if (!String(payload.scope ?? '').split(' ').includes(fcmScope)) return oauthError('invalid_scope', 'Invalid OAuth scope or ID token audience provided.');
    const accessToken = `ya29.${randomBytes(24).toString('base64url')}`;
    this.accessTokens.set(accessToken, { clientEmail: String(payload.iss), expiresAt: Date.now() + 3599_000 });
    this.tokenGrants += 1;
    return { status: 200, body: { access_token: accessToken, expires_in: 3599, token_type: 'Bearer' } };
  }

  private authorised(headers: IncomingHttpHeaders): boolean {
    const match = /^Bearer (\S+)$/.exec(headers.authorization ?? '');
    const grant = match ? this.accessTokens.get(match[1]!) : undefined;
    return grant !== undefined && grant.expiresAt > Date.now();
  }

  private send(projectId: string, headers: IncomingHttpHeaders, body: string): Answer {
    if (!this.authorised(headers)) {
      return rpcError(401, 'UNAUTHENTICATED',
        'Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential. See https://developers.google.com/identity/sign-in/web/devconsole-project.',
        undefined, [{ '@type': 'type.googleapis.com/google.rpc.ErrorInfo', reason: 'ACCESS_TOKEN_EXPIRED', domain: 'googleapis.com' }]);
    }
    if (projectId !== this.projectId) {
      return rpcError(403, 'PERMISSION_DENIED', `Permission 'cloudmessaging.messages.create' denied on resource '//cloudresourcemanager.googleapis.com/projects/${projectId}' (or it may not exist).`);
    }
    let message: Record<string, unknown>;
    try {
      message = (JSON.parse(body) as { message?: Record<string, unknown> }).message ?? {};
    } catch {
      return rpcError(400, 'INVALID_ARGUMENT', 'Invalid JSON payload received.');
    }
    const invalidField = this.invalidField(message);
    if (invalidField) {
      return rpcError(400, 'INVALID_ARGUMENT', `Invalid value at '${invalidField}'`, undefined,
        [{ '@type': 'type.googleapis.com/google.rpc.BadRequest', fieldViolations: [{ field: invalidField, description: `Invalid value at '${invalidField}'` }] }]);
    }
    const token = String(message.token);
    if (this.unavailableFor > 0) {
      this.unavailableFor -= 1;
      return rpcError(503, 'UNAVAILABLE', 'The service is currently unavailable.', 'UNAVAILABLE');
    }
    const overQuota = this.quota.get(token) ?? 0;
    if (overQuota > 0) {
      this.quota.set(token, overQuota - 1);
      return { ...rpcError(429, 'RESOURCE_EXHAUSTED', 'Quota exceeded for quota metric \'Messages per minute per device\'.', 'QUOTA_EXCEEDED'), headers: { 'retry-after': String(this.retryAfterSeconds) } };
    }
    switch (this.devices.get(token)) {
      case 'ok':
        this.delivered.push({ token, message });
        return { status: 200, body: { name: `projects/${this.projectId}/messages/0:${Date.now()}%${randomBytes(8).toString('hex')}` } };
      case 'unregistered':
        return rpcError(404, 'NOT_FOUND', 'Requested entity was not found.', 'UNREGISTERED');
      case 'other-sender':
        return rpcError(403, 'PERMISSION_DENIED', 'SenderId mismatch', 'SENDER_ID_MISMATCH');
      case 'apns-auth':
        return rpcError(401, 'UNAUTHENTICATED', 'Auth error from APNS or Web Push Service', 'THIRD_PARTY_AUTH_ERROR');
      default:
        return rpcError(400, 'INVALID_ARGUMENT', 'The registration token is not a valid FCM registration token', 'INVALID_ARGUMENT');
    }
  }

  /** The first field FCM would refuse, as its BadRequest names it. */
  private invalidField(message: Record<string, unknown>): string | undefined {
    if (typeof message.token !== 'string' || !message.token) return 'message.token';
    const data = message.data ?? {};
    if (typeof data !== 'object' || Array.isArray(data)) return 'message.data';
    const nonString = Object.values(data as Record<string, unknown>).findIndex((v) => typeof v !== 'string');
    if (nonString >= 0) return `message.data[${nonString}].value`;
    const notification = (message.notification ?? {}) as Record<string, unknown>;
    for (const field of ['title', 'body'] as const) {
      if (notification[field] !== undefined && typeof notification[field] !== 'string') return `message.notification.${field}`;
    }
    const android = (message.android ?? {}) as Record<string, unknown>;
    if (android.priority !== undefined && android.priority !== 'HIGH' && android.priority !== 'NORMAL') return 'message.android.priority';
    const apnsHeaders = ((message.apns ?? {}) as { headers?: Record<string, unknown> }).headers ?? {};
    if (Object.values(apnsHeaders).some((v) => typeof v !== 'string')) return 'message.apns.headers';
    return undefined;
  }

  private batchImport(headers: IncomingHttpHeaders, body: string): Answer {
    if (!this.authorised(headers) || headers.access_token_auth !== 'true') return { status: 401, body: { error: 'Unauthorized' } };
    let request: { application?: unknown; sandbox?: unknown; apns_tokens?: unknown };
    try {
      request = JSON.parse(body) as typeof request;
    } catch {
      return { status: 400, body: { error: 'InvalidJson' } };
    }
    const tokens = request.apns_tokens;
    if (typeof request.application !== 'string' || typeof request.sandbox !== 'boolean' || !Array.isArray(tokens) || !tokens.length || tokens.length > 100) {
      return { status: 400, body: { error: 'INVALID_ARGUMENT' } };
    }
    this.imports.push({ application: request.application, sandbox: request.sandbox, apns_tokens: tokens });
    const results = tokens.map((apnsToken) => {
      const registrationToken = request.application === this.bundleId ? this.apnsTokens.get(String(apnsToken)) : undefined;
      if (!registrationToken) return { apns_token: apnsToken, status: 'INVALID_ARGUMENT' };
      if (!this.devices.has(registrationToken)) this.devices.set(registrationToken, 'ok');
      return { apns_token: apnsToken, status: 'OK', registration_token: registrationToken };
    });
    return { status: 200, body: { results } };
  }
}
