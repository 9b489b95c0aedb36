/**
 * The fields of a tokenizer.json part, read with the types `tokenizers` gives them. It refuses to load a file
 * where a required field is missing or mistyped, and so does tokenlab, naming the part and the field.
 */
import { malformed, type JsonObject } from './json.js';

function field(part: string, json: JsonObject, key: string, type: string, ok: (v: unknown) => boolean): unknown {
  const v = json[key];
  if (!ok(v)) throw malformed(part, `${key} must be ${type}, not ${v === undefined ? 'missing' : JSON.stringify(v)}`);
  return v;
}

export function boolField(part: string, json: JsonObject, key: string): boolean {
  return field(part, json, key, 'true or false', (v) => typeof v === 'boolean') as boolean;
}

/** An optional boolean: undefined when absent (or null, as serde reads an Option). */
export function optionalBoolField(part: string, json: JsonObject, key: string): boolean | undefined {
  return json[key] === undefined || json[key] === null ? undefined : boolField(part, json, key);
}

export function stringField(part: string, json: JsonObject, key: string): string {
  return field(part, json, key, 'a string', (v) => typeof v === 'string') as string;
}

/** A Rust `char`: a string of exactly one code point. */
export function charField(part: string, json: JsonObject, key: string): string {
  return field(part, json, key, 'one character', (v) => typeof v === 'string' && v.length > 0 && [...v].length === 1) as string;
}

/** A Rust `usize`. */
export function countField(part: string, json: JsonObject, key: string): number {
  return field(part, json, key, 'a non-negative integer', (v) => Number.isSafeInteger(v) && (v as number) >= 0) as number;
}

export function listField(part: string, json: JsonObject, key: string): unknown[] {
  return field(part, json, key, 'a list', Array.isArray) as unknown[];
}

/** The code unit of a string of one UTF-16 unit that is not a surrogate (what a unit map can hold), else -1. */
export function oneUnit(s: unknown): number {
  return typeof s === 'string' && s.length === 1 && !(s >= '\ud800' && s <= '\udfff') ? s.charCodeAt(0) : -1;
}
