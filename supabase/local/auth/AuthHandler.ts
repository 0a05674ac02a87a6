import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Sql } from 'postgres';
import type { AuthConfig } from '../config.ts';
import { send, sendJson } from '../http.ts';
import type { ProjectKeys } from '../keys.ts';
import type { Service } from '../server.ts';
import type { AuthContext, Reply } from './context.ts';
import { adminFactors, adminUsers } from './endpoints/admin.ts';
import { challenge, enroll, unenroll, verify } from './endpoints/mfa.ts';
import { recover, verifyGet, verifyPost } from './endpoints/recovery.ts';
import { signUp, token } from './endpoints/signIn.ts';
import { getUser, logout, updateUser } from './endpoints/user.ts';
import { AuthApiError, sendAuthError } from './errors.ts';
import { FactorStore } from './factors.ts';
import { Outbox } from '../mail/outbox.ts';
import { SlidingWindowLimiter } from './rateLimit.ts';
import { SessionStore } from './sessions.ts';
import { SpentTotpSteps } from './spentTotpSteps.ts';
import { UserStore } from './users.ts';

/** An endpoint, given the path's parameters (the route's capture groups) in order. */
type Endpoint = (req: IncomingMessage, url: URL, ...params: string[]) => Promise<Reply>;

interface Route {
  path: RegExp;
  methods: Partial<Record<string, Endpoint>>;
}

const fiveMinutes = 5 * 60_000;
const fifteenMinutes = 15 * 60_000;
/**
 * GoTrue's challenge and verify limiters: 15 a minute per IP, in bursts of up to 30 (a token
 * bucket, mfa.rate_limit_challenge_and_verify, which neither config.toml nor the dashboard
 * sets). A sliding window of 30 per 2 minutes allows the same burst and the same rate.
 */
const factorRequestsPerWindow = 30;
const twoMinutes = 2 * 60_000;

/**
 * The Auth service (`/auth/v1`): the part of Supabase Auth (GoTrue) that auth-js uses for
 * email and password accounts, answering with GoTrue's JSON, status codes and error codes.
 */
export class AuthHandler implements Service {
  private readonly ctx: AuthContext;
  private readonly routes: Route[];

  constructor(sql: Sql, config: AuthConfig, keys: ProjectKeys, dataDir: string, externalUrl: () => string) {
    this.ctx = {
      sql,
      config,
      keys,
      externalUrl,
      wrongRecoveryCodes: new Map(),
      users: new UserStore(),
      sessions: new SessionStore(sql, config),
      factors: new FactorStore(),
      spentTotpSteps: new SpentTotpSteps(),
      outbox: new Outbox(dataDir),
      limits: {
        signIns: new SlidingWindowLimiter(config.signInsPerIp, fiveMinutes),
        refreshes: new SlidingWindowLimiter(config.tokenRefreshesPerIp, fiveMinutes),
        verifications: new SlidingWindowLimiter(config.tokenVerificationsPerIp, fiveMinutes),
        failedSignIns: new SlidingWindowLimiter(config.failedSignInsPerEmail, fifteenMinutes),
        factorChallenges: new SlidingWindowLimiter(factorRequestsPerWindow, twoMinutes),
        factorVerifications: new SlidingWindowLimiter(factorRequestsPerWindow, twoMinutes),
      },
    };
    const ctx = this.ctx;
    this.routes = [
      { path: /^\/health$/, methods: { GET: async () => ({ status: 200, body: { version: 'local', name: 'GoTrue', description: 'GoTrue is a user registration and authentication API' } }) } },
      { path: /^\/settings$/, methods: { GET: async () => ({ status: 200, body: this.settings() }) } },
      { path: /^\/signup$/, methods: { POST: (req) => signUp(ctx, req) } },
      { path: /^\/token$/, methods: { POST: (req, url) => token(ctx, req, url) } },
      { path: /^\/recover$/, methods: { POST: (req, url) => recover(ctx, req, url) } },
      { path: /^\/verify$/, methods: { GET: (req, url) => verifyGet(ctx, req, url), POST: (req) => verifyPost(ctx, req) } },
      { path: /^\/user$/, methods: { GET: (req) => getUser(ctx, req), PUT: (req) => updateUser(ctx, req) } },
      { path: /^\/logout$/, methods: { POST: (req, url) => logout(ctx, req, url) } },
      { path: /^\/factors$/, methods: { POST: (req) => enroll(ctx, req) } },
      { path: /^\/factors\/([^/]+)$/, methods: { DELETE: (req, _url, id) => unenroll(ctx, req, id) } },
      { path: /^\/factors\/([^/]+)\/challenge$/, methods: { POST: (req, _url, id) => challenge(ctx, req, id) } },
      { path: /^\/factors\/([^/]+)\/verify$/, methods: { POST: (req, _url, id) => verify(ctx, req, id) } },
      { path: /^\/admin\/users$/, methods: { GET: (req, url) => adminUsers.list(ctx, req, url), POST: (req) => adminUsers.create(ctx, req) } },
      {
        path: /^\/admin\/users\/([^/]+)$/,
        methods: {
          GET: (req, _url, id) => adminUsers.get(ctx, req, id),
          PUT: (req, _url, id) => adminUsers.update(ctx, req, id),
          DELETE: (req, _url, id) => adminUsers.delete(ctx, req, id),
        },
      },
      { path: /^\/admin\/users\/([^/]+)\/factors$/, methods: { GET: (req, _url, id) => adminFactors.list(ctx, req, id) } },
      {
        path: /^\/admin\/users\/([^/]+)\/factors\/([^/]+)$/,
        methods: { DELETE: (req, _url, id, factorId) => adminFactors.delete(ctx, req, id, factorId) },
      },
    ];
  }

  async handle(req: IncomingMessage, res: ServerResponse, url: URL, path: string): Promise<void> {
    try {
      const reply = await this.dispatch(req, url, path);
      if (reply.body === undefined) send(res, reply.status, null, reply.headers);
      else sendJson(res, reply.status, reply.body, reply.headers);
    } catch (error) {
      if (error instanceof AuthApiError) {
        sendAuthError(req, res, error);
        return;
      }
      console.error(`[auth] ${req.method} ${path}:`, error);
      sendAuthError(req, res, new AuthApiError(500, 'unexpected_failure', 'Unexpected failure, please check server logs for more information'));
    }
  }

  private dispatch(req: IncomingMessage, url: URL, path: string): Promise<Reply> {
    const normalized = path.replace(/\/+$/, '') || '/';
    const method = req.method ?? 'GET';
    for (const route of this.routes) {
      const match = route.path.exec(normalized);
      if (!match) continue;
      const endpoint = route.methods[method];
      if (!endpoint) throw new AuthApiError(405, 'method_not_allowed', `${method} is not allowed on ${normalized}`, { allow: Object.keys(route.methods).join(', ') });
      return endpoint(req, url, ...match.slice(1));
    }
    throw new AuthApiError(404, 'not_found', `The local Auth service has no route ${method} ${normalized}`);
  }

  /** GET /settings: what this Auth server offers, in GoTrue's shape. */
  private settings(): Record<string, unknown> {
    return {
      external: { email: true, phone: false, anonymous_users: false },
      disable_signup: !this.ctx.config.enableSignup,
      mailer_autoconfirm: true,
      phone_autoconfirm: false,
      sms_provider: '',
      saml_enabled: false,
    };
  }
}
