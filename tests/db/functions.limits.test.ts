import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FunctionsHttpError } from '@supabase/supabase-js';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { WorkerLimits } from '../../supabase/local/functions/limits.ts';
import { client, stack } from '../support/clients.ts';
import { startFunctionsRunner, type FunctionsRunner } from '../support/functionsRunner.ts';

/**
 * Hosted Supabase's Edge Function limits, enforced by the local relay: each test runs the
 * fixture functions under limits of its own, small enough to reach in a test.
 */
const noLimits: WorkerLimits = { cpuSoftMs: 0, cpuHardMs: 0, memoryMb: 0, wallClockMs: 0, requestIdleMs: 0 };
let runner: FunctionsRunner | undefined;
const scratch = mkdtempSync(join(tmpdir(), 'arbidesk-limits-'));

afterEach(async () => {
  await runner?.stop();
  runner = undefined;
});

afterAll(() => rmSync(scratch, { recursive: true, force: true }));

async function under(limits: Partial<WorkerLimits>) {
  runner = await startFunctionsRunner(stack, '', { limits: { ...noLimits, ...limits } });
  return client(stack.anonKey, { apiUrl: runner.apiUrl }).functions;
}

async function failure(error: unknown): Promise<{ status: number; body: Record<string, unknown> }> {
  expect(error).toBeInstanceOf(FunctionsHttpError);
  const response = (error as FunctionsHttpError).context as Response;
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

const pidOf = (data: unknown) => (data as { pid: number }).pid;

describe('the CPU time limits', () => {
  it('kills a worker past the hard limit: 546 WORKER_LIMIT, the reason in the log, a fresh worker next', async () => {
    const functions = await under({ cpuHardMs: 500 });
    const warm = await functions.invoke('slow', { body: { ms: 0 } });
    const started = Date.now();
    const { error } = await functions.invoke('slow', { body: { ms: 10_000, mode: 'spin' } });
    expect(Date.now() - started).toBeLessThan(5_000);
    const { status, body } = await failure(error);
    expect({ status, code: body.code }).toEqual({ status: 546, code: 'WORKER_LIMIT' });
    expect(runner?.logs).toContain(`[fn:slow] WORKER_LIMIT ${String(body.error_id)}: CPU time limit of 500 ms reached; worker stopped`);
    const next = await functions.invoke('slow', { body: { ms: 0 } });
    expect(next.error).toBeNull();
    expect(pidOf(next.data)).not.toBe(pidOf(warm.data));
  });

  it('counts a request\'s CPU time from its start: light requests one after another are never killed', async () => {
    const functions = await under({ cpuHardMs: 400 });
    for (let i = 0; i < 4; i++) {
      const { error } = await functions.invoke('slow', { body: { ms: 250, mode: 'spin' } });
      expect(error, `request ${i}`).toBeNull();
    }
  });

  it('retires a worker past the soft limit: its request completes, the next goes to a fresh worker', async () => {
    const functions = await under({ cpuSoftMs: 300, cpuHardMs: 5_000 });
    const heavy = await functions.invoke('slow', { body: { ms: 500, mode: 'spin' } });
    expect(heavy.error).toBeNull();
    await expect.poll(() => runner?.logs.some((line) => line.startsWith('[fn:slow] worker retired: CPU soft limit of 300 ms reached'))).toBe(true);
    const next = await functions.invoke('slow', { body: { ms: 0 } });
    expect(next.error).toBeNull();
    expect(pidOf(next.data)).not.toBe(pidOf(heavy.data));
  });
});

describe('the memory limit', () => {
  it('kills a worker that grows past it, and serves the next request from a fresh one', async () => {
    const functions = await under({ memoryMb: 64 });
    const small = await functions.invoke('hog', { body: { mb: 8 } });
    expect(small.error).toBeNull();
    const { error } = await functions.invoke('hog', { body: { mb: 160, holdMs: 3_000 } });
    const { status, body } = await failure(error);
    expect({ status, code: body.code }).toEqual({ status: 546, code: 'WORKER_LIMIT' });
    expect(runner?.logs.find((line) => line.includes(String(body.error_id)))).toMatch(/memory limit of 64 MB exceeded \(\d+ MB\); worker stopped$/);
    const next = await functions.invoke('hog', { body: { mb: 1 } });
    expect(next.error).toBeNull();
    expect(pidOf(next.data)).not.toBe(pidOf(small.data));
  });
});

describe('time limits', () => {
  it('answers 504 when the function does not start its response within the request idle timeout', async () => {
    const functions = await under({ requestIdleMs: 1_000 });
    const started = Date.now();
    const { error } = await functions.invoke('slow', { body: { ms: 10_000 } });
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(await failure(error)).toEqual({ status: 504, body: { message: 'The upstream server is timing out' } });
  });

  it('ends a worker at its wall clock, and takes no new request on it past half of it', async () => {
    const functions = await under({ wallClockMs: 1_500 });
    const first = await functions.invoke('slow', { body: { ms: 0 } });
    const { error } = await functions.invoke('slow', { body: { ms: 10_000 } });
    expect(await failure(error)).toMatchObject({ status: 546, body: { code: 'WORKER_LIMIT' } });
    expect(runner?.logs.some((line) => /^\[fn:slow\] WORKER_LIMIT .*: wall clock limit of 1500 ms reached; worker stopped$/.test(line))).toBe(true);
    const next = await functions.invoke('slow', { body: { ms: 0 } });
    expect(pidOf(next.data)).not.toBe(pidOf(first.data));
  });
});

describe('EdgeRuntime.waitUntil', () => {
  it('runs work after the response, and a retiring worker is kept until that work is done', async () => {
    const functions = await under({ cpuSoftMs: 1 });
    const file = join(scratch, 'background.txt');
    const answer = await functions.invoke('background', { body: { file, ms: 1_500 } });
    expect(answer).toMatchObject({ error: null, data: { accepted: true } });
    expect(existsSync(file)).toBe(false);
    await expect.poll(() => existsSync(file), { timeout: 10_000 }).toBe(true);
    expect(readFileSync(file, 'utf8')).toBe(`written by ${pidOf(answer.data)}`);
  });
});
