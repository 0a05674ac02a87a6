import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { join, resolve } from 'node:path';
import { projectRoot, type FunctionConfig } from '../config.ts';
import { bearerToken, sendJson } from '../http.ts';
import { verifyJwt } from '../jwt.ts';
import type { Service } from '../server.ts';
import { BootError, DenoWorker, type WorkerTarget } from './DenoWorker.ts';
import { functionEnv, readSecrets, type PlatformEnv } from './env.ts';
import { workerLimits, type WorkerLimits } from './limits.ts';
import { relay } from './relay.ts';
import { watchFunctions } from './watch.ts';

export interface FunctionsServiceOptions {
  /** The folder with one `<name>/index.ts` per function (and `_shared/`, not a function). */
  functionsDir: string;
  /** `[functions.<name>]` of supabase/config.toml: verify_jwt and entrypoint. */
  functions?: Record<string, FunctionConfig>;
  /** What config.toml entrypoints are relative to: supabase/ by default. */
  configDir?: string;
  /** The deno.json (import map) every function runs with; `<functionsDir>/deno.json` by default. */
  denoConfig?: string;
  /** Secrets, in dotenv format; `<functionsDir>/.env` by default. */
  envFile?: string;
  /** The project's JWT secret, which verify_jwt checks signatures with. */
  jwtSecret: string;
  /** SUPABASE_URL and the rest; a function because the API's URL is known only once it listens. */
  platformEnv: () => PlatformEnv;
  /** Secrets of the local stack's own services (its mail server), which the env file may override. */
  localSecrets?: () => Record<string, string>;
  /** Hosted Supabase's limits unless given (limits.ts); the environment may change them. */
  limits?: Partial<WorkerLimits>;
  /** Longest a cold start may take before it counts as a boot failure. */
  bootTimeoutMs?: number;
  /** Restart a function's worker when a file under it changes (`npm run dev`). */
  watch?: boolean;
  /** Where `[fn:<name>]` lines go; the console by default. */
  log?: (line: string) => void;
}

/** Supabase's rule for function names (`supabase functions new`); `_shared` is not one. */
const functionName = /^[A-Za-z][A-Za-z0-9_-]*$/;

/**
 * `/functions/v1/<name>`: Supabase's relay in small. It checks the caller's JWT when the
 * function has verify_jwt (the default), then streams the request to the function's Deno
 * worker and the response back, within hosted Supabase's limits. Errors of its own have
 * Supabase's codes: 401 from the JWT check, 404 NOT_FOUND, 503 BOOT_ERROR, 500 WORKER_ERROR,
 * 546 WORKER_LIMIT, 504 past the request idle timeout
 * (https://supabase.com/docs/guides/functions/status-codes).
 */
export class FunctionsService implements Service {
  private readonly workers = new Map<string, DenoWorker>();
  private readonly log: (line: string) => void;
  private readonly stopWatching: (() => void) | undefined;
  private readonly limits: WorkerLimits;

  constructor(private readonly options: FunctionsServiceOptions) {
    this.log = options.log ?? ((line) => console.log(line));
    this.limits = { ...workerLimits(), ...options.limits };
    this.stopWatching = options.watch
      ? watchFunctions(options.functionsDir, (name) => {
          this.log(`[functions] ${name ?? 'shared files'} changed: ${name ?? 'every function'} restarts on its next request`);
          void this.reload(name);
        })
      : undefined;
  }

