/**
 * A tokenizer as chat counting reads it (conversation.ts's ChatEncoder), and the bytes of every id it gives so
 * the pages can draw the tokens.
 *
 * - An open model's tokenizer reads its added tokens in the text as `tokenizers` does; its special ones are the
 *   control tokens.
 * - tiktoken's encodings and tokenlab's vocabularies get the chat format's marker tokens (ChatML's <|im_start|>,
 *   harmony's <|start|>, ...) beside their own special tokens: the rendered prompt is cut at every one of them and
 *   the text between is encoded as ordinary text, as tiktoken's `encode(text, allowed_special="all")` does with an
 *   encoding that has them (cl100k_im, o200k_harmony).
 */
import { joinBytes, utf8Encode } from '../bpe/bytes.js';
import { specialTextsRegExp } from '../bpe/encode/encoder.js';
import type { Tokenizer } from '../bpe/tokenizer.js';
import type { SpecialToken } from '../bpe/vocabulary.js';

/** What counting needs of a tokenizer. */
export interface ChatEncoder {
  /** The ids of a rendered prompt: control tokens (and a model's other added tokens) read as such. */
  encodeControl(text: string): number[];
  /** The ids of text with control-token text read as plain text. */
  encodePlain(text: string): number[];
  /** The texts of the control tokens `encodeControl` reads, and their ids. */
  readonly controls: ReadonlyMap<string, number>;
}

export interface ChatTokenizer extends ChatEncoder {
  readonly nVocab: number;
  tokenBytes(id: number): Uint8Array;
  decodeBytes(ids: ArrayLike<number>): Uint8Array;
}

/**
 * `tokenizer` with `extras` as further control tokens (ignored where the tokenizer already has a special token
 * with that text). Example: cl100k_base with ChatML's `<|im_start|>` = 100264 encodes "<|im_start|>user\nhi" as
 * 100264, then cl100k_base's ids for "user\nhi".
 */
export function chatTokenizer(tokenizer: Tokenizer, extras: readonly SpecialToken[] = []): ChatTokenizer {
  if (tokenizer.encoder.readsSpecialText === true) {
    return {
      nVocab: tokenizer.nVocab,
      controls: tokenizer.specialTokens,
      encodeControl: (text) => tokenizer.encodeDefault(text),
      encodePlain: (text) => tokenizer.encodeOrdinary(text),
      tokenBytes: (id) => tokenizer.tokenBytes(id),
      decodeBytes: (ids) => tokenizer.decodeBytes(ids),
    };
  }
  return new MarkedTokenizer(tokenizer, extras);
}

class MarkedTokenizer implements ChatTokenizer {
  readonly controls: ReadonlyMap<string, number>;
  readonly nVocab: number;
  private readonly extraBytes = new Map<number, Uint8Array>();
  private readonly cut: RegExp;

  constructor(
    private readonly tokenizer: Tokenizer,
    extras: readonly SpecialToken[],
  ) {
    const controls = new Map(tokenizer.specialTokens);
    let nVocab = tokenizer.nVocab;
    for (const { text, id } of extras) {
      if (controls.has(text)) continue;
      controls.set(text, id);
      this.extraBytes.set(id, utf8Encode(text));
      nVocab = Math.max(nVocab, id + 1);
    }
    this.controls = controls;
    this.nVocab = nVocab;
    this.cut = controlRegExp(controls) ?? /(?!)/gu;
  }

  encodeControl(text: string): number[] {
    const out: number[] = [];
    let from = 0;
    for (const m of text.matchAll(this.cut)) {
      if (m.index > from) appendAll(out, this.tokenizer.encodeOrdinary(text.slice(from, m.index)));
      out.push(this.controls.get(m[0])!);
      from = m.index + m[0].length;
    }
    if (from < text.length) appendAll(out, this.tokenizer.encodeOrdinary(text.slice(from)));
    return out;
  }

  encodePlain(text: string): number[] {
    return this.tokenizer.encodeOrdinary(text);
  }

  tokenBytes(id: number): Uint8Array {
    return this.extraBytes.get(id) ?? this.tokenizer.tokenBytes(id);
  }

  decodeBytes(ids: ArrayLike<number>): Uint8Array {
    return joinBytes(Array.from(ids, (id) => this.tokenBytes(id)));
  }
}

function appendAll(out: number[], ids: readonly number[]): void {
  for (const id of ids) out.push(id);
}

/** A global regex matching any control text, the longest where several start at one place; null for none. */
export function controlRegExp(controls: ReadonlyMap<string, number>): RegExp | null {
  if (controls.size === 0) return null;
  return specialTextsRegExp(
    [...controls.keys()].sort((a, b) => b.length - a.length),
    'gu',
  );
}
