import Serializer from '@supabase/realtime-js/dist/module/lib/serializer.js';
import { describe, expect, it } from 'vitest';
import { compileFilters, FilterError, parseFilter, type FilterColumn } from '../../supabase/local/realtime/filters.ts';
import { decodeFrame, encodeBinaryBroadcast, encodeRaw, ProtocolError } from '../../supabase/local/realtime/phoenix.ts';
import { decodePgOutput } from '../../supabase/local/realtime/pgoutput.ts';

/** What realtime-js' own serializer puts on the wire. */
function encodedByClient(message: { join_ref: string; ref: string; topic: string; event: string; payload: Record<string, unknown> }): string | ArrayBuffer {
  let out: string | ArrayBuffer = '';
  new Serializer().encode(message, (result: string | ArrayBuffer) => (out = result));
  return out;
}

function decodedByClient(frame: string | Buffer): Record<string, unknown> {
  let out: Record<string, unknown> = {};
  const raw = typeof frame === 'string' ? frame : new Uint8Array(frame).buffer;
  new Serializer().decode(raw, (result: Record<string, unknown>) => (out = result));
  return out;
}

describe('realtime filter grammar', () => {
  it('parses filters as Supabase Realtime does', () => {
    expect(parseFilter('id=eq.1')).toEqual([{ column: 'id', op: 'eq', value: '1', negate: false }]);
    expect(parseFilter('name=eq."a,b"')).toEqual([{ column: 'name', op: 'eq', value: 'a,b', negate: false }]);
    expect(parseFilter('status=not.in.(draft,"a,b")')).toEqual([{ column: 'status', op: 'in', value: '{draft,"a,b"}', negate: true }]);
    expect(parseFilter('id=gt.0,id=lt.100').map((f) => f.op)).toEqual(['gt', 'lt']);
    expect(parseFilter('  ')).toEqual([]);
    expect(parseFilter(undefined)).toEqual([]);
  });

  it('refuses what Supabase refuses, with its messages', () => {
    expect(() => parseFilter('subject=foo.hey')).toThrow('Error parsing `filter` params: ["foo", "hey"]');
    expect(() => parseFilter('undefined')).toThrow(FilterError);
    expect(() => parseFilter('id=in.1,2')).toThrow('`in` filter value must be wrapped by parentheses');
    expect(() => parseFilter('id=eq.1,,id=eq.2')).toThrow('empty segments');
  });

  it('compiles to typed SQL and rejects unknown columns', () => {
    const columns = new Map<string, FilterColumn>([['n', { name: 'n', sqlType: 'integer', isBoolean: false }]]);
    expect(compileFilters(parseFilter("n=eq.1'; drop table x; --"), columns, 't')).toBe(`("t"."n" = '1''; drop table x; --'::integer)`);
    expect(compileFilters(parseFilter('n=in.(1,2)'), columns, 't')).toBe(`("t"."n" = any('{1,2}'::integer[]))`);
    expect(() => compileFilters(parseFilter('m=eq.1'), columns, 't')).toThrow('invalid column for filter m');
    expect(() => compileFilters(parseFilter('n=is.true'), columns, 't')).toThrow('requires a boolean column');
  });
});

describe('Phoenix wire format', () => {
  it('decodes realtime-js binary broadcast pushes, JSON and bytes', () => {
    const json = encodedByClient({ join_ref: '1', ref: '2', topic: 'realtime:room', event: 'broadcast', payload: { type: 'broadcast', event: 'move', payload: { x: 1 } } });
    expect(json).toBeInstanceOf(ArrayBuffer);
    expect(decodeFrame(Buffer.from(json as ArrayBuffer), true, '2.0.0')).toEqual({ kind: 'broadcast', joinRef: '1', ref: '2', topic: 'realtime:room', body: { event: 'move', json: '{"x":1}' } });

    const bytes = encodedByClient({ join_ref: '1', ref: '3', topic: 'realtime:room', event: 'broadcast', payload: { type: 'broadcast', event: 'blob', payload: new Uint8Array([7, 8]).buffer } });
    const decoded = decodeFrame(Buffer.from(bytes as ArrayBuffer), true, '2.0.0');
    expect(decoded.kind === 'broadcast' && [...(decoded.body.binary ?? [])]).toEqual([7, 8]);
  });

  it('decodes text frames of both versions and refuses malformed ones', () => {
    expect(decodeFrame(Buffer.from('["1","2","realtime:a","phx_join",{}]'), false, '2.0.0')).toMatchObject({ kind: 'message', joinRef: '1', ref: '2', topic: 'realtime:a', event: 'phx_join' });
    expect(decodeFrame(Buffer.from('{"topic":"phoenix","event":"heartbeat","payload":{},"ref":"5"}'), false, '1.0.0')).toMatchObject({ topic: 'phoenix', event: 'heartbeat', ref: '5', joinRef: null });
    for (const bad of ['nope', '[1,2]', '{"topic":"a"}', '["1","2",3,"x",{}]']) expect(() => decodeFrame(Buffer.from(bad), false, '2.0.0')).toThrow(ProtocolError);
    expect(() => decodeFrame(Buffer.from([9, 0, 0]), true, '2.0.0')).toThrow(ProtocolError);
  });

  it('encodes what realtime-js decodes', () => {
    expect(decodedByClient(encodeRaw('2.0.0', '1', '2', 'realtime:a', 'phx_reply', '{"status":"ok","response":{}}'))).toEqual({ join_ref: '1', ref: '2', topic: 'realtime:a', event: 'phx_reply', payload: { status: 'ok', response: {} } });
    expect(decodedByClient(encodeBinaryBroadcast('realtime:a', { event: 'e', json: '{"v":1}' }, { id: 'x' }))).toEqual({
      join_ref: null,
      ref: null,
      topic: 'realtime:a',
      event: 'broadcast',
      payload: { type: 'broadcast', event: 'e', payload: { v: 1 }, meta: { id: 'x' } },
    });
  });
});

describe('pgoutput decoder', () => {
  it('reads Relation and Insert messages, keeping values as text', () => {
    const relation = Buffer.concat([
      Buffer.from('R'),
      Buffer.from([0, 0, 0x40, 0]), // relid 16384
      Buffer.from('public\0item\0'),
      Buffer.from('f'),
      Buffer.from([0, 2]),
      Buffer.from([1]), Buffer.from('id\0'), Buffer.from([0, 0, 0, 23]), Buffer.from([0xff, 0xff, 0xff, 0xff]),
      Buffer.from([0]), Buffer.from('note\0'), Buffer.from([0, 0, 0, 25]), Buffer.from([0xff, 0xff, 0xff, 0xff]),
    ]);
    expect(decodePgOutput(relation)).toEqual({
      tag: 'relation', relid: 16384, schema: 'public', table: 'item', replicaIdentity: 'f',
      columns: [{ name: 'id', typeOid: 23, isKey: true }, { name: 'note', typeOid: 25, isKey: false }],
    });
    const insert = Buffer.concat([Buffer.from('I'), Buffer.from([0, 0, 0x40, 0]), Buffer.from('N'), Buffer.from([0, 2]), Buffer.from('t'), Buffer.from([0, 0, 0, 2]), Buffer.from('42'), Buffer.from('n')]);
    expect(decodePgOutput(insert)).toEqual({ tag: 'insert', relid: 16384, newTuple: ['42', null] });
  });
});
