/**
 * A tokenizer.json's pipeline in a few words, for the pages that list and explore a model tokenizer: its
 * normalizer, its pre-tokenizer chain and its BPE model, read from the spec (the file without the model's vocab
 * and merges, HfPipeline.spec). Qwen3's reads "NFC · Split(regex) → ByteLevel · BPE over bytes"; Gemma 3's
 * "Replace(' '→'▁') · Split(' ', merged with previous) · BPE over characters, byte fallback".
 */
import { isObject, type Json, type JsonObject } from './json.js';

export interface PipelineDescription {
  normalizer: string;
  preTokenizer: string;
  model: string;
  decoder: string;
}

const BEHAVIOR_WORDS: Record<string, string> = {
  Removed: 'removed',
  Isolated: 'isolated',
  MergedWithPrevious: 'merged with previous',
  MergedWithNext: 'merged with next',
  Contiguous: 'contiguous',
};

function quoted(s: Json | undefined): string {
  return typeof s === 'string' ? `'${s}'` : '?';
}

/** A Split's or Replace's pattern: "regex" for a regex, the string itself quoted. */
function pattern(p: Json | undefined): string {
  if (!isObject(p)) return '?';
  return typeof p.Regex === 'string' ? 'regex' : quoted(p.String);
}

/** The links of a Sequence (`key` names the list), or the part alone; [] for none. */
function chain(part: Json | undefined, key: string): JsonObject[] {
  if (!isObject(part)) return [];
  if (part.type !== 'Sequence') return [part];
  const list = part[key];
  return Array.isArray(list) ? list.filter(isObject).flatMap((p) => chain(p, key)) : [];
}

/** Links joined by arrows, a run of equal ones written once with its count: "Split(regex) ×3 → ByteLevel". */
function joined(links: string[]): string {
  const out: string[] = [];
  for (let i = 0; i < links.length;) {
    let j = i;
    while (j < links.length && links[j] === links[i]) j++;
    out.push(j - i > 1 ? `${links[i]} ×${j - i}` : links[i]);
    i = j;
  }
  return out.length === 0 ? 'none' : out.join(' → ');
}

function normalizerLink(n: JsonObject): string {
  if (n.type === 'Replace') return `Replace(${pattern(n.pattern)}→${quoted(n.content)})`;
  if (n.type === 'Prepend') return `Prepend(${quoted(n.prepend)})`;
  return String(n.type);
}

function preTokenizerLink(p: JsonObject): string {
  if (p.type === 'Split') {
    const behavior = BEHAVIOR_WORDS[String(p.behavior)] ?? String(p.behavior);
    const what = behavior === 'isolated' ? pattern(p.pattern) : `${pattern(p.pattern)}, ${behavior}`;
    return `Split(${p.invert === true ? 'inverted ' : ''}${what})`;
  }
  if (p.type === 'ByteLevel') return p.use_regex === false ? 'ByteLevel' : 'ByteLevel(GPT-2 regex)';
  return String(p.type);
}

/** The BPE model's kind and the options that change what it does. */
function modelWords(spec: JsonObject, byteLevel: boolean): string {
  const m = isObject(spec.model) ? spec.model : {};
  const words = [byteLevel ? 'BPE over bytes' : 'BPE over characters'];
  if (m.byte_fallback === true) words.push('byte fallback');
  if (m.ignore_merges === true) words.push('whole words first (ignore_merges)');
  return words.join(', ');
}

/** Each stage of the pipeline `spec` describes, in a few words. */
export function describePipeline(spec: JsonObject): PipelineDescription {
  const preTokenizers = chain(spec.pre_tokenizer, 'pretokenizers');
  const byteLevel = preTokenizers.length > 0 && preTokenizers[preTokenizers.length - 1].type === 'ByteLevel';
  return {
    normalizer: joined(chain(spec.normalizer, 'normalizers').map(normalizerLink)),
    preTokenizer: joined(preTokenizers.map(preTokenizerLink)),
    model: modelWords(spec, byteLevel),
    decoder: joined(chain(spec.decoder, 'decoders').map((d) => String(d.type))),
  };
}

/** The list's one line: "NFC · Split(regex) → ByteLevel · BPE over bytes" (no normalizer: "no normalizer · …"). */
export function pipelineLine(d: PipelineDescription): string {
  return `${d.normalizer === 'none' ? 'no normalizer' : d.normalizer} · ${d.preTokenizer} · ${d.model}`;
}

/**
 * Token ids and special tokens of a pipeline from its spec and the number of ids its model has, without
 * building it (HfPipeline's nVocab and specials, which a test holds these to). An added token's id is the one
 * the file gives it: `tokenizers` writes each added token with its id.
 */
export function pipelineCounts(spec: JsonObject, modelIds: number): { size: number; specials: number } {
  const added = new Map<string, { id: number; special: boolean }>();
  for (const a of Array.isArray(spec.added_tokens) ? spec.added_tokens : []) {
    if (isObject(a) && typeof a.content === 'string' && a.content !== '' && typeof a.id === 'number')
      added.set(a.content, { id: a.id, special: a.special === true });
  }
  let size = modelIds;
  let specials = 0;
  for (const a of added.values()) {
    size = Math.max(size, a.id + 1);
    if (a.special) specials++;
  }
  return { size, specials };
}
