import type { SupabaseClient } from '@supabase/supabase-js';
import { afterAll, describe, expect, it } from 'vitest';
import { signJwt } from '../../supabase/local/jwt.ts';
import { stack } from '../support/clients.ts';
import { closeAll, Inbox, realtimeClient, refused, subscribed, userJwt } from './realtime.helpers.ts';

type System = { extension: string; status: string; message: string; channel: string };

const clients: SupabaseClient[] = [];

async function newClient(token?: string): Promise<SupabaseClient> {
  const c = await realtimeClient(token);
  clients.push(c);
  return c;
}

afterAll(async () => {
  await closeAll(...clients);
});

describe('realtime access tokens', () => {
  it('refuses a join with an expired token', async () => {
    const supabase = await newClient(userJwt(undefined, {}, -30));
    const channel = supabase.channel('rta-expired');
    const error = await refused(channel);
    expect(error.message).toMatch(/^InvalidJWTToken: Token has expired \d+ seconds ago$/);
    await supabase.removeChannel(channel);
  });

  it('refuses a join with a token signed by someone else', async () => {
    const forged = signJwt({ sub: 'x', role: 'service_role', exp: Math.floor(Date.now() / 1000) + 60 }, 'not-the-project-secret');
    const supabase = await newClient(forged);
    const channel = supabase.channel('rta-forged');
    expect((await refused(channel)).message).toBe('JwtSignatureError: Failed to validate JWT signature');
    await supabase.removeChannel(channel);
  });

  it('refuses a token without role or exp', async () => {
    const supabase = await newClient(signJwt({ sub: 'x' }, stack.jwtSecret));
    const channel = supabase.channel('rta-claims');
    expect((await refused(channel)).message).toBe('InvalidJWTToken: Fields `role` and `exp` are required in JWT');
    await supabase.removeChannel(channel);
  });

  it('closes the channel when a refreshed token is expired', async () => {
    const supabase = await newClient(userJwt());
    const system = new Inbox<System>();
    const statuses = new Inbox<string>();
    const channel = supabase.channel('rta-refresh-expired').on('system', {}, system.push);
    channel.subscribe((status) => statuses.push(status));
    await statuses.until((s) => s.includes('SUBSCRIBED'), 'SUBSCRIBED');
    await supabase.realtime.setAuth(userJwt(undefined, {}, -5));
    await statuses.until((s) => s.includes('CLOSED'), 'CLOSED');
    expect(system.items[0]).toMatchObject({ extension: 'system', status: 'error', channel: 'rta-refresh-expired' });
    expect(system.items[0]!.message).toMatch(/^Token has expired \d+ seconds ago$/);
  });

  it('closes the channel when its token expires', async () => {
    const supabase = await newClient(userJwt(undefined, {}, 2));
    const system = new Inbox<System>();
    const statuses = new Inbox<string>();
    supabase
      .channel('rta-expiring')
      .on('system', {}, system.push)
      .subscribe((status) => statuses.push(status));
    await statuses.until((s) => s.includes('SUBSCRIBED'), 'SUBSCRIBED');
    await statuses.until((s) => s.includes('CLOSED'), 'CLOSED', 6_000);
    expect(system.items[0]!.message).toMatch(/^Token has expired \d+ seconds ago$/);
  });

  it('keeps a channel open across a valid refresh', async () => {
    const supabase = await newClient(userJwt('00000000-0000-0000-0000-0000000000aa'));
    const inbox = new Inbox();
    const channel = await subscribed(supabase.channel('rta-refresh-ok', { config: { broadcast: { self: true, ack: true } } }).on('broadcast', { event: '*' }, inbox.push));
    await supabase.realtime.setAuth(userJwt('00000000-0000-0000-0000-0000000000aa'));
    expect(await channel.send({ type: 'broadcast', event: 'still-here', payload: {} })).toBe('ok');
    await inbox.count(1);
  });
});
