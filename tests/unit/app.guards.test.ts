import { describe, expect, it } from 'vitest';
import { ConfigUnavailableError, loadAppConfig, parseAppConfig } from '../../app/lib/config.ts';
import { array, integerDigits, InvalidResponseError, nullable, object, oneOf, readAs, text, uuid } from '../../app/lib/guards.ts';

describe('readers of network JSON', () => {
  const readMember = object({ role: oneOf(['admin', 'finance']), workspace: object({ id: uuid, name: text }), telegram: nullable(integerDigits) });

  it('returns typed values, keeping bigint digits exact', () => {
    const row = { role: 'admin', workspace: { id: '00000000-0000-4000-8000-0000000000a1', name: 'Demo' }, telegram: 123456789, extra: true };
    expect(readAs(array(readMember), [row], 'members')).toEqual([{ role: 'admin', workspace: { id: '00000000-0000-4000-8000-0000000000a1', name: 'Demo' }, telegram: '123456789' }]);
    expect(integerDigits('9223372036854775807', 'id')).toBe('9223372036854775807');
  });

  it('names the field that is wrong', () => {
    expect(() => readAs(array(readMember), [{ role: 'owner', workspace: {}, telegram: null }], 'members')).toThrow(
      new InvalidResponseError('members[0].role', 'one of admin, finance'),
    );
    expect(() => readAs(readMember, { role: 'admin', workspace: { id: 'x', name: 'Demo' } }, 'member')).toThrow('member.workspace.id is not a UUID');
    expect(() => integerDigits(1.5, 'telegram')).toThrow('telegram is not an integer');
  });
});

describe('the app config', () => {
  const config = { supabaseUrl: 'http://127.0.0.1:54321', supabaseAnonKey: 'anon' };

  it('prefers the build-time variables, else reads /config.json', async () => {
    const never = () => Promise.reject(new Error('not fetched'));
    expect(await loadAppConfig({ VITE_SUPABASE_URL: 'https://x.supabase.co', VITE_SUPABASE_ANON_KEY: 'k' }, never)).toEqual({ supabaseUrl: 'https://x.supabase.co', supabaseAnonKey: 'k' });
    expect(await loadAppConfig({ VITE_SUPABASE_URL: '' }, async () => Response.json(config))).toEqual(config);
  });

  it('names the VAPID public key for Web Push when the stack or the build has one', async () => {
    expect(await loadAppConfig({}, async () => Response.json({ ...config, vapidPublicKey: 'BKey' }))).toEqual({ ...config, vapidPublicKey: 'BKey' });
    expect(await loadAppConfig({ VITE_VAPID_PUBLIC_KEY: 'BBuilt' }, async () => Response.json({ ...config, vapidPublicKey: 'BKey' }))).toEqual({ ...config, vapidPublicKey: 'BBuilt' });
    expect(await loadAppConfig({ VITE_SUPABASE_URL: 'https://x.supabase.co', VITE_SUPABASE_ANON_KEY: 'k', VITE_VAPID_PUBLIC_KEY: 'BBuilt' }, () => Promise.reject(new Error('not fetched'))))
      .toEqual({ supabaseUrl: 'https://x.supabase.co', supabaseAnonKey: 'k', vapidPublicKey: 'BBuilt' });
  });

  it('says what is missing when /config.json cannot be read or is wrong', async () => {
    await expect(loadAppConfig({}, async () => new Response('no', { status: 404 }))).rejects.toThrow(new ConfigUnavailableError(new Error('HTTP 404')));
    expect(() => parseAppConfig({ supabaseUrl: 'not a url', supabaseAnonKey: 'k' })).toThrow("config.json: supabaseUrl 'not a url' is not a URL");
    expect(() => parseAppConfig({ supabaseUrl: 'http://x' })).toThrow('config.json.supabaseAnonKey is not a non-empty string');
  });
});
