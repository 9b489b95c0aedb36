/**
 * The pre-tokenizer of a tokenizer.json: Split, ByteLevel, Digits, Metaspace and Sequence, with the
 * semantics of `tokenizers` 0.23.2 (tokenizers/src/pre_tokenizers, and NormalizedString::split for the
 * delimiter behaviours). Others are refused by name.
 *
 * A pre-tokenizer is a chain of stages, each cutting (Split, Digits) or rewriting (Metaspace, ByteLevel's
 * prefix space) every piece the previous one gives; pieces go through the chain one at a time, depth first,
 * so no stage builds a list. Like `tokenizers`, the chain drops empty pieces. ByteLevel's mapping of bytes to
 * characters is left to the BPE model, which reads each piece's UTF-8.
 */
import { UPSTREAM_PATTERNS, type PieceEnd } from '../pretokenize/patterns.js';
import { describeType, isObject, malformed, unsupported, type JsonObject } from './json.js';
import { boolField, charField, listField, oneUnit, optionalBoolField, stringField } from './fields.js';
import {
  ScannerMatcher,
  findMatches,
  jsRegexMatcher,
  literalMatcher,
  patternFromJson,
  regexMatcher,
  type Matcher,
  type SegmentSink,
} from './pattern.js';
import { DEEPSEEK_SPLITS, deepSeekPieceEnd } from './deepseek-scanner.js';

/** Where pieces go, one at a time, in order: an array, or the model encoding each as it comes. */
export interface PieceSink {
  push(piece: string): unknown;
}

export interface PreTokenizer {
  /**
   * Appends the pieces of `text` (one normalized segment) to `out`, in order, as Hugging Face gives them but
   * BEFORE ByteLevel's byte-to-character mapping (the BPE model does that mapping itself from each piece's
   * UTF-8). `atStart` (default true) says whether the segment begins at offset 0 of the input as `tokenizers`
   * aligns it, which only Metaspace's prepend_scheme "first" reads. It is false for a segment after an added
   * token, and also for the first one when the normalizer dropped the input's first character: Strip removing
   * leading spaces, or a Replace deleting it or whose match there spans several characters ("xy" → "z" aligns
   * z with y). Prepend, the Unicode forms, Lowercase and a Replace of one character keep it at 0.
   */
  split(text: string, out: PieceSink, atStart?: boolean): void;
  /** The chain ends with ByteLevel: the model must map each piece's UTF-8 bytes to GPT-2's byte-level alphabet. */
  readonly byteLevel: boolean;
  /**
   * When the chain is one scanner and nothing else (an Isolated Split by a named pattern, or DeepSeek-V3's three
   * Splits, then at most a ByteLevel without regex or prefix space: Qwen3's, DeepSeek-V3's and Llama 3's), its
   * end of the piece starting at a position: the pieces tile the text, so a caller can walk them by offsets
   * rather than take each as a string from `split`. Else null.
   */
  readonly pieceEnd: PieceEnd | null;
}

/**
 * One link of the chain: takes a piece, hands its pieces (never empty) to the next link. `origin` is the last
 * position of the piece that sits at offset 0 of the input (its first original character, after whatever a
 * stage inserted before it), or -1 when the piece does not start the input.
 */
interface Stage {
  run(piece: string, origin: number, out: PieceSink): void;
}

const COLLECT: Stage = {
  run(piece, _origin, out) {
    out.push(piece);
  },
};

/** How a Split treats its matches (tokenizers' SplitDelimiterBehavior). */
const BEHAVIORS = ['Removed', 'Isolated', 'MergedWithPrevious', 'MergedWithNext', 'Contiguous'] as const;
export type Behavior = (typeof BEHAVIORS)[number];

/**
 * Cuts each piece at the matches of a pattern, as NormalizedString::split does. With "-" in "the-final--countdown":
 * Removed gives the, final, countdown; Isolated the, -, final, -, -, countdown; MergedWithPrevious the-, final-,
 * -, countdown; MergedWithNext the, -final, -, -countdown; Contiguous the, -, final, --, countdown. `invert`
 * swaps matches and the text between them first.
 */