  async handle(req: IncomingMessage, res: ServerResponse, url: URL, path: string): Promise<void> {
    const name = /^\/([^/]+)/.exec(path)?.[1];
    const entrypoint = name && functionName.test(name) ? this.entrypoint(name) : undefined;
    if (!name || !entrypoint || !existsSync(entrypoint)) {
      req.resume();
      sendJson(res, 404, { code: 'NOT_FOUND', message: 'Requested function was not found' });
      return;
    }
    if (this.options.functions?.[name]?.verifyJwt !== false) {
      const refusal = this.checkJwt(req);
      if (refusal) {
        req.resume();
        sendJson(res, 401, { code: 401, message: refusal });
        return;
      }
    }
    const worker = this.worker(name, entrypoint);
    let target: WorkerTarget;
    try {
      target = await worker.target();
    } catch (error) {
      req.resume();
      if (!(error instanceof BootError)) throw error;
      this.fail(res, name, 503, 'BOOT_ERROR', 'Worker failed to boot (please check logs)', error.message);
      return;
    }
    const lease = target.begin();
    const outcome = await relay(req, res, target, path + url.search, this.limits.requestIdleMs);
    lease.end();
    if (outcome === 'idle') {
      this.log(`[fn:${name}] no response within the request idle timeout of ${this.limits.requestIdleMs} ms`);
      if (res.headersSent) res.destroy();
      else sendJson(res, 504, { message: 'The upstream server is timing out' });
    } else if (outcome === 'failed' && lease.limitReached) {
      this.fail(res, name, 546, 'WORKER_LIMIT', 'Worker failed to respond due to a resource limit (please check logs)', `${lease.limitReached}; worker stopped`);
    } else if (outcome === 'failed') {
      await worker.settle(1_000);
      this.fail(res, name, 500, 'WORKER_ERROR', 'Function exited due to an error (please check logs)', 'the worker closed the connection mid-request');
    }
  }

  /**
   * Restarts one function's worker, or every worker when `name` is undefined; the new
   * process starts on the next request.
   */
  async reload(name?: string): Promise<void> {
    const workers = name === undefined ? [...this.workers.values()] : [this.workers.get(name)];
    await Promise.all(workers.map((worker) => worker?.stop()));
  }

  /** Stops watching and ends every worker. */
  async stop(): Promise<void> {
    this.stopWatching?.();
    await this.reload();
    this.workers.clear();
  }

  private entrypoint(name: string): string {
    const configured = this.options.functions?.[name]?.entrypoint;
    return configured
      ? resolve(this.options.configDir ?? resolve(projectRoot, 'supabase'), configured)
      : join(this.options.functionsDir, name, 'index.ts');
  }

  /** Why the relay refuses the request, or undefined when its JWT is valid. */
  private checkJwt(req: IncomingMessage): string | undefined {
    if (!req.headers.authorization) return 'Missing authorization header';
    const token = bearerToken(req);
    try {
      if (!token) return 'Invalid JWT';
      verifyJwt(token, this.options.jwtSecret);
      return undefined;
    } catch {
      return 'Invalid JWT';
    }
  }

  private worker(name: string, entrypoint: string): DenoWorker {
    let worker = this.workers.get(name);
    if (!worker) {
      const { functionsDir } = this.options;
      const denoConfig = this.options.denoConfig ?? join(functionsDir, 'deno.json');
      const envFile = this.options.envFile ?? join(functionsDir, '.env');
      worker = new DenoWorker({
        name,
        entrypoint,
        denoConfig: existsSync(denoConfig) ? denoConfig : undefined,
        env: () => functionEnv(this.options.platformEnv(), { ...this.options.localSecrets?.(), ...readSecrets(envFile, this.log) }),
        bootTimeoutMs: this.options.bootTimeoutMs ?? 30_000,
        limits: this.limits,
        log: this.log,
      });
      this.workers.set(name, worker);
    }
    return worker;
  }

  /** Answers a relay error with an id that the log line carries too; cuts the connection when the function's headers are out already. */
  private fail(res: ServerResponse, name: string, status: number, code: string, message: string, detail: string): void {
    const errorId = randomUUID();
    this.log(`[fn:${name}] ${code} ${errorId}: ${detail}`);
    if (res.headersSent) res.destroy();
    else sendJson(res, status, { code, message, error_id: errorId });
  }
}
