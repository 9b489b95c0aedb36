/**
 * The decoder of a tokenizer.json: ByteLevel, Metaspace, Replace, ByteFallback, Fuse, Strip and Sequence, with
 * the semantics of `tokenizers` 0.23.2 (tokenizers/src/decoders and the decoders of pre_tokenizers/). Each
 * step maps the list of token strings to a new list (`decode_chain`); decoding joins the last list. Others are
 * refused by name.
 */
import { utf8Decode, utf8Encode } from '../bytes.js';
import { byteLevelToBytes } from '../formats/byte-level.js';
import { describeType, isObject, unsupported, type JsonObject } from './json.js';
import { boolField, charField, countField, listField, stringField } from './fields.js';
import { patternFromJson, replaceMatches } from './pattern.js';
import { metaspaceOptions } from './pre-tokenizers.js';

export type Decode = (tokens: string[]) => string;
type Step = (tokens: string[]) => string[];

/**
 * What `Tokenizer.decode` makes of the token strings of the ids (vocabulary keys, added tokens' contents): the
 * decoder's steps in order, then the strings joined; with no decoder, the strings joined by spaces. Throws
 * VocabularyError naming a part tokenlab does not implement or a malformed one.
 *
 * Gemma 3's `Sequence[Replace(▁ → " "), ByteFallback, Fuse]` decodes ["▁中", "<0xE6>", "<0x96>", "<0x87>"] to " 中文".
 */
export function decoderFromJson(json: unknown): Decode {
  if (json === null || json === undefined) return (tokens) => tokens.join(' ');
  const steps: Step[] = [];
  collect(json, steps);
  return (tokens) => {
    for (const step of steps) tokens = step(tokens);
    return tokens.join('');
  };
}

function collect(json: unknown, steps: Step[]): void {
  const type = describeType(json);
  if (!isObject(json)) throw unsupported('decoder', type);
  switch (json.type) {
    case 'ByteLevel':
      // tokenizers requires these two, though decoding reads neither.
      boolField('decoder ByteLevel', json, 'add_prefix_space');
      boolField('decoder ByteLevel', json, 'trim_offsets');
      steps.push(byteLevel);
      return;
    case 'Metaspace':
      steps.push(metaspace(json));
      return;
    case 'Replace': {
      const matcher = patternFromJson('decoder Replace', json.pattern);
      const content = stringField('decoder Replace', json, 'content');
      steps.push((tokens) => tokens.map((t) => replaceMatches(matcher, t, content)));
      return;
    }
    case 'ByteFallback':
      steps.push(byteFallback);
      return;
    case 'Fuse':
      steps.push((tokens) => [tokens.join('')]);
      return;
    case 'Strip':
      steps.push(strip(json));
      return;
    case 'Sequence':
      for (const part of listField('decoder Sequence', json, 'decoders')) collect(part, steps);
      return;
    default:
      throw unsupported('decoder', type);
  }
}

/**
 * ByteLevel: all tokens' bytes as one UTF-8 text. A token with a character outside GPT-2's byte alphabet (an
 * added token such as "<｜end▁of▁sentence｜>") stands for its own UTF-8; invalid UTF-8 becomes U+FFFD per
 * maximal invalid sequence (Rust's from_utf8_lossy, as TextDecoder does).
 */
function byteLevel(tokens: string[]): string[] {
  const parts = tokens.map((t) => byteLevelToBytes(t) ?? utf8Encode(t));
  const bytes = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    bytes.set(p, at);
    at += p.length;
  }
  return [utf8Decode(bytes)];
}

/** Metaspace: the replacement character becomes a space, except in the first token, where it goes (unless "never"). */
function metaspace(json: JsonObject): Step {
  const { replacement, scheme } = metaspaceOptions('decoder Metaspace', json);
  return (tokens) => tokens.map((t, i) => t.split(replacement).join(i === 0 && scheme !== 'never' ? '' : ' '));
}

/** Strict UTF-8 that keeps a leading BOM, as Rust's String::from_utf8. */
const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/**
 * A byte token's value: "<0xE4>" is 0xE4. Rust's u8::from_str_radix reads the two characters, so lowercase
 * digits and a plus sign ("<0x+A>") pass too.
 */
function byteOf(token: string): number {
  if (token.length !== 6 || !token.startsWith('<0x') || token[5] !== '>') return -1;
  const digits = token.slice(3, 5);
  return /^(?:[0-9a-fA-F]{2}|\+[0-9a-fA-F])$/.test(digits) ? parseInt(digits, 16) : -1;
}

/**
 * ByteFallback: a run of byte tokens becomes the text of its bytes if they are valid UTF-8, else one U+FFFD
 * per byte token; other tokens pass unchanged.
 */
function byteFallback(tokens: string[]): string[] {
  const out: string[] = [];
  const run: number[] = [];
  const flush = (): void => {
    if (run.length === 0) return;
    try {
      out.push(strictUtf8.decode(Uint8Array.from(run)));
    } catch {
      for (let i = 0; i < run.length; i++) out.push('\uFFFD');
    }
    run.length = 0;
  };
  for (const token of tokens) {
    const b = byteOf(token);
    if (b >= 0) {
      run.push(b);
    } else {
      flush();
      out.push(token);
    }
  }
  flush();
  return out;
}

/** The error for a token on which tokenizers' Strip panics (its process aborts). */
function panics(token: string, why: string): Error {
  return new Error(`decoder Strip: tokenizers panics on ${JSON.stringify(token)} (${why})`);
}

/** Strip: up to `start` leading and `stop` trailing `content` characters off each token. */
function strip(json: JsonObject): Step {
  const part = 'decoder Strip';
  const content = charField(part, json, 'content');
  const start = countField(part, json, 'start');
  const stop = countField(part, json, 'stop');
  return (tokens) =>
    tokens.map((token) => {
      const chars = [...token];
      let from = 0;
      while (from < Math.min(start, chars.length) && chars[from] === content) from++;
      let to = chars.length;
      for (let i = 0; i < stop; i++) {
        const index = chars.length - i - 1;
        if (index < 0) throw panics(token, 'an index below zero');
        if (chars[index] !== content) break;
        to = index;
      }
      if (from > to) throw panics(token, 'a slice that ends before it starts');
      return chars.slice(from, to).join('');
    });
}