class SplitStage implements Stage, SegmentSink {
  private piece = '';
  private origin = -1;
  private out: PieceSink = { push: () => undefined };
  /** A piece held back because the next segment may join it (-1: none). */
  private heldStart = -1;
  private heldEnd = 0;
  private previousMatch = false;

  constructor(
    private readonly matcher: Matcher,
    private readonly behavior: Behavior,
    private readonly invert: boolean,
    private readonly next: Stage,
  ) {}

  run(piece: string, origin: number, out: PieceSink): void {
    this.piece = piece;
    this.origin = origin;
    this.out = out;
    this.heldStart = -1;
    this.previousMatch = false;
    findMatches(this.matcher, piece, this);
    if (this.heldStart >= 0) this.emit(this.heldStart, this.heldEnd);
  }

  segment(start: number, end: number, isMatch: boolean): void {
    if (this.invert) isMatch = !isMatch;
    switch (this.behavior) {
      case 'Isolated':
        this.emit(start, end);
        break;
      case 'Removed':
        if (!isMatch) this.emit(start, end);
        break;
      case 'Contiguous':
        if (this.heldStart >= 0 && isMatch === this.previousMatch) this.heldEnd = end;
        else this.hold(start, end);
        break;
      case 'MergedWithPrevious':
        if (isMatch && !this.previousMatch && this.heldStart >= 0) this.heldEnd = end;
        else this.hold(start, end);
        break;
      case 'MergedWithNext':
        // Only a match is held; it joins the text after it, unless a match comes next.
        if (this.heldStart >= 0 && !isMatch) {
          this.emit(this.heldStart, end);
          this.heldStart = -1;
        } else if (isMatch) {
          this.hold(start, end);
        } else {
          this.emit(start, end);
        }
        break;
    }
    this.previousMatch = isMatch;
  }

  /** Emits the held piece and holds this one. */
  private hold(start: number, end: number): void {
    if (this.heldStart >= 0) this.emit(this.heldStart, this.heldEnd);
    this.heldStart = start;
    this.heldEnd = end;
  }

  private emit(start: number, end: number): void {
    if (start === end) return;
    const piece = this.piece;
    const origin = this.origin;
    this.next.run(start === 0 && end === piece.length ? piece : piece.slice(start, end), origin >= start ? origin - start : -1, this.out);
  }
}

/**
 * An Isolated split by a named pattern (Qwen3's and Llama 3's hot path), or DeepSeek-V3's three Splits in one:
 * the scanner's pieces tile the text, so each is handed on as it is found.
 */
class ScanStage implements Stage {
  constructor(
    readonly pieceEnd: PieceEnd,
    readonly next: Stage,
  ) {}
  run(piece: string, origin: number, out: PieceSink): void {
    const pieceEnd = this.pieceEnd;
    const next = this.next;
    const n = piece.length;
    for (let start = 0; start < n;) {
      const end = pieceEnd(piece, start);
      next.run(start === 0 && end === n ? piece : piece.slice(start, end), origin >= start ? origin - start : -1, out);
      start = end;
    }
  }
}

/** A Split stage: the scanner's loop where it applies, the general one otherwise. */
function splitStage(matcher: Matcher, behavior: Behavior, invert: boolean, next: Stage): Stage {
  if (matcher instanceof ScannerMatcher && behavior === 'Isolated' && !invert) return new ScanStage(matcher.pieceEnd, next);
  return new SplitStage(matcher, behavior, invert, next);
}

/** Metaspace's first step: every space becomes the replacement character. */
class SpacesStage implements Stage {
  constructor(
    private readonly replacement: string,
    private readonly next: Stage,
  ) {}
  run(piece: string, origin: number, out: PieceSink): void {
    this.next.run(piece.includes(' ') ? piece.split(' ').join(this.replacement) : piece, origin, out);
  }
}

/**
 * Puts `prefix` before a piece that does not start with it: ByteLevel's add_prefix_space (every piece), Metaspace's
 * prepend_scheme "always" (every piece) and "first" (only the piece at offset 0 of the input).
 */
