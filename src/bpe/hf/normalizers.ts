/**
 * The normalizer of a tokenizer.json: NFC, NFKC, NFD, NFKD, Replace, Prepend, Strip, Lowercase and Sequence,
 * with the semantics of `tokenizers` 0.23.2 (tokenizers/src/normalizers). Others are refused by name.
 *
 * One difference is left, and tests/hf-normalizers.test.ts pins it: the Unicode forms use
 * String.prototype.normalize (V8's ICU, Unicode 17.0 on Node 20.20), while `tokenizers` normalizes with the
 * crate unicode-normalization-alignments 0.1.12, whose tables are Unicode 9.0's. The 346 characters encoded
 * since then with a decomposition or a combining class (Malayalam and Tulu-Tigalari signs, combining marks,
 * modifier letters, the segmented digits U+1FBF0..U+1FBF9, ...) normalize differently; a sweep of every code
 * point finds no other difference.
 */
import { isWhiteSpace } from '../pretokenize/patterns.js';
import { describeType, isObject, unsupported, type JsonObject } from './json.js';
import { boolField, listField, oneUnit, stringField } from './fields.js';
import { patternFromJson, replaceMatches } from './pattern.js';

export type Normalize = (text: string) => string;

/**
 * The normalizer a tokenizer.json's `normalizer` describes, or null when there is nothing to do (null, or a
 * Sequence of nothing). Throws VocabularyError naming a part tokenlab does not implement or a malformed one.
 *
 * `normalizerFromJson({ type: 'Replace', pattern: { String: ' ' }, content: '▁' })` (Gemma 3's) turns
 * "a b" into "a▁b".
 */
export function normalizerFromJson(json: unknown): Normalize | null {
  if (json === null || json === undefined) return null;
  const steps: Normalize[] = [];
  collect(json, steps);
  if (steps.length === 0) return null;
  if (steps.length === 1) return steps[0];
  return (text) => {
    for (const step of steps) text = step(text);
    return text;
  };
}

/** A map of UTF-16 units: unit u becomes map[u]. */
export type UnitMap = Uint16Array;

/** The map that changes nothing. */
export const IDENTITY_UNITS: UnitMap = Uint16Array.from({ length: 0x10000 }, (_, u) => u);

/**
 * The normalizer as a map of UTF-16 units, when it maps each unit to one unit on its own, whatever is around it:
 * every step a Replace of one unit (not a surrogate) by one unit, or no step at all. Then normalizing a text is
 * reading its units through the map, at the same offsets, and the pipeline can hand the model spans of the
 * original text (pipeline.ts). Gemma 3's Replace of " " by "▁" is one. Else null.
 */
export function unitMapOf(json: unknown): UnitMap | null {
  const replaces: Array<[number, number]> = [];
  if (json !== null && json !== undefined && !unitReplaces(json, replaces)) return null;
  if (replaces.length === 0) return IDENTITY_UNITS;
  const map = IDENTITY_UNITS.slice();
  // Each step reads the text the steps before it made: a → b then b → c maps a to c.
  for (const [from, to] of replaces) for (let u = 0; u < 0x10000; u++) if (map[u] === from) map[u] = to;
  return map;
}

/** Appends the (from, to) units of each step to `out`; false when a step is not a Replace of one unit by one. */
function unitReplaces(json: unknown, out: Array<[number, number]>): boolean {
  if (!isObject(json)) return false;
  if (json.type === 'Sequence') return Array.isArray(json.normalizers) && json.normalizers.every((n) => unitReplaces(n, out));
  if (json.type !== 'Replace' || !isObject(json.pattern) || Object.keys(json.pattern).length !== 1) return false;
  const from = oneUnit(json.pattern.String);
  const to = oneUnit(json.content);
  if (from < 0 || to < 0) return false;
  out.push([from, to]);
  return true;
}

/** Appends the steps of one normalizer, a Sequence's in order. */
function collect(json: unknown, steps: Normalize[]): void {
  const type = describeType(json);
  if (!isObject(json)) throw unsupported('normalizer', type);
  switch (json.type) {
    case 'NFC':
    case 'NFD':
    case 'NFKC':
    case 'NFKD': {
      const form = json.type;
      steps.push((text) => text.normalize(form));
      return;
    }
    case 'Lowercase':
      steps.push(lowercase);
      return;
    case 'Strip':
      steps.push(strip(boolField('normalizer Strip', json, 'strip_left'), boolField('normalizer Strip', json, 'strip_right')));
      return;
    case 'Prepend': {
      const prefix = stringField('normalizer Prepend', json, 'prepend');
      steps.push((text) => (text === '' ? text : prefix + text));
      return;
    }
    case 'Replace':
      steps.push(replace(json));
      return;
    case 'Sequence':
      for (const part of listField('normalizer Sequence', json, 'normalizers')) collect(part, steps);
      return;
    default:
      throw unsupported('normalizer', type);
  }
}

/**
 * Rust's `char::to_lowercase`, one code point at a time: JavaScript's toLowerCase but for its one rule with
 * context, the final sigma. "ΟΔΟΣ" becomes "οδοσ" here (toLowerCase gives "οδος"); "İ" becomes "i̇" in both.
 */
function lowercase(text: string): string {
  if (!text.includes('Σ')) return text.toLowerCase();
  return text
    .split('Σ')
    .map((part) => part.toLowerCase())
    .join('σ');
}

/** Strip: Rust's `char::is_whitespace` is Unicode White_Space (U+0085 yes, U+FEFF no: unlike String.prototype.trim). */
function strip(left: boolean, right: boolean): Normalize {
  return (text) => {
    let start = 0;
    let end = text.length;
    if (left) while (start < end && isWhiteSpace(text.charCodeAt(start))) start++;
    if (right) while (end > start && isWhiteSpace(text.charCodeAt(end - 1))) end--;
    return start === 0 && end === text.length ? text : text.slice(start, end);
  };
}

function replace(json: JsonObject): Normalize {
  const matcher = patternFromJson('normalizer Replace', json.pattern);
  const content = stringField('normalizer Replace', json, 'content');
  return (text) => replaceMatches(matcher, text, content);
}
