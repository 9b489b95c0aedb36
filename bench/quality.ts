/**
 * npm run bench:quality — issue 21: every trainer side by side. Each algorithm (BPE with the gpt2 and cjk
 * patterns, SuperBPE on each, Unigram) and the peer, Hugging Face `tokenizers`' BPE with the GPT-2 pattern
 * (bench/quality-contenders.ts), learns a vocabulary of each size from the train lines of d2l-zh + d2l-en
 * (src/store/corpora/split.ts). On the held-out lines of each, apart, it reports bytes per token, tokens per Han
 * character, Rényi efficiency (src/eval/metrics.ts), and the bits per byte of the held-out text under the lab's
 * 5-gram Kneser-Ney model (lab mode) built on that tokenizer's tokens of the train lines; then the same on the
 * held-out d2l-zh lines that are mostly Han (prose, without the code and English), and on modern Chinese text the
 * vocabularies never saw: Debian's manuals in Simplified Chinese where they are installed (bench/quality-debian.ts;
 * the goal line is judged on them, as they are in no corpus of the project) and the TypeScript compiler's messages,
 * simplified and traditional (Apache-2.0). Every line is checked lossless (decode(encode(x)) === x); a lossy
 * encoder fails the run.
 *
 * First it reports the shipped vocabulary against the 100k–200k vocabularies (bench/quality-shipped.ts); --shipped
 * stops there.
 *
 *   node dist/bench/quality.js [--shipped] [--quick] [--sizes 8000,30000] [--algorithms "bpe cjk,unigram"]
 *
 * Default sizes 8000, 30000 (the goal line's), 32000, 64000; --quick is 8000 alone.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { renyiEfficiency } from '../src/eval/metrics.js';
import { measureQuality, type QualityMeasures } from '../src/jobs/quality-measures.js';
import { bundledCorpus } from '../src/store/corpora/extract.js';
import { splitText } from '../src/store/corpora/split.js';
import { CONTENDERS, trainData, type Contender, type Trained } from './quality-contenders.js';
import { debianChineseDocs } from './quality-debian.js';
import { isProse, reportShipped, SHIPPED } from './quality-shipped.js';
import { corpusPath, table } from './shared.js';

const GOAL_SIZE = 30_000;
const GOAL_GAIN = 0.2;
const PEER = 'tokenizers bpe gpt2';

function argument(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i < 0 ? undefined : process.argv[i + 1];
}
const sizes = process.argv.includes('--quick')
  ? [8000]
  : (argument('--sizes')?.split(',').map(Number) ?? [8000, GOAL_SIZE, 32_000, 64_000]);
const wanted = argument('--algorithms')
  ?.split(',')
  .map((s) => s.trim());
const contenders = wanted === undefined ? CONTENDERS : CONTENDERS.filter((c) => wanted.includes(c.name));
if (sizes.some((s) => !Number.isInteger(s) || s < 300) || contenders.length === 0) {
  console.error(`bench: --sizes takes integers of at least 300; --algorithms names some of: ${CONTENDERS.map((c) => c.name).join(', ')}`);
  process.exit(2);
}

const nonEmpty = (lines: string[]) => lines.filter((l) => l.length > 0);
const dir = mkdtempSync(join(tmpdir(), 'tokenlab-quality-'));
const perCorpus: string[][] = [];
/** The texts scored: d2l's held-out lines, then modern Chinese from elsewhere (whole, as nothing trained on it). */
const evalTexts: Array<{ name: string; lines: string[] }> = [];
for (const name of ['d2l-zh', 'd2l-en']) {
  const { train, heldOut } = splitText(readFileSync(corpusPath(`${name}.txt`), 'utf8'));
  perCorpus.push(train);
  evalTexts.push({ name: `${name} held out`, lines: nonEmpty(heldOut) });
}
const [D2L_ZH, D2L_EN] = [evalTexts[0].name, evalTexts[1].name];
// d2l-zh holds much code, math and English: its prose alone says how much of a gain is Chinese.
evalTexts.push({ name: 'd2l-zh prose', lines: evalTexts[0].lines.filter(isProse) });
// The goal's text: Chinese technical documentation from outside every corpus of the project.
const debian = debianChineseDocs();
evalTexts.push(...debian.texts);
if (debian.missing.length > 0) {
  console.log(`Not installed, so not scored (the goal line needs one): apt-get install ${debian.missing.join(' ')}\n`);
}
const shippedLossy = (await reportShipped(evalTexts)).filter((l) => l.startsWith(`${SHIPPED}:`));
if (shippedLossy.length > 0) {
  console.error(`LOSSY: the shipped vocabulary: ${shippedLossy.join('; ')}`);
  process.exit(1);
}
if (process.argv.includes('--shipped')) process.exit(0);
evalTexts.push({ name: 'ts-messages-zh', lines: nonEmpty(readFileSync((await bundledCorpus('ts-messages-zh')).path, 'utf8').split('\n')) });
evalTexts.push({ name: 'ts-messages-zh-tw', lines: traditionalMessages() });
const data = trainData(perCorpus, dir);
const trainLines = nonEmpty(data.lines);

