/**
 * The JSON body of POST /api/tokenize, written as bytes straight from typed arrays: no object per token, and
 * each id's record head made once per tokenizer.
 */
import type { Tokenizer } from '../bpe/tokenizer.js';
import { perTokenizer } from '../bpe/offsets/token-shapes.js';
import { spanArrays, type SpanArrays } from '../bpe/offsets/spans.js';
import { hexBytes } from '../../views/hex.js';
import { ascii, JsonBytes, piece, PieceWords, pieceRoom, UINT_ROOM } from './json-bytes.js';
import { encodeAndEvaluate } from './tokenize.js';

/**
 * A JSON answer already written as bytes (JsonBytes), sent as it is. `release`, if given, must be called once
 * the bytes are sent: they sit in a shared slot that other answers will reuse.
 */
export class JsonAnswer {
  constructor(
    readonly body: Uint8Array,
    readonly release?: () => void,
  ) {}
}

/**
 * Per tokenizer, the start of each id's record, made on first use: `,{"id":N,"bytes":"HEX","start":`. Keys come
 * in any order in JSON; this one puts all that depends on the id alone in one piece. The pieces sit together as
 * words (an object per piece, copied with set(), made a 10 kB answer cost 5-10% more: memory reached all over).
 */
class RecordHeads {
  readonly pieces = new PieceWords();
  /** Each id's head: the index of its first word in `pieces` (-1 until made), and its length in bytes. */
  readonly at: Int32Array;
  readonly length: Uint32Array;

  constructor(private readonly tokenizer: Tokenizer) {
    this.at = new Int32Array(tokenizer.nVocab).fill(-1);
    this.length = new Uint32Array(tokenizer.nVocab);
  }

  /** Makes the head of `id`; returns the index of its first word. */
  make(id: number): number {
    const head = piece(`,{"id":${id},"bytes":"${hexBytes(this.tokenizer.tokenBytes(id), '')}","start":`);
    this.length[id] = head.length;
    return (this.at[id] = this.pieces.add(head));
  }
}

const recordHeads = perTokenizer((tokenizer: Tokenizer) => new RecordHeads(tokenizer));

const END = piece(',"end":');
const PARTIAL_ALONE = piece(',"partial":true}');
const PARTIAL = piece(',"partial":true,"group":');
const CLOSE = '}'.charCodeAt(0);
const OPEN_ARRAY = ascii('[');
const CLOSE_ARRAY = ascii(']');
/** The most a record takes after its head: two offsets, END, the longer partial tail with a group, CLOSE. */
const RECORD_REST = 2 * UINT_ROOM + pieceRoom(END) + Math.max(pieceRoom(PARTIAL) + UINT_ROOM + 1, pieceRoom(PARTIAL_ALONE));

/**
 * The tokens array of the JSON answer: {"id", "bytes", "start", "end"} per token, and "partial" and "group" on
 * the few that hold part of a character (spelling out false and null on the others made answers a third larger).
 */
function writeTokens(out: JsonBytes, ids: readonly number[], spans: SpanArrays, tokenizer: Tokenizer): void {
  const heads = recordHeads(tokenizer);
  const { start, end, partial, group } = spans;
  const first = out.n;
  // One record at a time straight into the buffer, each starting with a comma, four bytes at a time.
  for (let i = 0; i < ids.length; i++) {
    const id = ids[i];
    let at = heads.at[id];
    if (at < 0) at = heads.make(id);
    const length = heads.length[id];
    const buf = out.room(length + 3 + RECORD_REST); // + 3: the head's last word
    let n = out.uint(out.putWords(out.n, heads.pieces.words, at, length), start[i]);
    n = out.uint(out.put(n, END), end[i]);
    if (partial[i] === 0) buf[n++] = CLOSE;
    else if (group[i] < 0) n = out.put(n, PARTIAL_ALONE);
    else {
      n = out.uint(out.put(n, PARTIAL), group[i]);
      buf[n++] = CLOSE;
    }
    out.n = n;
  }
  // The first record's comma opens the array.
  if (out.n === first) out.raw(OPEN_ARRAY);
  else out.room(0)[first] = OPEN_ARRAY[0];
  out.raw(CLOSE_ARRAY);
}

/** A number the JSON can carry: NaN and infinities (an empty text's ratios) become null. */
export function finite(x: number | null): number | null {
  return x !== null && Number.isFinite(x) ? x : null;
}

/**
 * The JSON body of POST /api/tokenize: what `tokenize` finds, written as bytes straight from typed arrays
 * (no object per token), into `into` if it fits there.
 */
export async function tokenizedJson(text: string, name: string, into?: Uint8Array): Promise<JsonAnswer> {
  const { tokenizer, ids, spelled, stats: s } = await encodeAndEvaluate(text, name);
  const spans = spanArrays(spelled.text, ids, tokenizer);
  const head = JSON.stringify({
    tokenizer: name,
    count: ids.length,
    characters: s.characters,
    bytes: s.bytes,
    ...(spelled.changed ? { spelled: spelled.text } : {}),
  });
  const stats = JSON.stringify({
    ...s,
    bytesPerToken: finite(s.bytesPerToken),
    charactersPerToken: finite(s.charactersPerToken),
    tokensPerHan: finite(s.tokensPerHan),
    tokensPerEnglishWord: finite(s.tokensPerEnglishWord),
  });
  const out = new JsonBytes();
  out.json(`${head.slice(0, -1)},"tokens":`);
  writeTokens(out, ids, spans, tokenizer);
  out.json(`,"stats":${stats}}`);
  return new JsonAnswer(out.bytes(into));
}
