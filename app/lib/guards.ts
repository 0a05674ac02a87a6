/**
 * Readers for JSON that comes from the network: each either returns the typed value or
 * throws InvalidResponseError naming the field, so a changed backend fails loudly where the
 * data enters instead of deep inside a screen.
 */
export class InvalidResponseError extends Error {
  constructor(readonly path: string, expected: string) {
    super(`Unexpected answer from the server: ${path} is not ${expected}`);
    this.name = 'InvalidResponseError';
  }
}

export type Reader<T> = (value: unknown, path: string) => T;

function fail(path: string, expected: string): never {
  throw new InvalidResponseError(path, expected);
}

export const text: Reader<string> = (value, path) => (typeof value === 'string' ? value : fail(path, 'a string'));

export const nonEmptyText: Reader<string> = (value, path) => (typeof value === 'string' && value.trim() !== '' ? value : fail(path, 'a non-empty string'));

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export const uuid: Reader<string> = (value, path) => (typeof value === 'string' && uuidPattern.test(value) ? value : fail(path, 'a UUID'));

/** A PostgreSQL bigint, which PostgREST sends as a JSON number; kept as digits so nothing is rounded. */
export const integerDigits: Reader<string> = (value, path) => {
  if (typeof value === 'number' && Number.isSafeInteger(value)) return String(value);
  if (typeof value === 'string' && /^-?\d+$/.test(value)) return value;
  return fail(path, 'an integer');
};

export const bool: Reader<boolean> = (value, path) => (typeof value === 'boolean' ? value : fail(path, 'true or false'));

/** A PostgreSQL numeric as a JS number (PostgREST sends a number, some proxies a numeric string). */
export const decimal: Reader<number> = (value, path) => {
  const parsed = typeof value === 'string' && /^-?\d+(\.\d+)?$/.test(value) ? Number(value) : value;
  return typeof parsed === 'number' && Number.isFinite(parsed) ? parsed : fail(path, 'a number');
};

/** A JSON object whose fields the caller reads one by one (e.g. jsonb params). */
export const record: Reader<Record<string, unknown>> = (value, path) =>
  value !== null && typeof value === 'object' && !Array.isArray(value) ? Object.fromEntries(Object.entries(value)) : fail(path, 'an object');

export function oneOf<const T extends string>(values: readonly T[]): Reader<T> {
  return (value, path) => (values.includes(value as T) ? (value as T) : fail(path, `one of ${values.join(', ')}`));
}

export function nullable<T>(read: Reader<T>): Reader<T | null> {
  return (value, path) => (value === null || value === undefined ? null : read(value, path));
}

export function object<S extends Record<string, Reader<unknown>>>(shape: S): Reader<{ [K in keyof S]: ReturnType<S[K]> }> {
  return (value, path) => {
    if (value === null || typeof value !== 'object' || Array.isArray(value)) return fail(path, 'an object');
    const source = value as Record<string, unknown>;
    const result: Record<string, unknown> = {};
    for (const [key, read] of Object.entries(shape)) result[key] = read(source[key], `${path}.${key}`);
    return result as { [K in keyof S]: ReturnType<S[K]> };
  };
}

export function array<T>(read: Reader<T>): Reader<T[]> {
  return (value, path) => (Array.isArray(value) ? value.map((item, i) => read(item, `${path}[${i}]`)) : fail(path, 'an array'));
}

/** Reads `value` as the named thing (`what` starts the path in error messages). */
export function readAs<T>(read: Reader<T>, value: unknown, what: string): T {
  return read(value, what);
}
