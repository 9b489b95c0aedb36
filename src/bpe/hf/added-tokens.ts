/**
 * Added tokens (`added_tokens` of a tokenizer.json), as `tokenizers`' AddedVocabulary reads and matches them
 * (tokenizer/added_vocabulary.rs).
 *
 * Ids: an added token whose content the model's vocab (or an earlier added token) has takes that id, whatever the
 * file says; another takes the next id after the largest so far (`tokenizers` only warns about the file's id).
 *
 * Matching, leftmost-longest over the text: tokens with `normalized: false` are matched in the raw text before
 * normalization, those with `normalized: true` in each normalized segment, by their normalized content. A match
 * is then adjusted as `tokenizers` does: `single_word` drops it when a word character (Rust regex `\w`) touches
 * either side; `lstrip` and `rstrip` take the whitespace (`\s`, Unicode White_Space) before or after it into the
 * token. A skipped match still consumes its text for the search, as the Aho-Corasick iterator does.
 *
 * Example: with `<|im_end|>` added, "hi<|im_end|>!" is the text "hi", the token, then the text "!".
 */
import { isObject, malformed } from './json.js';

export interface AddedToken {
  id: number;
  content: string;
  special: boolean;
  singleWord: boolean;
  lstrip: boolean;
  rstrip: boolean;
  normalized: boolean;
}

/**
 * The added tokens of a tokenizer.json with the ids `tokenizers` gives them (see the module comment);
 * `modelSize` is the number of entries in the model's vocab, where new ids start.
 */
export function readAddedTokens(json: unknown, modelVocab: ReadonlyMap<string, number>, modelSize: number): AddedToken[] {
  if (json === undefined || json === null) return [];
  if (!Array.isArray(json)) throw malformed('added_tokens', 'not an array');
  const ids = new Map<string, number>();
  const out: AddedToken[] = [];
  let next = modelSize;
  json.forEach((a, i) => {
    if (!isObject(a) || typeof a.content !== 'string') throw malformed('added_tokens', `entry ${i} has no string content`);
    if (a.content === '') return; // tokenizers ignores empty tokens
    const id = ids.get(a.content) ?? modelVocab.get(a.content) ?? next++;
    ids.set(a.content, id);
    const token = {
      id,
      content: a.content,
      special: a.special === true,
      singleWord: a.single_word === true,
      lstrip: a.lstrip === true,
      rstrip: a.rstrip === true,
      normalized: a.normalized === true,
    };
    const prev = out.findIndex((t) => t.id === id);
    if (prev >= 0) out[prev] = token;
    else out.push(token);
  });
  return out;
}

interface TrieNode {
  children: Map<number, TrieNode>;
  /** The token ending here, if any. */
  token: AddedToken | undefined;
}

/** Up to this many distinct first units, candidates are found with indexOf. */
const MAX_INDEXOF = 8;

const WORD_CHAR = /[\p{Alphabetic}\p{M}\p{Nd}\p{Pc}\p{Join_Control}]/u;
const SPACE = /\p{White_Space}/u;

function lastChar(text: string, end: number): string {
  if (end <= 0) return '';
  const low = text.charCodeAt(end - 1);
  return low >= 0xdc00 && low <= 0xdfff && end >= 2 ? text.slice(end - 2, end) : text[end - 1];
}

function firstChar(text: string, start: number): string {
  const cp = text.codePointAt(start);
  return cp === undefined ? '' : String.fromCodePoint(cp);
}

/** Receives the pieces of a split: the text between tokens as [start, end) of the text, and each token. */
export interface AddedTokenSink {
  text(start: number, end: number): void;
  token(token: AddedToken): void;
}

