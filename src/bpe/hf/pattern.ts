/**
 * The patterns of a tokenizer.json (`{"String": s}` or `{"Regex": r}` in Split, the Replace normalizer and
 * the Replace decoder), matched the way `tokenizers` matches them: `find_matches` of tokenizer/pattern.rs
 * over the onig crate's `find_iter`. A String is a literal (`tokenizers` escapes it into a regex, so the
 * empty string matches the empty string at every position); a Regex is in Oniguruma's dialect and is read
 * with `fromRustRegex` (a regex that is the spelling of a named pattern runs on its hand-written scanner).
 */
import { VocabularyError } from '../vocabulary.js';
import { fromRustRegex } from '../pretokenize/regex-dialects.js';
import { UPSTREAM_PATTERNS, isPatternName, pieceEndFunction, unicodeTable, type PieceEnd, type Ranges } from '../pretokenize/patterns.js';
import { describeType, isObject, malformed, type JsonObject } from './json.js';

/** Finds a pattern's leftmost match at or after a position; the match is left in `start` and `end`. */
export abstract class Matcher {
  start = 0;
  end = 0;
  abstract find(text: string, from: number): boolean;
}

/** A named pattern: it matches at least one code point at every position, so its match starts where asked. */
export class ScannerMatcher extends Matcher {
  constructor(readonly pieceEnd: PieceEnd) {
    super();
  }
  find(text: string, from: number): boolean {
    if (from >= text.length) return false;
    this.start = from;
    this.end = this.pieceEnd(text, from);
    return true;
  }
}

class LiteralMatcher extends Matcher {
  constructor(readonly literal: string) {
    super();
  }
  find(text: string, from: number): boolean {
    const at = text.indexOf(this.literal, from);
    if (at < 0) return false;
    this.start = at;
    this.end = at + this.literal.length;
    return true;
  }
}

/**
 * A JavaScript regex searched from a position. While matches follow each other with no text between them (the
 * Isolated splits of the models, whose patterns cover the text), a sticky attempt at the position finds the
 * next one without making a match object; after a gap, a global search does.
 */
class RegexMatcher extends Matcher {
  private readonly sticky: RegExp;
  private readonly global: RegExp;
  private adjacent = true;
  constructor(readonly source: string) {
    super();
    this.sticky = new RegExp(source, 'yu');
    this.global = new RegExp(source, 'gu');
  }
  find(text: string, from: number): boolean {
    // At the end only an empty match can start, so the sticky attempt is the whole search.
    if (this.adjacent || from === text.length) {
      const sticky = this.sticky;
      sticky.lastIndex = from;
      if (sticky.test(text)) {
        this.start = from;
        this.end = sticky.lastIndex;
        return true;
      }
      if (from === text.length) return false;
    }
    const global = this.global;
    global.lastIndex = from;
    const m = global.exec(text);
    if (m === null) return false;
    this.start = m.index;
    this.end = m.index + m[0].length;
    this.adjacent = m.index === from;
    return true;
  }
}

/**
 * Qwen2's and Qwen3's pattern: cl100k's with numbers of one code point (`\p{N}` for `\p{N}{1,3}`). Its pieces
 * are cl100k's with every number piece cut into code points: a cl100k piece that starts with a number is a
 * number piece (no other alternative can start with one), and at each of its code points the alternatives
 * before the number one fail in both patterns alike.
 */
const CL100K_SINGLE_NUMBERS = UPSTREAM_PATTERNS.cl100k.replace('\\p{N}{1,3}', '\\p{N}');

function singleNumbers(cl100k: PieceEnd): PieceEnd {
  const numbers = unicodeTable('N');
  const isNumber = (c: number): boolean => (c < 0x80 ? c >= 0x30 && c <= 0x39 : inRanges(c, numbers));
  return (text, start) => {
    const c = text.codePointAt(start)!;
    return isNumber(c) ? start + (c > 0xffff ? 2 : 1) : cl100k(text, start);
  };
}

function inRanges(c: number, ranges: Ranges): boolean {
  let lo = 0;
  let hi = ranges.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    if (c < ranges[mid][0]) hi = mid - 1;
    else if (c > ranges[mid][1]) lo = mid + 1;
    else return true;
  }
  return false;
}

/**
 * A matcher for a regex in Oniguruma's dialect: a named pattern's scanner (or Qwen's, derived from cl100k's)
 * where the regex is one, else the regex as translated by fromRustRegex. Throws VocabularyError for what
 * fromRustRegex cannot translate.
 */
export function regexMatcher(oniguruma: string): Matcher {
  if (oniguruma === CL100K_SINGLE_NUMBERS) return new ScannerMatcher(singleNumbers(pieceEndFunction('cl100k')));
  const pattern = fromRustRegex(oniguruma);
  return isPatternName(pattern) ? new ScannerMatcher(pieceEndFunction(pattern)) : new RegexMatcher(pattern);
}