class PrefixStage implements Stage {
  constructor(
    private readonly prefix: string,
    private readonly onlyAtStart: boolean,
    private readonly next: Stage,
  ) {}
  run(piece: string, origin: number, out: PieceSink): void {
    if ((origin >= 0 || !this.onlyAtStart) && !piece.startsWith(this.prefix)) {
      piece = this.prefix + piece;
      if (origin >= 0) origin += this.prefix.length;
    }
    this.next.run(piece, origin, out);
  }
}

/**
 * The pre-tokenizer a tokenizer.json's `pre_tokenizer` describes; null (or absent) gives the whole text as one
 * piece. Throws VocabularyError naming a part tokenlab does not implement or a malformed one.
 *
 * Llama 3's, `Sequence[Split(Regex cl100k's pattern, Isolated), ByteLevel(use_regex: false)]`, splits
 * "I'll pay 12345!" into I, 'll, " pay", " ", 123, 45, "!" and has `byteLevel` true.
 */
export function preTokenizerFromJson(json: unknown): PreTokenizer {
  const parts: JsonObject[] = [];
  if (json !== null && json !== undefined) flatten(json, parts);
  let first: Stage = COLLECT;
  for (let i = parts.length - 1; i >= 0; i--) {
    if (i >= 2 && isDeepSeekSplits(parts.slice(i - 2, i + 1))) {
      first = new ScanStage(deepSeekPieceEnd(), first);
      i -= 2;
    } else {
      first = stages(parts[i], i === parts.length - 1, first);
    }
  }
  const start = first;
  return {
    byteLevel: parts.length > 0 && parts[parts.length - 1].type === 'ByteLevel',
    pieceEnd: start instanceof ScanStage && start.next === COLLECT ? start.pieceEnd : null,
    split(text: string, out: PieceSink, atStart = true): void {
      if (text !== '') start.run(text, atStart ? 0 : -1, out);
    },
  };
}

/**
 * How a pre-tokenizer that only cuts at one UTF-16 unit cuts, so a caller can cut the text itself by offsets
 * (pipeline.ts): `unit` is the unit cut at (-1: none, a segment is one piece), `behavior` the Split's behaviour
 * around each match, `rewrite` a unit the pre-tokenizer itself replaces by another first (Metaspace's space by
 * its replacement), or null.
 */
export interface LiteralCuts {
  unit: number;
  behavior: Behavior;
  rewrite: readonly [from: number, to: number] | null;
}

/**
 * The cuts of a pre-tokenizer that only cuts at one unit, else null: none at all; a Split by a String pattern of
 * one unit (not a surrogate), not inverted (Gemma 3's, by " "); a Metaspace with prepend_scheme "never" (it only
 * turns spaces into its replacement and cuts before each). Malformed parts are left to preTokenizerFromJson.
 */
export function cutLiterals(json: unknown): LiteralCuts | null {
  const parts: JsonObject[] = [];
  if (json !== null && json !== undefined) flatten(json, parts);
  if (parts.length === 0) return { unit: -1, behavior: 'Isolated', rewrite: null };
  const [part] = parts;
  if (parts.length > 1) return null;
  if (part.type === 'Split') {
    const unit = oneUnit(isObject(part.pattern) && Object.keys(part.pattern).length === 1 ? part.pattern.String : undefined);
    const behavior = BEHAVIORS.find((b) => b === part.behavior);
    return unit >= 0 && behavior !== undefined && part.invert === false ? { unit, behavior, rewrite: null } : null;
  }
  if (part.type !== 'Metaspace') return null;
  const { replacement, scheme } = metaspaceOptions('pre_tokenizer Metaspace', part);
  const to = oneUnit(replacement);
  if (scheme !== 'never' || to < 0) return null;
  const unit = optionalBoolField('pre_tokenizer Metaspace', part, 'split') === false ? -1 : to;
  return { unit, behavior: 'MergedWithNext', rewrite: to === 0x20 ? null : [0x20, to] };
}

/** DeepSeek-V3's three Isolated Splits, with their regexes spelled exactly as in its tokenizer.json. */
function isDeepSeekSplits(parts: JsonObject[]): boolean {
  return parts.every(
    (p, n) =>
      p.type === 'Split' &&
      p.behavior === 'Isolated' &&
      p.invert === false &&
      isObject(p.pattern) &&
      Object.keys(p.pattern).length === 1 &&
      p.pattern.Regex === DEEPSEEK_SPLITS[n],
  );
}

