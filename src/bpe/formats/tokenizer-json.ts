/**
 * Hugging Face `tokenizer.json` for byte-level BPE, written and read.
 *
 * Export writes:
 * - `model`: `BPE` with `vocab` keyed by the byte-level strings of the tokens (GPT-2's bytes_to_unicode, see
 *   byte-level.ts), `merges` as `[left, right]` pairs (tokenizers >= 0.20 writes and reads this form; it also
 *   reads the older `"left right"` strings, which import accepts too), `ignore_merges: true` (a piece that is
 *   a whole token is that token, as in tiktoken), no unk token, prefix, suffix, byte fallback or dropout.
 * - `pre_tokenizer`: `Sequence[Split(Regex <pattern>, Isolated), ByteLevel(add_prefix_space false,
 *   use_regex false)]`, where <pattern> is the vocabulary's pattern in the Oniguruma dialect `tokenizers`
 *   compiles (see `toRustRegex`).
 * - `decoder`: `ByteLevel`; `added_tokens`: the special tokens, `special: true`, not normalized. They are also
 *   in `vocab` under their text (as in GPT-2's file): `tokenizers` ignores an added token's id unless the
 *   model vocab has it, and would renumber specials that do not directly follow the ordinary tokens.
 *
 * Merges. tokenlab encodes with tiktoken's rule: merge the adjacent pair whose concatenation is the token of
 * lowest rank (id). `tokenizers` merges the adjacent pair that comes first in `merges`. With the merges a
 * vocabulary was trained with, these differ: a token `abc` learned as `ab`+`c` but met as [`a`, `bc`] is
 * merged by tiktoken (abc has a rank) and not by `tokenizers` ((a, bc) is not a merge). The export therefore
 * derives its merges from the ranks (see `hfMerges`): for each token in rank order, the pair tiktoken merges
 * into it, then every other split of it into two tokens. Then `tokenizers` gives a pair the rank of the
 * token it makes, as tiktoken does, and prefers, among pairs making one token, the only one tiktoken can
 * meet; with `ignore_merges` (a piece that is a whole token is that token) the two encode alike.
 *
 * Import reads a tokenizer.json of this kind (BPE model over byte-level strings, ByteLevel pre-tokenizer
 * alone, or Split(Regex) then ByteLevel without its regex) into a Vocabulary: ordinary tokens by id from
 * `vocab`, specials from `added_tokens`, merges as listed in the file (for a file tokenlab wrote, that is
 * every split of every token), the pattern recovered from the regex (`fromRustRegex`). Anything else (other
 * models, normalizers, prefix spaces, byte fallback) is refused with a VocabularyError saying what.
 * The post-processor is ignored: it adds tokens around an encoding, it is not part of the vocabulary.
 */
import { PATTERN_NAMES, UPSTREAM_PATTERNS, isPatternName, patternSource } from '../pretokenize/patterns.js';
import type { SpecialToken, Vocabulary } from '../vocabulary.js';
import { bytesToLatin1 } from '../bytes.js';
import { bytesToByteLevel, byteLevelToBytes } from './byte-level.js';
import { VocabularyError, bytePairMerge, compilePattern, validateVocabulary } from '../encode/encoder.js';

// ---------------------------------------------------------------------------------------------------------
// Regex dialects. Vocabularies store JavaScript regex sources (flags `gu`); tiktoken (Rust `fancy-regex`) and
// `tokenizers` (Oniguruma) use another dialect. The translation below targets the common subset of both.

/** The spelling tiktoken and tokenizers were given for a named pattern (none for cjk). */
function upstream(name: string): string | undefined {
  return (UPSTREAM_PATTERNS as Partial<Record<string, string>>)[name];
}

/** JavaScript's `\s` (with the `u` flag): WhiteSpace and LineTerminator, in the Rust/Oniguruma dialect. */
const JS_WS_RUST =
  '\\t\\n\\x{B}\\x{C}\\r \\x{A0}\\x{1680}\\x{2000}-\\x{200A}\\x{2028}\\x{2029}\\x{202F}\\x{205F}\\x{3000}\\x{FEFF}';