/** A matcher for a JavaScript regex source (flags `u`): the Rust-side character tests that V8's tables match. */
export function jsRegexMatcher(source: string): Matcher {
  return new RegexMatcher(source);
}

/** A matcher for literal text; the empty literal matches the empty string everywhere, as in `tokenizers`. */
export function literalMatcher(literal: string): Matcher {
  return literal === '' ? new RegexMatcher('(?:)') : new LiteralMatcher(literal);
}

/** The matcher of a `{"String": ...}` or `{"Regex": ...}` object; `part` names it in errors ("pre_tokenizer Split"). */
export function patternFromJson(part: string, json: unknown): Matcher {
  const keys = isObject(json) ? Object.keys(json) : [];
  if (!isObject(json) || keys.length !== 1 || typeof json[keys[0]] !== 'string') {
    throw malformed(part, `pattern must be {"String": ...} or {"Regex": ...}, not ${describeType(json)}`);
  }
  const source = json[keys[0]] as string;
  if (keys[0] === 'String') return literalMatcher(source);
  if (keys[0] !== 'Regex') throw malformed(part, `pattern must be {"String": ...} or {"Regex": ...}, not {"${keys[0]}": ...}`);
  try {
    return regexMatcher(source);
  } catch (e) {
    if (e instanceof VocabularyError) throw malformed(part, e.message);
    throw e;
  }
}

/** Receives `find_matches`' segments: every match and every stretch between matches, in order, covering the text. */
export interface SegmentSink {
  segment(start: number, end: number, isMatch: boolean): void;
}

/**
 * `find_matches`: the matches of `m` in `text` and the stretches between them, in order (UTF-16 offsets). The
 * empty text is one empty non-match. As the onig crate's `find_iter` in tokenizers 0.23.2 does, an empty match
 * moves the search on by one code point, and an empty match where the previous match ended is dropped: `a*`
 * in "ab" matches "a" at 0 and the empty string at 2, not at 1; `b|(?=c)` in "bxc" matches "b" and the empty
 * string at 2.
 */
export function findMatches(m: Matcher, text: string, sink: SegmentSink): void {
  const len = text.length;
  if (len === 0) {
    sink.segment(0, 0, false);
    return;
  }
  let prev = 0;
  let from = 0;
  let lastMatchEnd = -1;
  // At the end of a match that ends the text, only an empty match could follow, and it would be dropped.
  while (from <= len && !(from === len && lastMatchEnd === len) && m.find(text, from)) {
    const start = m.start;
    const end = m.end;
    if (start === end) {
      from = end + (end < len ? codePointWidth(text, end) : 1);
      if (start === lastMatchEnd) continue;
    } else {
      from = end;
    }
    lastMatchEnd = end;
    if (prev !== start) sink.segment(prev, start, false);
    sink.segment(start, end, true);
    prev = end;
  }
  if (prev !== len) sink.segment(prev, len, false);
}

function codePointWidth(text: string, at: number): number {
  const c = text.charCodeAt(at);
  return c >= 0xd800 && c <= 0xdbff && at + 1 < text.length && (text.charCodeAt(at + 1) & 0xfc00) === 0xdc00 ? 2 : 1;
}

/** Collects the text with every match replaced. */
class Replacer implements SegmentSink {
  out = '';
  constructor(
    private readonly text: string,
    private readonly content: string,
  ) {}
  segment(start: number, end: number, isMatch: boolean): void {
    this.out += isMatch ? this.content : this.text.slice(start, end);
  }
}

/**
 * Every match of `m` in `text` replaced by `content`, as the Replace normalizer and decoder do:
 * `replaceMatches(literalMatcher(' '), 'a b', '▁')` is "a▁b"; `replaceMatches(literalMatcher(''), 'ab', '-')`
 * is "-a-b-".
 */
export function replaceMatches(m: Matcher, text: string, content: string): string {
  if (m instanceof LiteralMatcher) return text.split(m.literal).join(content);
  const r = new Replacer(text, content);
  findMatches(m, text, r);
  return r.out;
}

/**
 * The JavaScript regexes a tokenizer.json's normalizer, pre-tokenizer and decoder run on V8's backtracking
 * engine: the source of every `{"Regex": ...}` no scanner runs, for the store to check as it checks a
 * vocabulary's split pattern (a regex that backtracks catastrophically would stall encoding). Example:
 * Gemma 3's parts (String patterns only) run none; a Split with `{"Regex": "\\s+|x+"}` runs `\s+|x+`.
 */
export function backtrackingRegexes(json: JsonObject): string[] {
  const out: string[] = [];
  const visit = (x: unknown): void => {
    if (Array.isArray(x)) x.forEach(visit);
    if (!isObject(x)) return;
    if (isObject(x.pattern) && typeof x.pattern.Regex === 'string') {
      const m = patternFromJson(describeType(x), x.pattern);
      if (m instanceof RegexMatcher) out.push(m.source);
    }
    Object.values(x).forEach(visit);
  };
  [json.normalizer, json.pre_tokenizer, json.decoder].forEach(visit);
  return out;
}
