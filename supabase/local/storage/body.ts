import type { IncomingMessage } from 'node:http';
import { BodyTooLargeError, readBody } from '../http.ts';
import { errors } from './errors.ts';

/** A JSON object from a request body, trusted field by field only. */
export type JsonObject = Record<string, unknown>;

/** Fastify's default body limit, which storage-api keeps for its JSON routes. */
const maxJsonBytes = 1024 * 1024;

/** A request header's value; the first when it came more than once. */
export function requestHeader(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function isJsonObject(value: unknown): value is JsonObject {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/**
 * A JSON request body; an empty one is `{}`, as storage-api's routes that take no body accept
 * it. Anything but an object is 400 InvalidRequest, worded as Fastify's validation words it.
 */
export async function readJsonObject(req: IncomingMessage): Promise<JsonObject> {
  let raw: Buffer;
  try {
    raw = await readBody(req, maxJsonBytes);
  } catch (error) {
    if (error instanceof BodyTooLargeError) throw errors.entityTooLarge('request body', `${maxJsonBytes} bytes`);
    throw error;
  }
  const text = raw.toString('utf8').trim();
  if (text === '') return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw errors.invalidRequest(`Body is not valid JSON: ${error instanceof Error ? error.message : 'parse error'}`);
  }
  if (!isJsonObject(parsed)) throw errors.invalidRequest('body must be object');
  return parsed;
}

function invalid(name: string, expected: string): Error {
  return errors.invalidRequest(`body/${name} must be ${expected}`);
}

export function requiredString(body: JsonObject, name: string): string {
  const value = body[name];
  if (value === undefined) throw errors.invalidRequest(`body must have required property '${name}'`);
  if (typeof value !== 'string') throw invalid(name, 'string');
  return value;
}

/** An optional string; null counts as absent. */
export function optionalString(body: JsonObject, name: string): string | undefined {
  const value = body[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw invalid(name, 'string');
  return value;
}

export function optionalBoolean(body: JsonObject, name: string): boolean | undefined {
  const value = body[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'boolean') throw invalid(name, 'boolean');
  return value;
}

/** An optional whole number at least `min`. */
export function optionalInteger(body: JsonObject, name: string, min = 0): number | undefined {
  const value = body[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isSafeInteger(value)) throw invalid(name, 'integer');
  if (value < min) throw invalid(name, `>= ${min}`);
  return value;
}

export function optionalObject(body: JsonObject, name: string): JsonObject | undefined {
  const value = body[name];
  if (value === undefined || value === null) return undefined;
  if (!isJsonObject(value)) throw invalid(name, 'object');
  return value;
}

/** An array of strings, with at least `min` and at most `max` items. */
export function stringArray(body: JsonObject, name: string, min: number, max: number): string[] {
  const value = body[name];
  if (value === undefined) throw errors.invalidRequest(`body must have required property '${name}'`);
  if (!Array.isArray(value) || !value.every((item) => typeof item === 'string')) throw invalid(name, 'array of strings');
  if (value.length < min) throw invalid(name, `NOT have fewer than ${min} items`);
  if (value.length > max) throw invalid(name, `NOT have more than ${max} items`);
  return value;
}

/** A string array or null (allowed_mime_types); undefined when absent. */
export function optionalStringArray(body: JsonObject, name: string): string[] | null | undefined {
  const value = body[name];
  if (value === undefined) return undefined;
  if (value === null) return null;
  if (!Array.isArray(value) || !value.every((item) => typeof item === 'string')) throw invalid(name, 'array of strings');
  return value;
}