/** Oniguruma's and Rust's `\s` (Unicode White_Space), in the JavaScript dialect. */
const RUST_WS_JS = '\\t\\n\\v\\f\\r \\x85\\xA0\\u1680\\u2000-\\u200A\\u2028\\u2029\\u202F\\u205F\\u3000';

const hex = (cp: number): string => `\\x{${cp.toString(16).toUpperCase()}}`;

function readBraced(src: string, open: number, what: string): string {
  if (src[open] !== '{') throw new VocabularyError(`regex: expected { after ${what} at ${open}`);
  const close = src.indexOf('}', open);
  if (close < 0) throw new VocabularyError(`regex: unterminated ${what}{ at ${open}`);
  return src.slice(open + 1, close);
}

function readHex(src: string, at: number, n: number, what: string): number {
  const h = src.slice(at, at + n);
  if (h.length !== n || !/^[0-9a-fA-F]+$/.test(h)) throw new VocabularyError(`regex: bad ${what} escape at ${at - 2}`);
  return parseInt(h, 16);
}

/**
 * The Rust/Oniguruma spelling of a vocabulary pattern (a name from patterns.ts or a JavaScript regex
 * source), for tiktoken's `pat_str` and tokenizer.json's Split regex. Named patterns with an upstream spelling
 * (gpt2, cl100k, o200k) get it; others are translated from JavaScript: code point escapes become `\x{...}`,
 * `\p{Script=X}` becomes `\p{X}`, `\s \d \w` `.` `^` `$` are spelled out with JavaScript's meaning, and `[`
 * `&` `~` are escaped inside classes. Throws VocabularyError for constructs with no equivalent (`\b`,
 * `\p{Script_Extensions=...}`).
 */
export function toRustRegex(pattern: string): string {
  if (isPatternName(pattern)) return upstream(pattern) ?? jsToRust(patternSource(pattern));
  compilePattern(pattern);
  return jsToRust(pattern);
}