const mb = (lines: string[]) => (Buffer.byteLength(lines.join('\n')) / 1e6).toFixed(2);
console.log(
  `# Trainers side by side: vocabularies learned from the train lines of d2l-zh + d2l-en (${mb(data.lines)} MB), ` +
    `scored on held-out lines (${evalTexts.map((t) => `${t.name} ${mb(t.lines)} MB`).join(', ')}); ` +
    `load average ${loadavg()[0].toFixed(1)} on ${sizes.join(', ')}\n`,
);

/** A text's measures, and its tokens (for the Rényi efficiency over two texts). */
type Measured = Omit<QualityMeasures, 'tokens'> & { tokens: number[] };

const lossy: string[] = [];
const gains: Array<Record<string, string | number>> = [];
let goalLine = `goal line: not measured (${GOAL_SIZE} is not among the sizes, or an algorithm of each side is missing)`;
for (const size of sizes) {
  const main: Array<Record<string, string | number>> = [];
  /** A table for each text after d2l's two: a row per algorithm. */
  const other = new Map<string, Array<Record<string, string | number>>>(evalTexts.slice(2).map((t) => [t.name, []]));
  const byText = new Map<string, Map<string, number>>();
  for (const c of contenders) {
    const trained = await c.train(data, size, dir);
    const results = await measure(c, trained, size);
    const [zh, en] = [results.get(D2L_ZH)!, results.get(D2L_EN)!];
    main.push({
      algorithm: c.name,
      'train s': trained.seconds === null ? 'reproduced' : trained.seconds,
      'zh B/tok': zh.bytesPerToken,
      'en B/tok': en.bytesPerToken,
      'zh tok/Han': zh.tokensPerHan ?? '-',
      'Rényi (zh+en)': renyiOf(trained, [...zh.tokens, ...en.tokens]),
      'zh bits/B': zh.bitsPerByte,
      'en bits/B': en.bitsPerByte,
      lossless: lossy.some((l) => l.startsWith(`${c.name} ${size}:`)) ? 'NO' : 'yes',
    });
    for (const [text, rows] of other) {
      const r = results.get(text)!;
      rows.push({ algorithm: c.name, 'B/tok': r.bytesPerToken, 'tok/Han': r.tokensPerHan ?? '-', 'bits/B': r.bitsPerByte });
    }
    for (const [name, r] of results) {
      if (!byText.has(name)) byText.set(name, new Map());
      byText.get(name)!.set(c.name, r.bytesPerToken);
    }
  }
  console.log(`## ${size} tokens: d2l held out\n`);
  console.log(table(main));
  for (const [text, rows] of other) console.log(`\n## ${size} tokens: ${text}\n\n${table(rows)}`);
  console.log('');
  compareToPeer(size, byText);
}

console.log(
  'B/tok: UTF-8 bytes of the non-empty lines per token (each line encoded alone); tok/Han: Han share of tokens per Han ' +
    'character; Rényi: efficiency of order 2.5 over the held-out zh + en tokens; bits/B: log2 loss of the 5-gram KN ' +
    "model (lab mode, built on the tokenizer's tokens of the train lines) per UTF-8 byte of the held-out text, line " +
    "breaks counted and each line's </s> standing for its break; train s: one thread for tokenlab, tokenizers' own " +
    'threads for it; reproduced: tokenizers at that size reproduced by tokenlab --compat hf (held merge for merge to ' +
    "tokenizers' own 30k run in this process), encoded by tokenizers.\n",
);
console.log(`# Bytes per token against ${PEER} (ratio > 1: fewer tokens than the peer)\n`);
if (gains.length > 0) console.log(table(gains));
console.log(`\n${goalLine}`);
if (lossy.length > 0) {
  console.error(`\nLOSSY: decode(encode(x)) !== x for ${lossy.length} tokenizer(s) and text(s):\n${lossy.join('\n')}`);
  process.exit(1);
}
console.log('every tokenizer decoded every scored line back exactly');

