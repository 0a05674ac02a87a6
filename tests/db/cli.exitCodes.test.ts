import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { projectRoot } from '../../supabase/local/config.ts';
import { holders } from '../../supabase/local/postgres/clusterHolders.ts';
import { freePort } from '../support/globalSetup.ts';

/** The commands that embed the stack end with code 0 when they did their work, and not otherwise. */
const dirs: string[] = [];

afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

function dataDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'arbidesk-cli-'));
  dirs.push(dir);
  return dir;
}

function cli(script: string, env: Record<string, string>): Promise<{ code: number | null; output: string }> {
  return new Promise((done, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', resolve(projectRoot, 'supabase/local/cli', script)], {
      cwd: projectRoot,
      env: { ...process.env, ARBIDESK_DEMO_DATA: 'off', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    child.once('error', reject);
    child.once('close', (code) => done({ code, output }));
  });
}

function occupy(port: number): Promise<Server> {
  return new Promise((done) => {
    const server = createServer().listen(port, '127.0.0.1', () => done(server));
  });
}

describe('the stack commands exit with their outcome', () => {
  it('npm start: 1 when the API port is taken, saying so, and PostgreSQL does not outlive it', async () => {
    const dir = dataDir();
    const apiPort = await freePort();
    const blocker = await occupy(apiPort);
    try {
      const run = await cli('start.ts', { ARBIDESK_DATA_DIR: dir, API_PORT: String(apiPort), DB_PORT: String(await freePort()) });
      expect(run.code, run.output).toBe(1);
      expect(run.output).toContain('EADDRINUSE');
      expect(holders(join(dir, 'db'))).toEqual([]);
    } finally {
      blocker.close();
    }
  }, 120_000);

  it('npm run db:reset: 0 once the database is reset, 1 when the database cannot be reached', async () => {
    const reset = await cli('reset.ts', { ARBIDESK_DATA_DIR: dataDir(), DB_PORT: String(await freePort()) });
    expect(reset.code, reset.output).toBe(0);
    expect(reset.output).toMatch(/Database reset: \d+ migration\(s\) applied, seed loaded\./);
    const unreachable = await cli('reset.ts', { ARBIDESK_DATA_DIR: dataDir(), DATABASE_URL: `postgresql://postgres:postgres@127.0.0.1:${await freePort()}/postgres` });
    expect(unreachable.code).toBe(1);
    expect(unreachable.output).toContain('ECONNREFUSED');
  }, 120_000);

  it('npm run status: 1 when no stack runs on the data folder', async () => {
    const status = await cli('status.ts', { ARBIDESK_DATA_DIR: dataDir() });
    expect(status.code).toBe(1);
    expect(status.output).toMatch(/ArbiDesk is not running on .*\. Start it with: npm start/);
  });
});