function jsToRust(src: string): string {
  let out = '';
  let inClass = false;
  let i = 0;
  while (i < src.length) {
    const c = src[i];
    if (c === '\\') {
      const e = src[i + 1];
      if (e === undefined) throw new VocabularyError('regex: trailing backslash');
      if (e === 'x') {
        out += hex(readHex(src, i + 2, 2, '\\x'));
        i += 4;
      } else if (e === 'u') {
        if (src[i + 2] === '{') {
          const body = readBraced(src, i + 2, '\\u');
          out += hex(parseInt(body, 16));
          i += body.length + 4;
        } else {
          let cp = readHex(src, i + 2, 4, '\\u');
          i += 6;
          if (cp >= 0xd800 && cp <= 0xdbff && src[i] === '\\' && src[i + 1] === 'u' && /^[dD][c-fC-F]/.test(src.slice(i + 2))) {
            const lo = readHex(src, i + 2, 4, '\\u');
            cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
            i += 6;
          }
          out += hex(cp);
        }
      } else if (e === 'p' || e === 'P') {
        const body = readBraced(src, i + 2, `\\${e}`);
        const eq = body.indexOf('=');
        let name = body;
        if (eq >= 0) {
          const key = body.slice(0, eq);
          name = body.slice(eq + 1);
          if (key === 'Script_Extensions' || key === 'scx') {
            throw new VocabularyError(`regex: \\${e}{${body}} (script extensions) has no Oniguruma equivalent`);
          }
          if (!['Script', 'sc', 'General_Category', 'gc'].includes(key)) {
            throw new VocabularyError(`regex: unsupported property \\${e}{${body}}`);
          }
        }
        out += `\\${e}{${name}}`;
        i += body.length + 4;
      } else if ('sSdDwW'.includes(e)) {
        const set = e === 's' || e === 'S' ? JS_WS_RUST : e === 'd' || e === 'D' ? '0-9' : 'A-Za-z0-9_';
        const negated = e === 'S' || e === 'D' || e === 'W';
        out += inClass ? (negated ? `[^${set}]` : set) : negated ? `[^${set}]` : `[${set}]`;
        i += 2;
      } else if (e === 'b' || e === 'B') {
        if (!inClass || e === 'B') {
          throw new VocabularyError(`regex: \\${e} (an ASCII word boundary in JavaScript) has no exact equivalent`);
        }
        out += hex(8);
        i += 2;
      } else if (e === 'c') {
        const l = src[i + 2];
        if (l === undefined || !/[A-Za-z]/.test(l)) throw new VocabularyError(`regex: bad \\c escape at ${i}`);
        out += hex(l.charCodeAt(0) % 32);
        i += 3;
      } else if (e === 'v' || e === 'f') {
        out += hex(e === 'v' ? 11 : 12);
        i += 2;
      } else if (e === '0' && !/[0-9]/.test(src[i + 2] ?? '')) {
        out += hex(0);
        i += 2;
      } else if ('tnr'.includes(e) || /[1-9]/.test(e)) {
        out += `\\${e}`;
        i += 2;
      } else if (e === 'k') {
        const close = src.indexOf('>', i);
        out += src.slice(i, close + 1);
        i = close + 1;
      } else if (/[\^$\\.*+?()[\]{}|/-]/.test(e)) {
        out += e === '/' ? '/' : `\\${e}`;
        i += 2;
      } else {
        throw new VocabularyError(`regex: unsupported escape \\${e}`);
      }
      continue;
    }
    const cp = src.codePointAt(i)!;
    const ch = String.fromCodePoint(cp);
    i += ch.length;
    if (inClass) {
      if (ch === ']') inClass = false;
      out += ch === '[' || ch === '&' || ch === '~' ? `\\${ch}` : ch;
    } else if (ch === '[') {
      inClass = true;
      let negate = false;
      if (src[i] === '^') {
        negate = true;
        i++;
      }
      if (src[i] === ']') {
        // JavaScript's [] matches nothing and [^] anything; Rust and Oniguruma read `[]...]` differently.
        out += negate ? '[\\x{0}-\\x{10FFFF}]' : '[^\\x{0}-\\x{10FFFF}]';
        inClass = false;
        i++;
      } else {
        out += negate ? '[^' : '[';
      }
    } else if (ch === '.') {
      out += '[^\\n\\r\\x{2028}\\x{2029}]';
    } else if (ch === '^') {
      out += '\\A';
    } else if (ch === '$') {
      out += '\\z';
    } else {
      out += ch;
    }
  }
  return out;
}

/** Case variants `(?i:)` matches for a letter, as Unicode simple case folding does for ASCII. */
function caseVariants(ch: string): string[] {
  const v = new Set([ch, ch.toLowerCase(), ch.toUpperCase()]);
  const lower = ch.toLowerCase();
  if (lower === 's') v.add('\u017F'); // ſ folds to s
  if (lower === 'k') v.add('\u212A'); // the Kelvin sign folds to k
  if (lower === '\u00E5') v.add('\u212B'); // the Angstrom sign folds to å
  return [...v].filter((x) => x.length === 1 || [...x].length === 1);
}

function escapeJsChar(ch: string): string {
  return /[\^$\\.*+?()[\]{}|/]/.test(ch) ? `\\${ch}` : ch;
}

/**
 * A vocabulary pattern from a Rust/Oniguruma regex: a pattern name if the regex is the spelling of one
 * (`toRustRegex` of that name, or the upstream tiktoken/HF spelling), else the regex translated to
 * JavaScript (`\s \d \w` `.` `^` `$` with their Oniguruma meaning, `\x{...}`, `\p{Han}` as
 * `\p{Script=Han}`, `(?i:...)` over literal text expanded to classes). Throws VocabularyError for
 * constructs JavaScript cannot express (possessive quantifiers, atomic groups, nested classes, `\b`, ...).
 */