/** The pre-tokenizers of a Sequence, nested ones in place, in order. */
function flatten(json: unknown, parts: JsonObject[]): void {
  if (!isObject(json)) throw unsupported('pre_tokenizer', describeType(json));
  if (json.type === 'Sequence') {
    for (const part of listField('pre_tokenizer Sequence', json, 'pretokenizers')) flatten(part, parts);
  } else {
    parts.push(json);
  }
}

/** The stages of one pre-tokenizer, ahead of `next`. */
function stages(json: JsonObject, last: boolean, next: Stage): Stage {
  switch (json.type) {
    case 'Split':
      return split(json, next);
    case 'Digits': {
      const individual = boolField('pre_tokenizer Digits', json, 'individual_digits');
      // Rust's char::is_numeric is \p{N}; its tables and V8's are both Unicode 17.0's.
      return new SplitStage(jsRegexMatcher('\\p{N}'), individual ? 'Isolated' : 'Contiguous', false, next);
    }
    case 'Metaspace':
      return metaspace(json, next);
    case 'ByteLevel':
      if (!last) throw unsupported('pre_tokenizer', 'ByteLevel followed by other pre-tokenizers');
      return byteLevel(json, next);
    default:
      throw unsupported('pre_tokenizer', describeType(json));
  }
}

function split(json: JsonObject, next: Stage): Stage {
  const part = 'pre_tokenizer Split';
  const matcher = patternFromJson(part, json.pattern);
  const behavior = stringField(part, json, 'behavior');
  if (!(BEHAVIORS as readonly string[]).includes(behavior)) {
    throw malformed(part, `behavior must be one of ${BEHAVIORS.join(', ')}, not ${JSON.stringify(behavior)}`);
  }
  return splitStage(matcher, behavior as Behavior, boolField(part, json, 'invert'), next);
}

/** The options of a Metaspace (the pre-tokenizer's and the decoder's): its character and its prepend_scheme. */
export function metaspaceOptions(part: string, json: JsonObject): { replacement: string; scheme: 'always' | 'first' | 'never' } {
  const replacement = charField(part, json, 'replacement');
  const scheme = json.prepend_scheme ?? 'always';
  if (scheme !== 'always' && scheme !== 'first' && scheme !== 'never') {
    throw malformed(part, `prepend_scheme must be always, first or never, not ${JSON.stringify(scheme)}`);
  }
  // The legacy add_prefix_space may only confirm the scheme: false goes with "never" alone.
  if (optionalBoolField(part, json, 'add_prefix_space') === false && scheme !== 'never') {
    throw malformed(part, 'add_prefix_space does not match declared prepend_scheme');
  }
  return { replacement, scheme };
}

/**
 * Metaspace: spaces become the replacement (▁), a replacement is put before each piece ("always"), before the
 * input's first piece only ("first") or never, then each piece is cut before every replacement (`split`).
 */
function metaspace(json: JsonObject, next: Stage): Stage {
  const part = 'pre_tokenizer Metaspace';
  const { replacement, scheme } = metaspaceOptions(part, json);
  let stage =
    optionalBoolField(part, json, 'split') === false ? next : new SplitStage(literalMatcher(replacement), 'MergedWithNext', false, next);
  if (scheme !== 'never') stage = new PrefixStage(replacement, scheme === 'first', stage);
  return replacement === ' ' ? stage : new SpacesStage(replacement, stage);
}

/** ByteLevel: a space before each piece that lacks one (add_prefix_space), then GPT-2's split (use_regex). */
function byteLevel(json: JsonObject, next: Stage): Stage {
  const part = 'pre_tokenizer ByteLevel';
  const addPrefixSpace = boolField(part, json, 'add_prefix_space');
  boolField(part, json, 'trim_offsets'); // required by tokenizers; it moves only offsets, which tokenlab computes itself
  let stage =
    optionalBoolField(part, json, 'use_regex') === false ? next : splitStage(regexMatcher(UPSTREAM_PATTERNS.gpt2), 'Isolated', false, next);
  if (addPrefixSpace) stage = new PrefixStage(' ', false, stage);
  return stage;
}
