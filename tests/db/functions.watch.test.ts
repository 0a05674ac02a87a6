import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { client, stack } from '../support/clients.ts';
import { startFunctionsRunner, type FunctionsRunner } from '../support/functionsRunner.ts';

// `npm run dev`: the relay watches the functions folder and restarts what changed.
const functionsDir = mkdtempSync(join(tmpdir(), 'arbidesk-fn-watch-'));
let runner: FunctionsRunner;

function writeFunction(name: string, answer: string): void {
  mkdirSync(join(functionsDir, name), { recursive: true });
  writeFileSync(join(functionsDir, name, 'index.ts'), `Deno.serve(() => Response.json({ answer: ${answer}, pid: Deno.pid }));\n`);
}

async function call(name: string): Promise<{ answer: unknown; pid: number }> {
  const { data, error } = await client(stack.anonKey, { apiUrl: runner.apiUrl }).functions.invoke(name);
  if (error) throw error;
  return data as { answer: unknown; pid: number };
}

// Each test changes a function of its own (hello, greeting), so neither finds the other's
// version where it expects its first one; `other` is never changed.
beforeAll(async () => {
  writeFunction('hello', "'v1'");
  writeFunction('greeting', "Deno.env.get('GREETING') ?? null");
  writeFunction('other', "'unchanged'");
  runner = await startFunctionsRunner(stack, '', { functionsDir, envFile: join(functionsDir, '.env'), denoConfig: join(functionsDir, 'deno.json'), watch: true });
});

afterAll(async () => {
  await runner?.stop();
  rmSync(functionsDir, { recursive: true, force: true });
});

describe('reload on change', () => {
  it('restarts only the function whose file changed', async () => {
    expect(await call('hello')).toMatchObject({ answer: 'v1' });
    const other = await call('other');
    writeFunction('hello', "'v2'");
    await expect.poll(async () => (await call('hello')).answer, { timeout: 10_000, interval: 100 }).toBe('v2');
    expect(await call('other')).toEqual(other);
    expect(runner.logs).toContain('[functions] hello changed: hello restarts on its next request');
  });

  it('restarts every function when the env file changes', async () => {
    expect(await call('greeting')).toMatchObject({ answer: null });
    const other = await call('other');
    writeFileSync(join(functionsDir, '.env'), 'GREETING=привет\n');
    await expect.poll(async () => (await call('greeting')).answer, { timeout: 10_000, interval: 100 }).toBe('привет');
    await expect.poll(async () => (await call('other')).pid, { timeout: 10_000, interval: 100 }).not.toBe(other.pid);
  });
});