export function fromRustRegex(src: string): string {
  for (const name of PATTERN_NAMES) {
    if (src === toRustRegex(name) || src === upstream(name)) return name;
    try {
      if (src === jsToRust(patternSource(name))) return name;
    } catch {
      // a named pattern with no Rust spelling cannot be the source of this one
    }
  }
  const js = rustToJs(src);
  compilePattern(js);
  return js;
}

function rustToJs(src: string): string {
  let out = '';
  let inClass = false;
  let i = 0;
  // Depth of `(?i:` groups still open and, per open group, whether it is case-insensitive.
  const groups: boolean[] = [];
  const caseless = (): boolean => groups.includes(true);
  const unsupported = (what: string): never => {
    throw new VocabularyError(`regex: ${what} has no JavaScript equivalent (at ${i} in ${JSON.stringify(src)})`);
  };
  let lastWasQuantifier = false;
  while (i < src.length) {
    const c = src[i];
    if (c === '\\') {
      const e = src[i + 1];
      if (e === undefined) throw new VocabularyError('regex: trailing backslash');
      lastWasQuantifier = false;
      if (e === 'x') {
        if (src[i + 2] === '{') {
          const body = readBraced(src, i + 2, '\\x');
          out += `\\u{${body}}`;
          i += body.length + 4;
        } else {
          out += `\\u{${readHex(src, i + 2, 2, '\\x').toString(16)}}`;
          i += 4;
        }
      } else if (e === 'u') {
        out += `\\u{${readHex(src, i + 2, 4, '\\u').toString(16)}}`;
        i += 6;
      } else if (e === 'p' || e === 'P') {
        let body = readBraced(src, i + 2, `\\${e}`);
        i += body.length + 4;
        let neg = e === 'P';
        if (body.startsWith('^')) {
          neg = !neg;
          body = body.slice(1);
        }
        const p = neg ? 'P' : 'p';
        const valid = (s: string): boolean => {
          try {
            new RegExp(s, 'u');
            return true;
          } catch {
            return false;
          }
        };
        if (valid(`\\p{${body}}`)) out += `\\${p}{${body}}`;
        else if (valid(`\\p{Script=${body}}`)) out += `\\${p}{Script=${body}}`;
        else unsupported(`the property \\p{${body}}`);
      } else if ('sSdDwWhH'.includes(e)) {
        const l = e.toLowerCase();
        const set =
          l === 's' ? RUST_WS_JS : l === 'd' ? '\\p{Nd}' : l === 'w' ? '\\p{L}\\p{M}\\p{Nd}\\p{Pc}' : '0-9a-fA-F';
        const negated = e !== l;
        if (inClass && negated) unsupported(`\\${e} inside a class`);
        out += inClass ? set : negated ? `[^${set}]` : `[${set}]`;
        i += 2;
      } else if (e === 'A' && !inClass) {
        out += '^';
        i += 2;
      } else if (e === 'z' && !inClass) {
        out += '$';
        i += 2;
      } else if (e === 'Z' && !inClass) {
        out += '(?=\\n?$)';
        i += 2;
      } else if (e === 'b' && inClass) {
        out += '\\x08';
        i += 2;
      } else if (e === 'a' || e === 'e') {
        out += e === 'a' ? '\\x07' : '\\x1B';
        i += 2;
      } else if ('tnrfv'.includes(e) || /[1-9]/.test(e)) {
        out += `\\${e}`;
        i += 2;
      } else if (e === '0' && !/[0-7]/.test(src[i + 2] ?? '')) {
        out += '\\0';
        i += 2;
      } else if (e === 'k' && src[i + 2] === '<') {
        const close = src.indexOf('>', i);
        out += src.slice(i, close + 1);
        i = close + 1;
      } else if (/[A-Za-z0-9]/.test(e)) {
        unsupported(`the escape \\${e}`);
      } else {
        const cp = src.codePointAt(i + 1)!;
        const ch = String.fromCodePoint(cp);
        out += inClass ? (ch === '-' || ch === ']' || ch === '\\' || ch === '^' ? `\\${ch}` : ch) : escapeJsChar(ch);
        i += 1 + ch.length;
      }
      continue;
    }
    const cp = src.codePointAt(i)!;
    const ch = String.fromCodePoint(cp);
    if (inClass) {
      if (ch === '[') unsupported('a nested class or POSIX bracket');
      if (ch === '&' && src[i + 1] === '&') unsupported('class intersection &&');
      if (ch === ']') inClass = false;
      out += ch;
      i += ch.length;
      continue;
    }
    if (ch === '+' && lastWasQuantifier) unsupported('a possessive quantifier');
    lastWasQuantifier = false;
    if (ch === '[') {
      if (caseless()) unsupported('a class inside (?i:...)');
      inClass = true;
      out += '[';
      i++;
      if (src[i] === '^') {
        out += '^';
        i++;
      }
      if (src[i] === ']') {
        out += '\\]';
        i++;
      }
      continue;
    }
    if (ch === '(') {
      if (src.startsWith('(?i:', i)) {
        groups.push(true);
        out += '(?:';
        i += 4;
      } else if (src.startsWith('(?#', i)) {
        const close = src.indexOf(')', i);
        i = close < 0 ? src.length : close + 1;
      } else if (/^\((?:\?:|\?=|\?!|\?<=|\?<!|\?<[A-Za-z_])/.test(src.slice(i, i + 4)) || src[i + 1] !== '?') {
        groups.push(false);
        out += '(';
        i++;
      } else {
        unsupported(`the group ${src.slice(i, i + 3)}`);
      }
      continue;
    }
    if (ch === ')') {
      groups.pop();
      out += ')';
      i++;
      lastWasQuantifier = false;
      continue;
    }
    if (ch === '*' || ch === '+' || ch === '?' || ch === '}') {
      out += ch;
      i++;
      // `x??` and `x*?` are lazy (fine in JS); `x?+` `x*+` `x++` `x{n}+` are possessive.
      lastWasQuantifier = !(ch === '?' && out.length >= 2 && '*+?}'.includes(out[out.length - 2]));
      continue;
    }
    if (ch === '.') out += '[^\\n]';
    else if (ch === '^') out += '(?<![^\\n])';
    else if (ch === '$') out += '(?![^\\n])';
    else if (caseless() && /\p{L}/u.test(ch)) {
      const v = caseVariants(ch);
      out += v.length > 1 ? `[${v.join('')}]` : ch;
    } else out += ch;
    i += ch.length;
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------
// Merges

/**
 * For each multi-byte token, the pair tiktoken's BPE merges into it: run BPE on the token's own bytes,
 * never forming the token itself, and take the two parts it ends with. undefined where it ends with more
 * than two parts (such a token is only ever produced whole, as a piece that is a token).
 *
 * Why this pair is the only one that matters: within a span of a piece that is covered by whole symbols,
 * tiktoken's merges happen in exactly the order they would if the span's bytes were encoded alone (each
 * step takes the lowest-ranked, leftmost pair, and a pair inside the span only depends on the span). That
 * order passes through exactly one state of two parts. So whenever tiktoken makes token t by a merge, the
 * two parts are this pair, whatever the context. For tokens that BPE can build from lower ranks (all of
 * cl100k_base and o200k_base) it equals `deriveMerges`'s pair.
 */
export function finalSplits(vocab: Vocabulary): Array<[number, number] | undefined> {
  const ids = new Map<string, number>();
  vocab.tokens.forEach((t, id) => ids.set(bytesToLatin1(t), id));
  return vocab.tokens.map((t) => {
    if (t.length < 2) return undefined;
    const s = bytesToLatin1(t);
    const withoutSelf = { get: (k: string) => (k.length === s.length ? undefined : ids.get(k)) };
    const b = bytePairMerge(s, withoutSelf);
    return b.length === 3 ? [ids.get(s.slice(0, b[1]))!, ids.get(s.slice(b[1]))!] : undefined;
  });
}

export interface HfMergesOptions {
  /**
   * Also list the other splits of each token into two tokens (after its final split, left to right by split
   * point). Default true. They are never needed when encoding agrees with tiktoken (see finalSplits); they
   * are there so that `tokenizers` still merges a pair tiktoken would merge if that ever happened.
   */
  allSplits?: boolean;
}

/**
 * The merge list that makes `tokenizers` (with `ignore_merges`) encode like tiktoken: for every multi-byte
 * token t in rank (id) order, first its final split (the pair tiktoken merges into t, see finalSplits), then
 * every other split of t into two tokens (x, y), x + y = t. The pair priority `tokenizers` uses is then the
 * rank of the token the pair makes, as in tiktoken, and among pairs making the same token the one tiktoken can
 * meet comes first. The merges the vocabulary was trained with are not used: they can differ (a token
 * learned as ab+c may be reached as a+bc, which tiktoken merges and a learned-merges list would not).
 */
export function hfMerges(vocab: Vocabulary, options: HfMergesOptions = {}): Array<[number, number]> {
  const allSplits = options.allSplits ?? true;
  const ids = new Map<string, number>();
  vocab.tokens.forEach((t, id) => ids.set(bytesToLatin1(t), id));
  const finals = finalSplits(vocab);
  const merges: Array<[number, number]> = [];
  vocab.tokens.forEach((t, id) => {
    const fin = finals[id];
    if (fin !== undefined) merges.push(fin);
    if (!allSplits || t.length < 2) return;
    const s = bytesToLatin1(t);
    for (let k = 1; k < s.length; k++) {
      const a = ids.get(s.slice(0, k));
      if (a === undefined) continue;
      const b = ids.get(s.slice(k));
      if (b !== undefined && !(fin !== undefined && fin[0] === a && fin[1] === b)) merges.push([a, b]);
    }
  });
  return merges;
}

// ---------------------------------------------------------------------------------------------------------
// tokenizer.json

export interface TokenizerJsonOptions {
  /** Indent the JSON (2 spaces). Default false. */
  pretty?: boolean;
  /** Which merges to list; see hfMerges. */
  merges?: HfMergesOptions;
}

/** A Hugging Face tokenizer.json that encodes like tokenlab's Encoder (see the module comment). */
export function exportTokenizerJson(vocab: Vocabulary, options: TokenizerJsonOptions = {}): string {
  validateVocabulary(vocab);
  const strs = vocab.tokens.map(bytesToByteLevel);
  const vocabObj: Record<string, number> = {};
  strs.forEach((s, id) => {
    vocabObj[s] = id;
  });
  // tokenizers gives an added token the id its content has in the model vocab; one that is not there gets
  // the next free id after the vocab, whatever the file says. So the specials go into the vocab too (as in
  // GPT-2's file); added tokens are split out of the text before the model runs, so BPE never produces them.
  for (const sp of vocab.specials) {
    if (Object.hasOwn(vocabObj, sp.text)) {
      throw new VocabularyError(
        `tokenizer.json cannot hold special ${JSON.stringify(sp.text)}: its text is also the byte-level form of ordinary token ${vocabObj[sp.text]}`,
      );
    }
    vocabObj[sp.text] = sp.id;
  }
  const merges = hfMerges(vocab, options.merges).map(([a, b]) => [strs[a], strs[b]]);
  const json = {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: [...vocab.specials]
      .sort((a, b) => a.id - b.id)
      .map((s) => ({
        id: s.id,
        content: s.text,
        single_word: false,
        lstrip: false,
        rstrip: false,
        normalized: false,
        special: true,
      })),
    normalizer: null,
    pre_tokenizer: {
      type: 'Sequence',
      pretokenizers: [
        { type: 'Split', pattern: { Regex: toRustRegex(vocab.pattern) }, behavior: 'Isolated', invert: false },
        { type: 'ByteLevel', add_prefix_space: false, trim_offsets: true, use_regex: false },
      ],
    },
    post_processor: null,
    decoder: { type: 'ByteLevel', add_prefix_space: true, trim_offsets: true, use_regex: true },
    model: {
      type: 'BPE',
      dropout: null,
      unk_token: null,
      continuing_subword_prefix: null,
      end_of_word_suffix: null,
      fuse_unk: false,
      byte_fallback: false,
      ignore_merges: true,
      vocab: vocabObj,
      merges,
    },
  };
  return JSON.stringify(json, null, options.pretty ? 2 : undefined);
}

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

function isObject(x: unknown): x is Record<string, Json> {
  return x !== null && typeof x === 'object' && !Array.isArray(x);
}

function describeType(x: unknown): string {
  return isObject(x) && typeof x.type === 'string' ? x.type : JSON.stringify(x);
}

/** The pattern a pre-tokenizer of the supported kinds stands for; VocabularyError for any other. */
function patternOf(pre: unknown): string {
  const fail = (why: string): never => {
    throw new VocabularyError(`tokenizer.json: unsupported pre_tokenizer (${why}); tokenlab reads byte-level BPE`);
  };
  const checkByteLevel = (b: Record<string, Json>, useRegex: boolean): void => {
    if (b.add_prefix_space === true) fail('ByteLevel add_prefix_space adds a space to the text');
    if ((b.use_regex ?? true) !== useRegex) {
      fail(`ByteLevel use_regex ${String(b.use_regex ?? true)} where ${String(useRegex)} was expected`);
    }
  };
  if (!isObject(pre)) return fail(pre === null || pre === undefined ? 'none: not byte-level' : 'not an object');
  if (pre.type === 'ByteLevel') {
    checkByteLevel(pre, true);
    return 'gpt2';
  }
  if (pre.type !== 'Sequence' || !Array.isArray(pre.pretokenizers)) return fail(describeType(pre));
  const [split, bl, ...rest] = pre.pretokenizers;
  if (pre.pretokenizers.length === 1 && isObject(split) && split.type === 'ByteLevel') return patternOf(split);
  if (rest.length > 0 || !isObject(split) || !isObject(bl)) {
    return fail('a Sequence other than [Split, ByteLevel]');
  }
  if (split.type !== 'Split') return fail(`Sequence starting with ${describeType(split)}`);
  if (bl.type !== 'ByteLevel') return fail(`Sequence ending with ${describeType(bl)}`);
  checkByteLevel(bl, false);
  if (split.behavior !== 'Isolated') return fail(`Split behavior ${String(split.behavior)}, not Isolated`);
  if (split.invert === true) return fail('inverted Split');
  const p = split.pattern;
  if (!isObject(p) || typeof p.Regex !== 'string') return fail('Split pattern is not a Regex');
  return fromRustRegex(p.Regex);
}

/** Read a byte-level BPE tokenizer.json into a Vocabulary (see the module comment); VocabularyError if not. */
export function importTokenizerJson(text: string): Vocabulary {
  let j: unknown;
  try {
    j = JSON.parse(text);
  } catch (e) {
    throw new VocabularyError(`tokenizer.json is not JSON: ${(e as Error).message}`);
  }
  if (!isObject(j)) throw new VocabularyError('tokenizer.json: expected a JSON object');
  const model = j.model;
  if (!isObject(model)) throw new VocabularyError('tokenizer.json: no "model" object');
  const type = model.type ?? (isObject(model.vocab) && Array.isArray(model.merges) ? 'BPE' : undefined);
  if (type !== 'BPE') {
    throw new VocabularyError(
      `tokenizer.json: unsupported model type ${JSON.stringify(type ?? null)}; tokenlab reads byte-level BPE only`,
    );
  }
  if (model.byte_fallback === true) {
    throw new VocabularyError('tokenizer.json: BPE with byte_fallback (SentencePiece style) is not byte-level BPE');
  }
  for (const k of ['continuing_subword_prefix', 'end_of_word_suffix'] as const) {
    if (model[k] !== undefined && model[k] !== null && model[k] !== '') {
      throw new VocabularyError(`tokenizer.json: BPE with ${k} ${JSON.stringify(model[k])} is not byte-level BPE`);
    }
  }
  if (typeof model.dropout === 'number' && model.dropout > 0) {
    throw new VocabularyError('tokenizer.json: BPE dropout is not supported');
  }
  if (j.normalizer !== undefined && j.normalizer !== null) {
    throw new VocabularyError(`tokenizer.json: normalizer ${describeType(j.normalizer)} is not supported`);
  }
  if (j.decoder !== undefined && j.decoder !== null && !(isObject(j.decoder) && j.decoder.type === 'ByteLevel')) {
    throw new VocabularyError(`tokenizer.json: decoder ${describeType(j.decoder)} is not ByteLevel`);
  }
  const pattern = patternOf(j.pre_tokenizer);

  const added = j.added_tokens ?? [];
  if (!Array.isArray(added)) throw new VocabularyError('tokenizer.json: added_tokens is not an array');
  const specials: SpecialToken[] = added.map((a, i) => {
    if (!isObject(a) || typeof a.content !== 'string' || !Number.isInteger(a.id)) {
      throw new VocabularyError(`tokenizer.json: added_tokens[${i}] needs a string content and an integer id`);
    }
    return { text: a.content, id: a.id as number };
  });
  const specialIds = new Set(specials.map((s) => s.id));

  if (!isObject(model.vocab)) throw new VocabularyError('tokenizer.json: model.vocab is not an object');
  const byId = new Map<number, string>();
  for (const [key, id] of Object.entries(model.vocab)) {
    if (typeof id !== 'number' || !Number.isInteger(id) || id < 0) {
      throw new VocabularyError(`tokenizer.json: vocab entry ${JSON.stringify(key)} has id ${JSON.stringify(id)}`);
    }
    if (specialIds.has(id)) continue; // an added token also listed in the model vocab (as GPT-2's file does)
    const prev = byId.get(id);
    if (prev !== undefined) {
      throw new VocabularyError(`tokenizer.json: vocab entries ${JSON.stringify(prev)} and ${JSON.stringify(key)} share id ${id}`);
    }
    byId.set(id, key);
  }
  const tokens: Uint8Array[] = new Array(byId.size);
  const idOf = new Map<string, number>();
  for (let id = 0; id < byId.size; id++) {
    const key = byId.get(id);
    if (key === undefined) {
      throw new VocabularyError(`tokenizer.json: ordinary token ids must be dense from 0; id ${id} is missing`);
    }
    const bytes = byteLevelToBytes(key);
    if (bytes === undefined) {
      throw new VocabularyError(
        `tokenizer.json: vocab entry ${JSON.stringify(key)} (id ${id}) is not a byte-level string: not byte-level BPE`,
      );
    }
    tokens[id] = bytes;
    idOf.set(key, id);
  }

  if (!Array.isArray(model.merges)) throw new VocabularyError('tokenizer.json: model.merges is not an array');
  const merges: Array<[number, number]> = model.merges.map((m, i) => {
    let parts: Json[];
    if (typeof m === 'string') parts = m.split(' ');
    else if (Array.isArray(m)) parts = m;
    else throw new VocabularyError(`tokenizer.json: merges[${i}] is neither "a b" nor [a, b]`);
    if (parts.length !== 2 || typeof parts[0] !== 'string' || typeof parts[1] !== 'string') {
      throw new VocabularyError(`tokenizer.json: merges[${i}] ${JSON.stringify(m)} is not a pair of tokens`);
    }
    const a = idOf.get(parts[0]);
    const b = idOf.get(parts[1]);
    if (a === undefined || b === undefined) {
      throw new VocabularyError(
        `tokenizer.json: merges[${i}] ${JSON.stringify(m)} names ${JSON.stringify(a === undefined ? parts[0] : parts[1])}, which is not in the vocab`,
      );
    }
    return [a, b];
  });
  const vocab: Vocabulary = { pattern, tokens, merges, specials };
  try {
    validateVocabulary(vocab);
  } catch (e) {
    throw new VocabularyError(`tokenizer.json: ${(e as Error).message}`);
  }
  return vocab;
}
