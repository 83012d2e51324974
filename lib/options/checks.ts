/**
 * The checks every option goes through, written once: each returns the clean value or throws a
 * {@link ChatOptionError} naming the option, what it must be, and the value it got.
 */
import { invalidOption, unknownOption } from './option-error';

/**
 * The value, or `fallback` when it was left out. Only `undefined` means "left out" (as in
 * express-rate-limit): `null` is a value like any other, and refused by the option's check.
 */
export function orDefault<T>(value: T | undefined, fallback: T): T {
  return value === undefined ? fallback : value;
}

/** A whole number from `min` to `max`. */
export function checkInteger(name: string, value: unknown, min: number, max: number): number {
  if (typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max) return value;
  throw invalidOption(name, `a whole number from ${min} to ${max}`, value);
}

/** `true` or `false`. */
export function checkBoolean(name: string, value: unknown): boolean {
  if (typeof value === 'boolean') return value;
  throw invalidOption(name, 'true or false', value);
}

/** A function, or `undefined` for none. */
export function checkOptionalFunction<T>(name: string, value: unknown): T | undefined {
  if (value === undefined || typeof value === 'function') return value as T | undefined;
  throw invalidOption(name, 'a function', value);
}

/** A `{}`-style object (not an array, not null). */
export function checkObject(name: string, value: unknown, expected: string): Record<string, unknown> {
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) return value as Record<string, unknown>;
  throw invalidOption(name, expected, value);
}

/** Refuses any key of `record` not in `known`, suggesting the nearest (`where` is its dotted path, `''` at the top). */
export function checkKeys(where: string, record: object, known: readonly string[]): void {
  for (const key of Object.keys(record)) if (!known.includes(key)) throw unknownOption(where, key, known);
}

/** A list of non-empty strings; a copy, so the caller's array is never kept. */
export function checkStringList(name: string, value: unknown, expected: string): string[] {
  if (Array.isArray(value) && value.every((item) => typeof item === 'string' && item.length > 0)) return [...(value as string[])];
  throw invalidOption(name, expected, value);
}
