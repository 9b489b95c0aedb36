/**
 * A tokenizer.json compiled for a fast load: parsing a model's JSON (8–33 MB) and resolving its merges' strings
 * to ids takes 1–2 s; reading this form back takes a fraction of that. Little-endian:
 *
 *   "TLHF" · u32 version · u32 specLength · spec (UTF-8 JSON: the tokenizer.json without model.vocab/merges)
 *   · u32 nIds · u32 textLength · u32 offsets[nIds + 1] (UTF-16 offsets into text; a hole has start 0xFFFFFFFF)
 *   · text (UTF-8: every token string, concatenated) · u32 nMerges · i32 lefts[n] · i32 rights[n] · i32 made[n]
 *
 * The file says nothing of where it came from: the store keys it by the source's sha256.
 */
import { utf8Decode, utf8Encode } from '../bytes.js';
import { VocabularyError } from '../vocabulary.js';
import { isObject, type JsonObject } from './json.js';
import { HfPipeline } from './pipeline.js';

const MAGIC = 0x46484c54; // "TLHF" read as a little-endian u32
export const COMPILED_VERSION = 1;
const HOLE = 0xffffffff;

/** The compiled form of a pipeline (see the module comment). */
export function compilePipeline(p: HfPipeline): Uint8Array {
  const spec = utf8Encode(JSON.stringify(p.spec));
  const { tokens, lefts, rights, made } = p.model.data;
  const offsets = new Uint32Array(tokens.length + 1);
  const parts: string[] = [];
  let at = 0;
  for (let id = 0; id < tokens.length; id++) {
    const t = tokens[id];
    offsets[id] = t === undefined ? HOLE : at;
    if (t !== undefined) {
      parts.push(t);
      at += t.length;
    }
  }
  offsets[tokens.length] = at;
  const text = utf8Encode(parts.join(''));
  const pad = (n: number): number => (n + 3) & ~3;
  const size = 12 + pad(spec.length) + 8 + offsets.byteLength + pad(text.length) + 4 + 12 * lefts.length;
  const out = new Uint8Array(size);
  const view = new DataView(out.buffer);
  let o = 0;
  const u32 = (v: number): void => {
    view.setUint32(o, v, true);
    o += 4;
  };
  const bytes = (b: Uint8Array): void => {
    out.set(b, o);
    o += pad(b.length);
  };
  u32(MAGIC);
  u32(COMPILED_VERSION);
  u32(spec.length);
  bytes(spec);
  u32(tokens.length);
  u32(text.length);
  bytes(new Uint8Array(offsets.buffer));
  bytes(text);
  u32(lefts.length);
  for (const a of [lefts, rights, made]) bytes(new Uint8Array(a.buffer, a.byteOffset, a.byteLength));
  return out;
}

/** A cursor over a compiled file, past its head (magic, version, spec and the model's id count). */
interface CompiledReader {
  buf: Uint8Array;
  spec: JsonObject;
  nIds: number;
  u32(): number;
  take(n: number): Uint8Array;
}

function openCompiled(file: Uint8Array): CompiledReader {
  const bad = (why: string): never => {
    throw new VocabularyError(`compiled tokenizer: ${why}`);
  };
  // A copy aligned at 0, so the typed arrays below are views of it without copying.
  const buf = new Uint8Array(file.byteLength);
  buf.set(file);
  const view = new DataView(buf.buffer);
  let o = 0;
  const u32 = (): number => {
    if (o + 4 > buf.length) bad('truncated');
    const v = view.getUint32(o, true);
    o += 4;
    return v;
  };
  const pad = (n: number): number => (n + 3) & ~3;
  const take = (n: number): Uint8Array => {
    if (o + n > buf.length) bad('truncated');
    const b = buf.subarray(o, o + n);
    o += pad(n);
    return b;
  };
  if (u32() !== MAGIC) bad('not a compiled tokenizer');
  const version = u32();
  if (version !== COMPILED_VERSION) bad(`version ${version}, expected ${COMPILED_VERSION}`);
  const spec: unknown = JSON.parse(utf8Decode(take(u32())));
  if (!isObject(spec)) return bad('no spec');
  return { buf, spec, nIds: u32(), u32, take };
}

/** The spec and the number of model ids of a compiled pipeline, without building it; VocabularyError as below. */
export function compiledHead(file: Uint8Array): { spec: JsonObject; modelIds: number } {
  const { spec, nIds } = openCompiled(file);
  return { spec, modelIds: nIds };
}

/** Reads a compiled pipeline; VocabularyError when the bytes are not one (a stale or damaged file). */
export function loadCompiledPipeline(file: Uint8Array): HfPipeline {
  const { buf, spec, nIds, u32, take } = openCompiled(file);
  const textLength = u32();
  const offsetBytes = take(4 * (nIds + 1));
  const offsets = new Uint32Array(buf.buffer, offsetBytes.byteOffset, nIds + 1);
  const text = utf8Decode(take(textLength));
  const tokens: string[] = new Array<string>(nIds);
  let next = offsets[nIds];
  for (let id = nIds - 1; id >= 0; id--) {
    const start = offsets[id];
    if (start === HOLE) continue;
    tokens[id] = text.slice(start, next);
    next = start;
  }
  const n = u32();
  const ints = (): Int32Array => {
    const b = take(4 * n);
    return new Int32Array(buf.buffer, b.byteOffset, n);
  };
  const lefts = ints();
  const rights = ints();
  const made = ints();
  return new HfPipeline(spec, { tokens, lefts, rights, made });
}
