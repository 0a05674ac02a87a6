/**
 * OAuth 2.0 for a Google service account (https://developers.google.com/identity/protocols/oauth2/service-account#httprest):
 * a JWT signed RS256 with the account's private key (iss = client_email, aud = token_uri,
 * scope, iat, exp at most an hour later) is exchanged at token_uri (grant_type
 * urn:ietf:params:oauth:grant-type:jwt-bearer) for an access token of about an hour. Signed
 * with WebCrypto, so it runs in an Edge Function and under Node alike.
 */

/** The fields of a service-account key file (the FIREBASE_SERVICE_ACCOUNT secret) that the flow needs. */
export interface ServiceAccount {
  project_id: string;
  client_email: string;
  /** PKCS#8 PEM, "-----BEGIN PRIVATE KEY-----", as Google issues it. */
  private_key: string;
  token_uri: string;
}

export class GoogleAuthError extends Error {
  constructor(
    message: string,
    /** A 5xx or a network fault: the next try may succeed. */
    readonly transient: boolean,
  ) {
    super(message);
  }
}

/** The key file's JSON, checked where it enters: a clear reason instead of a failed signature later. */
export function parseServiceAccount(json: string): ServiceAccount {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    throw new GoogleAuthError('FIREBASE_SERVICE_ACCOUNT is not JSON (it must be the service account\'s key file)', false);
  }
  const account = (value ?? {}) as Record<string, unknown>;
  const missing = ['project_id', 'client_email', 'private_key', 'token_uri'].filter((field) => typeof account[field] !== 'string' || !account[field]);
  if (missing.length) throw new GoogleAuthError(`FIREBASE_SERVICE_ACCOUNT lacks ${missing.join(', ')} (it must be the service account's key file)`, false);
  if (!String(account.private_key).includes('-----BEGIN PRIVATE KEY-----')) {
    throw new GoogleAuthError('FIREBASE_SERVICE_ACCOUNT\'s private_key is not a PKCS#8 PEM key', false);
  }
  return account as unknown as ServiceAccount;
}

export function base64url(bytes: Uint8Array | string): string {
  const raw = typeof bytes === 'string' ? new TextEncoder().encode(bytes) : bytes;
  let binary = '';
  for (const byte of raw) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function pemBody(pem: string): Uint8Array<ArrayBuffer> {
  const base64 = pem.replace(/-----(BEGIN|END) PRIVATE KEY-----/g, '').replace(/\s+/g, '');
  return Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
}

/** The signed assertion for `scope`, valid from `nowSeconds` for an hour (the longest Google accepts). */
export async function signedAssertion(account: ServiceAccount, scope: string, nowSeconds: number): Promise<string> {
  const header = base64url(JSON.stringify({ alg: 'RS256', typ: 'JWT' }));
  const claims = base64url(JSON.stringify({ iss: account.client_email, scope, aud: account.token_uri, iat: nowSeconds, exp: nowSeconds + 3600 }));
  const key = await crypto.subtle.importKey('pkcs8', pemBody(account.private_key), { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' }, false, ['sign']);
  const signature = await crypto.subtle.sign('RSASSA-PKCS1-v1_5', key, new TextEncoder().encode(`${header}.${claims}`));
  return `${header}.${claims}.${base64url(new Uint8Array(signature))}`;
}

interface CachedToken {
  token: Promise<string>;
  /** Milliseconds; the token is renewed this long before Google's expiry, so none expires in flight. */
  renewAt: number;
}

const renewBeforeExpiryMs = 5 * 60_000;

/**
 * Access tokens per account and scope, kept for the life of the function's worker: a token
 * lasts an hour, and asking for one per message would add a round trip and Google's quota.
 */
const tokens = new Map<string, CachedToken>();

async function requestToken(account: ServiceAccount, scope: string): Promise<{ token: string; expiresInSeconds: number }> {
  const assertion = await signedAssertion(account, scope, Math.floor(Date.now() / 1000));
  let response: Response;
  try {
    response = await fetch(account.token_uri, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer', assertion }),
      signal: AbortSignal.timeout(10_000),
    });
  } catch (error) {
    throw new GoogleAuthError(`Google's token endpoint is unreachable: ${(error as Error).message}`, true);
  }
  const answer = (await response.json().catch(() => ({}))) as { access_token?: unknown; expires_in?: unknown; error?: unknown; error_description?: unknown };
  if (response.ok && typeof answer.access_token === 'string') {
    return { token: answer.access_token, expiresInSeconds: typeof answer.expires_in === 'number' ? answer.expires_in : 3600 };
  }
  // 400 invalid_grant (a revoked key, a bad signature, a clock far off) is the project's to fix.
  const reason = `Google refused the service account ${account.client_email} (${response.status} ${String(answer.error ?? '')}: ${String(answer.error_description ?? '')})`;
  throw new GoogleAuthError(reason, response.status >= 500 || response.status === 429);
}

/** An access token for `scope`, from the cache while it is good; `stale` (a token the API refused) forces a new one. */
export async function accessToken(account: ServiceAccount, scope: string, stale?: string): Promise<string> {
  const key = `${account.token_uri} ${account.client_email} ${scope}`;
  const cached = tokens.get(key);
  if (cached && cached.renewAt > Date.now()) {
    const token = await cached.token.catch(() => undefined);
    if (token !== undefined && token !== stale) return token;
  }
  const request = requestToken(account, scope);
  const entry: CachedToken = { token: request.then((t) => t.token), renewAt: Number.POSITIVE_INFINITY };
  // Its failure reaches the caller through `request`; callers sharing it handle theirs above.
  entry.token.catch(() => undefined);
  tokens.set(key, entry);
  try {
    const { token, expiresInSeconds } = await request;
    entry.renewAt = Date.now() + expiresInSeconds * 1000 - renewBeforeExpiryMs;
    return token;
  } catch (error) {
    if (tokens.get(key) === entry) tokens.delete(key);
    throw error;
  }
}
