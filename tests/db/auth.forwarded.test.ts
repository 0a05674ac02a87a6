import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClient } from '@supabase/supabase-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import ws from 'ws';
import { startStack, type Stack } from '../../supabase/local/stack.ts';
import { freePort } from '../support/globalSetup.ts';

/**
 * A stack with no proxy in front (the default): a client that writes its own X-Forwarded-For
 * is still the address it connects from, so it cannot step around per-IP limits.
 */
let own: Stack;
let dataDir: string;

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'arbidesk-forwarded-'));
  own = await startStack({ dataDir, apiPort: 0, dbPort: await freePort(), seed: false, trustedProxies: [] });
}, 120_000);

afterAll(async () => {
  await own?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

function forging(address: string) {
  return createClient(own.apiUrl, own.keys.anonKey, {
    auth: { persistSession: false, autoRefreshToken: false },
    global: { headers: { 'x-forwarded-for': address } },
    realtime: { transport: ws as never },
  });
}

describe('a client that forges X-Forwarded-For', () => {
  it('gets no new budget of sign-ins per address it names', async () => {
    const limit = own.config.auth.signInsPerIp;
    for (let i = 0; i < limit; i += 1) {
      const { error } = await forging(`198.51.100.${i + 1}`).auth.signInWithPassword({ email: `nobody${i}@example.com`, password: 'Wrong-password-1' });
      expect(error).toMatchObject({ status: 400, code: 'invalid_credentials' });
    }
    const { error } = await forging('203.0.113.250').auth.signInWithPassword({ email: 'nobody@example.com', password: 'Wrong-password-1' });
    expect(error).toMatchObject({ status: 429, code: 'over_request_rate_limit' });
  });
});
