// The part of node:crypto the etl function uses, for `deno check`: Deno types node: modules
// from npm:@types/node, which functions/deno.json does not resolve (nativeSha256.ts).
export interface Hash {
  update(data: Uint8Array): Hash;
  digest(encoding: 'hex'): string;
}

export function createHash(algorithm: 'sha256'): Hash;
