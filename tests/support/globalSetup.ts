import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { startStack, type Stack } from '../../supabase/local/stack.ts';

/** What every test file gets through `inject('stack')`. */
export interface StackInfo {
  apiUrl: string;
  dbUrl: string;
  anonKey: string;
  serviceRoleKey: string;
  jwtSecret: string;
  vapidPublicKey: string;
  dataDir: string;
}

declare module 'vitest' {
  export interface ProvidedContext {
    stack: StackInfo;
  }
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

let stack: Stack | undefined;
let dataDir: string | undefined;

/**
 * One local stack for the whole run, on a fresh embedded database in a temporary folder
 * (or on TEST_DATABASE_URL's server), exactly as `npm start` builds it.
 */
export async function setup(project: TestProject): Promise<void> {
  dataDir = mkdtempSync(join(tmpdir(), 'arbidesk-test-'));
  stack = await startStack({
    dataDir,
    apiPort: 0,
    dbPort: await freePort(),
    databaseUrl: process.env.TEST_DATABASE_URL,
    // The tests stand for a proxy in front of the gateway: the X-Forwarded-For they send gives
    // each test file its own client address, so per-IP limits do not add up across files.
    trustedProxies: ['127.0.0.1', '::1'],
    // Slices of 256 KiB instead of 8 MiB: the tests' bigger files are then read in many slices.
    functionSecrets: { ETL_SLICE_BYTES: String(256 * 1024) },
  });
  project.provide('stack', {
    apiUrl: stack.apiUrl,
    dbUrl: stack.dbUrl,
    anonKey: stack.keys.anonKey,
    serviceRoleKey: stack.keys.serviceRoleKey,
    jwtSecret: stack.keys.jwtSecret,
    vapidPublicKey: stack.vapidPublicKey,
    dataDir,
  });
}

export async function teardown(): Promise<void> {
  await stack?.stop();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
}