/** Encodes the train lines and measures each text (src/jobs/quality-measures.ts); lossy lines are recorded. */
async function measure(c: Contender, trained: Trained, size: number): Promise<Map<string, Measured>> {
  const trainIds = await trained.encodeLines(trainLines);
  const out = new Map<string, Measured>();
  for (const { name, lines } of evalTexts) {
    const ids = await trained.encodeLines(lines);
    const q = measureQuality({ tokenizer: trained, decode: (x) => trained.decode(x as Uint32Array), trainIds, lines, ids });
    const bad = q.firstLossyLine;
    if (bad >= 0) lossy.push(`${c.name} ${size}: ${name} line ${bad + 1}: ${JSON.stringify(lines[bad].slice(0, 80))}`);
    out.set(name, { ...q, tokens: ids.flatMap((x) => Array.from(x)) });
  }
  return out;
}

/** The Rényi efficiency of these tokens together (evaluate's, which takes one text at a time). */
function renyiOf(trained: Trained, ids: number[]): number {
  const counts = new Map<number, number>();
  for (const id of ids) counts.set(id, (counts.get(id) ?? 0) + 1);
  return renyiEfficiency(counts.values(), ids.length, trained.nVocab);
}

/**
 * The ratio to the peer on each text of the tokenlab algorithm that compresses d2l-zh's held-out lines best (the
 * goal line's choice: does its gain carry over?) and of the best one on that text.
 */
function compareToPeer(size: number, bpt: Map<string, Map<string, number>>): void {
  const ours = contenders.filter((c) => c.ours).map((c) => c.name);
  if (ours.length === 0 || !contenders.some((c) => !c.ours)) return;
  const best = (text: string) => ours.reduce((a, b) => (bpt.get(text)!.get(b)! > bpt.get(text)!.get(a)! ? b : a));
  const chosen = best(D2L_ZH);
  for (const text of [D2L_ZH, ...evalTexts.slice(2).map((t) => t.name)]) {
    const peer = bpt.get(text)!.get(PEER)!;
    const here = best(text);
    gains.push({
      size,
      text,
      [`chosen (best on ${D2L_ZH})`]: chosen,
      'chosen / tokenizers': bpt.get(text)!.get(chosen)! / peer,
      'best on this text': here,
      'best / tokenizers': bpt.get(text)!.get(here)! / peer,
    });
  }
  if (size !== GOAL_SIZE) return;
  const verdict = (text: string) => {
    const gain = bpt.get(text)!.get(chosen)! / bpt.get(text)!.get(PEER)! - 1;
    return `${text}: ${(100 * gain).toFixed(1)}%, ${gain >= GOAL_GAIN ? 'met' : 'not met'}`;
  };
  goalLine =
    `goal line (${GOAL_SIZE} tokens): ${chosen} (the best on ${D2L_ZH}) against ${PEER}, more bytes per token ` +
    `(at least ${100 * GOAL_GAIN}% wanted) on Chinese technical documentation outside the project's corpora: ` +
    `${debian.texts.length > 0 ? debian.texts.map((t) => verdict(t.name)).join('; ') : 'none installed'}; ` +
    `on the project's own held-out lines: ${verdict(D2L_ZH)}`;
}

/** The TypeScript compiler's messages in traditional Chinese (typescript/lib/zh-tw, Apache-2.0), one a line. */
function traditionalMessages(): string[] {
  const root = dirname(createRequire(import.meta.url).resolve('typescript/package.json'));
  const messages: Record<string, string> = JSON.parse(readFileSync(join(root, 'lib/zh-tw/diagnosticMessages.generated.json'), 'utf8'));
  return nonEmpty(Object.values(messages).map((m) => m.replace(/\s+/g, ' ').trim()));
}
