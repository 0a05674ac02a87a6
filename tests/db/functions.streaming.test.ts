import { fork, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { createWriteStream, mkdtempSync, openAsBlob, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { projectRoot } from '../../supabase/local/config.ts';
import { client, stack } from '../support/clients.ts';
import type { RunnerMessage } from '../support/functionsRunnerProcess.ts';

const size = 100 * 1024 * 1024;
/**
 * "Far less than the body": under half of it. What the relay's RSS does grow by (about 33 MB
 * here, the same for a 300 MB body) is socket-read chunks that V8 has not collected yet.
 */
const allowedGrowth = 48 * 1024 * 1024;

const workDir = mkdtempSync(join(tmpdir(), 'arbidesk-fn-stream-'));
const file = join(workDir, 'upload.bin');
let checksum = 0;
let relay: ChildProcess;
let apiUrl = '';

function fnv1a(hash: number, bytes: Uint8Array): number {
  let h = hash;
  for (let i = 0; i < bytes.length; i++) h = Math.imul(h ^ bytes[i]!, 0x01000193);
  return h;
}

/** Writes `size` random bytes to `file`, returning their FNV-1a checksum. */
async function writeRandomFile(): Promise<number> {
  const out = createWriteStream(file);
  let hash = 0x811c9dc5;
  for (let written = 0; written < size; written += 1024 * 1024) {
    const chunk = randomBytes(1024 * 1024);
    hash = fnv1a(hash, chunk);
    if (!out.write(chunk)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
  return hash >>> 0;
}

/** Sends a message to the relay process and waits for its answer. */
async function ask(type: 'mark' | 'peak'): Promise<number> {
  const answer = once(relay, 'message') as Promise<[RunnerMessage]>;
  relay.send({ type });
  const [message] = await answer;
  return message.type === 'growth' ? message.bytes : Number.NaN;
}

/** The relay process's peak RSS growth while `work` runs. */
async function relayGrowth(work: () => Promise<void>): Promise<number> {
  await ask('mark');
  await work();
  return ask('peak');
}

function functions() {
  return client(stack.anonKey, { apiUrl }).functions;
}

beforeAll(async () => {
  // The relay runs in a process of its own, so what the client buffers (supabase-js reads a
  // Blob into memory before sending it) does not count against the relay.
  relay = fork(resolve(projectRoot, 'tests/support/functionsRunnerProcess.ts'), [], {
    execArgv: ['--import', 'tsx'],
    env: { ...process.env, ARBIDESK_TEST_STACK: JSON.stringify(stack) },
  });
  const [ready] = (await once(relay, 'message')) as [RunnerMessage];
  if (ready.type === 'ready') apiUrl = ready.apiUrl;
  checksum = await writeRandomFile();
  // The first calls start the worker and fill each path's buffers: not the body's cost.
  await functions().invoke('digest', { body: new Blob([randomBytes(1024 * 1024)]) });
  await functions().invoke('digest', { method: 'GET', headers: { 'x-bytes': String(1024 * 1024) } });
}, 60_000);

afterAll(async () => {
  if (relay?.connected) {
    relay.send({ type: 'stop' });
    await once(relay, 'exit');
  }
  rmSync(workDir, { recursive: true, force: true });
});

describe('100 MB through a function, streamed both ways', () => {
  it('streams a 100 MB request body: the function sees every byte and the relay holds none of it', async () => {
    const body = await openAsBlob(file);
    let result: { data: unknown; error: unknown } | undefined;
    const growth = await relayGrowth(async () => {
      result = await functions().invoke('digest', { body });
    });
    expect(result).toMatchObject({ error: null, data: { bytes: size, fnv1a: checksum } });
    expect(growth).toBeLessThan(allowedGrowth);
  }, 120_000);

  it('streams a 100 MB response body: every byte arrives in order and the relay holds none of it', async () => {
    let result: { data: unknown; error: unknown } | undefined;
    const growth = await relayGrowth(async () => {
      result = await functions().invoke('digest', { method: 'GET', headers: { 'x-bytes': String(size) } });
    });
    expect(result?.error).toBeNull();
    let received = 0;
    let misplaced = 0;
    for await (const chunk of (result?.data as Blob).stream() as unknown as AsyncIterable<Uint8Array>) {
      for (let i = 0; i < chunk.length; i++) if (chunk[i] !== (received + i) % 251) misplaced++;
      received += chunk.length;
    }
    expect({ received, misplaced }).toEqual({ received: size, misplaced: 0 });
    expect(growth).toBeLessThan(allowedGrowth);
  }, 120_000);
});
