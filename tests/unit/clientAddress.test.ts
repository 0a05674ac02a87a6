import { describe, expect, it } from 'vitest';
import { clientAddress, trustedProxies } from '../../supabase/local/clientAddress.ts';

describe('the client address the gateway vouches for', () => {
  const none = trustedProxies([]);
  const ours = trustedProxies(['10.0.0.0/8', '127.0.0.1', '::1']);

  it('is the connection\'s peer when that peer is no trusted proxy, whatever X-Forwarded-For says', () => {
    expect(clientAddress('203.0.113.9', '198.51.100.1', none)).toBe('203.0.113.9');
    expect(clientAddress('::ffff:203.0.113.9', '198.51.100.1, 10.0.0.2', ours)).toBe('203.0.113.9');
    expect(clientAddress('127.0.0.1', '198.51.100.1', none)).toBe('127.0.0.1');
  });

  it('reads X-Forwarded-For from the right, past trusted proxies only', () => {
    // The client wrote 1.2.3.4 itself; our proxy 10.0.0.2 appended the address it saw.
    expect(clientAddress('10.0.0.2', '1.2.3.4, 198.51.100.7', ours)).toBe('198.51.100.7');
    expect(clientAddress('10.0.0.2', '1.2.3.4, 198.51.100.7, 10.0.0.3', ours)).toBe('198.51.100.7');
    expect(clientAddress('::1', '2001:db8::5', ours)).toBe('2001:db8::5');
    expect(clientAddress('127.0.0.1', ['198.51.100.8', '10.1.1.1'], ours)).toBe('198.51.100.8');
  });

  it('stops at a hop that is not an address, and stays with the proxy when there is no header', () => {
    expect(clientAddress('10.0.0.2', 'garbage, 10.0.0.3', ours)).toBe('10.0.0.3');
    expect(clientAddress('10.0.0.2', undefined, ours)).toBe('10.0.0.2');
  });

  it('refuses a list entry that is neither an address nor a range', () => {
    expect(() => trustedProxies(['10.0.0.0/abc'])).toThrow(/API_TRUSTED_PROXIES: "10.0.0.0\/abc"/);
    expect(() => trustedProxies(['example.com'])).toThrow(/not an address or a CIDR range/);
  });
});
