import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { projectRoot } from '../../supabase/local/config.ts';

/**
 * The test command must be able to fail: each fixture runs under vitest with the suite's own
 * global setup (the embedded stack), as `npm test` runs the suite, and its exit code is what CI
 * would see. Embedded PostgreSQL's exit hooks once turned every failed run into exit code 0.
 */
function runFixture(name: string): Promise<{ code: number | null; output: string }> {
  return new Promise((done, reject) => {
    const child = spawn(process.execPath, [
      resolve(projectRoot, 'node_modules/vitest/vitest.mjs'), 'run',
      '--config', 'tests/fixtures/exitCode/vitest.config.ts', `${name}.fixture.ts`,
    ], { cwd: projectRoot, env: { ...process.env, CI: 'true', NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    child.once('error', reject);
    child.once('close', (code) => done({ code, output }));
  });
}

describe('the test command exits with the outcome of the run', () => {
  it.concurrent.each([
    ['passes', 0, /1 passed/],
    ['assertion', 1, /expected 2 to be 3/],
    ['hook', 1, /the fixture setup broke/],
    ['unhandled', 1, /rejected after the test/],
  ])('%s: exit code %i', async (name, code, says) => {
    const run = await runFixture(name);
    expect(run.output).toMatch(says);
    expect(run.code, run.output).toBe(code);
  }, 120_000);
});
