import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { projectRoot } from '../../supabase/local/config.ts';
import { FunctionsService, type FunctionsServiceOptions } from '../../supabase/local/functions/FunctionsService.ts';
import { createApiServer } from '../../supabase/local/server.ts';
import type { StackInfo } from './globalSetup.ts';

/** The test-only functions (see each index.ts under it). */
export const fixtureFunctionsDir = resolve(projectRoot, 'tests/fixtures/functions');

export interface FunctionsRunner {
  /** The API URL of this runner's own gateway, which serves /functions/v1 only. */
  apiUrl: string;
  service: FunctionsService;
  /** Every `[fn:<name>]` and relay line logged so far. */
  logs: string[];
  stop(): Promise<void>;
}

/**
 * A second functions relay over the fixture functions, behind the same API gateway as the
 * stack's, with the stack's keys and URLs so fixtures reach the stack's REST API; its env
 * file holds `secrets`. (The stack's own relay serves functions/, the real ones.)
 */
export async function startFunctionsRunner(
  stack: StackInfo,
  secrets: string,
  options: Partial<FunctionsServiceOptions> = {},
): Promise<FunctionsRunner> {
  const secretsDir = mkdtempSync(join(tmpdir(), 'arbidesk-fn-env-'));
  const envFile = join(secretsDir, '.env');
  writeFileSync(envFile, secrets);
  const logs: string[] = [];
  const service = new FunctionsService({
    functionsDir: fixtureFunctionsDir,
    denoConfig: resolve(projectRoot, 'functions/deno.json'),
    envFile,
    jwtSecret: stack.jwtSecret,
    platformEnv: () => ({ SUPABASE_URL: stack.apiUrl, SUPABASE_ANON_KEY: stack.anonKey, SUPABASE_SERVICE_ROLE_KEY: stack.serviceRoleKey, SUPABASE_DB_URL: stack.dbUrl }),
    log: (line) => logs.push(line),
    ...options,
  });
  const keys = { jwtSecret: stack.jwtSecret, anonKey: stack.anonKey, serviceRoleKey: stack.serviceRoleKey };
  const server = createApiServer({ keys, services: { '/functions/v1': service }, open: ['/functions/v1'] });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return {
    apiUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    service,
    logs,
    async stop() {
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
      await service.stop();
      rmSync(secretsDir, { recursive: true, force: true });
    },
  };
}
