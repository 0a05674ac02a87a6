import { BlockList, isIP } from 'node:net';

/**
 * Which peers may tell the gateway who the client is. A client can write any X-Forwarded-For
 * it likes; only a proxy of ours in front of the gateway can be believed. Addresses and CIDR
 * ranges, IPv4 or IPv6 (`API_TRUSTED_PROXIES=10.0.0.0/8,::1`); none by default.
 */
export function trustedProxies(entries: string[]): BlockList {
  const list = new BlockList();
  for (const entry of entries.map((e) => e.trim()).filter(Boolean)) {
    const [address = '', bits] = entry.split('/');
    const family = isIP(address) === 6 ? 'ipv6' : 'ipv4';
    if (!isIP(address) || (bits !== undefined && !/^\d+$/.test(bits))) throw new Error(`API_TRUSTED_PROXIES: "${entry}" is not an address or a CIDR range`);
    if (bits === undefined) list.addAddress(address, family);
    else list.addSubnet(address, Number(bits), family);
  }
  return list;
}

function plain(address: string): string {
  // IPv4 peers of a dual-stack socket come as ::ffff:a.b.c.d.
  return address.startsWith('::ffff:') && isIP(address.slice(7)) === 4 ? address.slice(7) : address;
}

function trusted(list: BlockList, address: string): boolean {
  const family = isIP(address);
  return family !== 0 && list.check(address, family === 6 ? 'ipv6' : 'ipv4');
}

/**
 * The client's address as the gateway vouches for it: the connection's peer, unless that peer
 * is a trusted proxy; then X-Forwarded-For is read from the right (each proxy appends what it
 * saw) past the trusted proxies, and the first address not trusted is the client.
 */
export function clientAddress(peer: string | undefined, forwardedFor: string | string[] | undefined, proxies: BlockList): string {
  let client = plain(peer ?? '');
  if (!trusted(proxies, client)) return client || 'unknown';
  const hops = (Array.isArray(forwardedFor) ? forwardedFor.join(',') : (forwardedFor ?? '')).split(',').map((hop) => plain(hop.trim())).filter(Boolean);
  while (hops.length && trusted(proxies, client)) {
    const hop = hops.pop() ?? '';
    if (!isIP(hop)) break;
    client = hop;
  }
  return client;
}
