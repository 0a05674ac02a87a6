import type { IncomingMessage } from 'node:http';
import { BodyTooLargeError, readBody } from '../http.ts';
import { AuthApiError, validationFailed } from './errors.ts';

/** A JSON object from a request body, not yet trusted field by field. */
export type JsonObject = Record<string, unknown>;

/** Auth requests are small (credentials, metadata); a megabyte is far more than enough. */
const maxAuthBodyBytes = 1024 * 1024;

/** A plain JSON object (not null, not an array). */
export function isJsonObject(value: unknown): value is JsonObject {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function badJson(detail: string): AuthApiError {
  return new AuthApiError(400, 'bad_json', `Could not parse request body as JSON: ${detail}`);
}

/** Whether a string anywhere in the value (keys included) holds NUL, which PostgreSQL text and jsonb cannot store. */
function containsNul(value: unknown): boolean {
  if (typeof value === 'string') return value.includes('\u0000');
  if (Array.isArray(value)) return value.some(containsNul);
  if (isJsonObject(value)) return Object.entries(value).some(([k, v]) => k.includes('\u0000') || containsNul(v));
  return false;
}

/**
 * Reads a JSON object body. An empty body or `null` counts as `{}` (Go's json.Unmarshal
 * leaves the params empty); anything else that is not an object is 400 bad_json, and so is
 * a NUL character, refused here once instead of failing in the database later.
 */
export async function readJsonObject(req: IncomingMessage): Promise<JsonObject> {
  let raw: Buffer;
  try {
    raw = await readBody(req, maxAuthBodyBytes);
  } catch (error) {
    if (error instanceof BodyTooLargeError) {
      throw new AuthApiError(413, 'request_entity_too_large', `Request body too large (max ${error.limit} bytes)`);
    }
    throw error;
  }
  const text = raw.toString('utf8').trim();
  if (text === '') return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw badJson(error instanceof Error ? error.message : 'invalid JSON');
  }
  if (parsed === null) return {};
  if (!isJsonObject(parsed)) throw badJson(`expected an object, got ${Array.isArray(parsed) ? 'an array' : typeof parsed}`);
  if (containsNul(parsed)) throw badJson('NUL characters are not supported');
  return parsed;
}

/** A string field; absent or null is undefined, another type is 400 bad_json (as Go's decoder). */
export function stringField(body: JsonObject, name: string): string | undefined {
  const value = body[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw badJson(`field "${name}" must be a string`);
  return value;
}

/** A boolean field; absent or null is undefined, another type is 400 bad_json. */
export function booleanField(body: JsonObject, name: string): boolean | undefined {
  const value = body[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'boolean') throw badJson(`field "${name}" must be a boolean`);
  return value;
}

/** An object field (metadata); absent or null is undefined, another type is 400 bad_json. */
export function objectField(body: JsonObject, name: string): JsonObject | undefined {
  const value = body[name];
  if (value === undefined || value === null) return undefined;
  if (!isJsonObject(value)) throw badJson(`field "${name}" must be an object`);
  return value;
}

/**
 * A UUID field (decoded into Go's uuid.UUID): absent or null is undefined, anything but a
 * UUID string is 400 bad_json.
 */
export function uuidField(body: JsonObject, name: string): string | undefined {
  const value = body[name];
  if (value === undefined || value === null) return undefined;
  if (!isUuid(value)) throw badJson(`field "${name}" must be a UUID`);
  return value;
}

/** The address format GoTrue accepts (badoux/checkmail's pattern). */
const emailPattern =
  /^[a-zA-Z0-9.!#$%&'*+/=?^_`{|}~-]+@[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)*$/;

/** Validates an email as GoTrue's validateEmail does and returns it lower-cased. */
export function validEmail(email: string | undefined): string {
  if (!email) throw validationFailed('An email address is required');
  if (email.length > 255) throw validationFailed('An email address is too long');
  if (!emailPattern.test(email)) throw validationFailed('Unable to validate email address: invalid format');
  return email.toLowerCase();
}

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Whether a value is a UUID in its canonical text form (user and session ids). */
export function isUuid(value: unknown): value is string {
  return typeof value === 'string' && uuidPattern.test(value);
}