/** Leftmost-longest matching of one set of added tokens (the raw ones, or the normalized ones). */
export class AddedTokenMatcher {
  private readonly root: TrieNode = { children: new Map(), token: undefined };
  /** 1 for each UTF-16 unit some pattern starts with: most of the text is skipped on this test alone. */
  private readonly starts = new Uint8Array(65536);
  /**
   * Those units, when there are few (every model's tokens start with "<"): candidates are then found with
   * indexOf, which V8 runs many times faster than a test per unit (8.5 ms of ~150 per pass over d2l-zh).
   */
  private readonly firsts: string[] | null;
  readonly size: number;

  /** `patterns[i]` is what `tokens[i]` matches (its content, or its normalized content). */
  constructor(tokens: readonly AddedToken[], patterns: readonly string[]) {
    this.size = tokens.length;
    tokens.forEach((t, i) => {
      let node = this.root;
      const p = patterns[i];
      if (p === '') return;
      this.starts[p.charCodeAt(0)] = 1;
      for (let k = 0; k < p.length; k++) {
        const c = p.charCodeAt(k);
        let child = node.children.get(c);
        if (child === undefined) node.children.set(c, (child = { children: new Map(), token: undefined }));
        node = child;
      }
      node.token ??= t; // two tokens with one pattern: the first listed wins, as in the automaton
    });
    const firsts = [...new Set(patterns.filter((p) => p !== '').map((p) => p[0]))];
    this.firsts = firsts.length <= MAX_INDEXOF ? firsts : null;
  }

  /**
   * Where the next unit some pattern starts with is, from `at` (text.length if none). `found[k]` is where
   * firsts[k] was last found (-1: not looked for yet), so each unit is searched for again only once passed.
   */
  private nextCandidate(text: string, at: number, found: number[]): number {
    const firsts = this.firsts;
    if (firsts === null) {
      while (at < text.length && this.starts[text.charCodeAt(at)] === 0) at++;
      return at;
    }
    let next = text.length;
    for (let k = 0; k < firsts.length; k++) {
      if (found[k] < at && found[k] !== text.length) {
        const i = text.indexOf(firsts[k], at);
        found[k] = i < 0 ? text.length : i;
      }
      if (found[k] < next) next = found[k];
    }
    return next;
  }

  /** The longest token matching at `at`, with its end; undefined if none. */
  private longestAt(text: string, at: number): [AddedToken, number] | undefined {
    let node = this.root.children.get(text.charCodeAt(at));
    let best: [AddedToken, number] | undefined;
    for (let k = at + 1; node !== undefined; k++) {
      if (node.token !== undefined) best = [node.token, k];
      if (k >= text.length) break;
      node = node.children.get(text.charCodeAt(k));
    }
    return best;
  }

  /**
   * Splits `text` (find_matches in added_vocabulary.rs): calls sink.text for the text between the tokens
   * (never empty) and sink.token for each token. `active(t)` false skips a match of t (a special token read
   * as text).
   */
  split(text: string, active: (t: AddedToken) => boolean, sink: AddedTokenSink): void {
    let from = 0;
    const found = this.firsts === null ? [] : this.firsts.map(() => -1);
    for (let at = this.nextCandidate(text, 0, found); at < text.length; at = this.nextCandidate(text, at, found)) {
      const m = this.longestAt(text, at);
      if (m === undefined) {
        at++;
        continue;
      }
      const [t, matchEnd] = m;
      let start = at;
      let stop = matchEnd;
      at = matchEnd;
      if (!active(t)) continue;
      if (t.singleWord && (WORD_CHAR.test(lastChar(text, start)) || WORD_CHAR.test(firstChar(text, stop)))) continue;
      if (t.lstrip) {
        while (start > 0 && SPACE.test(lastChar(text, start))) start -= lastChar(text, start).length;
        start = Math.max(start, from);
      }
      if (t.rstrip) while (stop < text.length && SPACE.test(firstChar(text, stop))) stop += firstChar(text, stop).length;
      if (from < start) sink.text(from, start);
      sink.token(t);
      from = stop;
    }
    if (from < text.length) sink.text(from, text.length);
  }
}
