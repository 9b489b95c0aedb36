/**
 * npm run bench:unigram — tokenlab's Unigram trainer and Viterbi encoder against SentencePiece
 * (`spm_train --model_type=unigram`, `spm_encode`, Debian's `sentencepiece`) and Rust `tokenizers` on the
 * exported tokenizer.json: the train lines of d2l-zh and d2l-en (src/store/corpora/split.ts), vocabularies of
 * 8k and 32k, both without normalization or dummy prefix, with byte fallback. Reports training seconds,
 * held-out bytes per token and tokens per Han character with the ratio, and encode speed in MB/s.
 * spm_train runs with its default 16 threads (on this machine's cores); tokenlab's E steps and pruning passes run
 * in one worker thread per core. CPU seconds (all threads; spm_train's from /proc) sit beside the wall times: on
 * a loaded machine a process with more threads gets a larger share of it, and the CPU times move less.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exportUnigramTokenizerJson } from '../src/bpe/formats/unigram-tokenizer-json.js';
import { UnigramEncoder } from '../src/bpe/unigram/unigram-encoder.js';
import { trainUnigram } from '../src/bpe/unigram/unigram-trainer.js';
import { unigramPasses } from '../src/jobs/unigram-passes.js';
import { splitText } from '../src/store/corpora/split.js';
import { corpusPath, table } from './shared.js';

const SIZES = [8000, 32000];
/** USER_HZ, the unit of /proc's CPU times (100 on Linux's common builds). */
const CLOCK_TICKS = 100;
const SPM_TRAIN = '/usr/bin/spm_train';
const SPM_ENCODE = '/usr/bin/spm_encode';
if (!existsSync(SPM_TRAIN)) {
  console.error('bench: spm_train is absent; apt-get install sentencepiece');
  process.exit(2);
}
const { Tokenizer: HfTokenizer } = createRequire(import.meta.url)('tokenizers');

const dir = mkdtempSync(join(tmpdir(), 'tokenlab-bench-unigram-'));
const train: string[] = [];
const held: Record<string, string[]> = {};
for (const name of ['d2l-zh', 'd2l-en']) {
  const parts = splitText(readFileSync(corpusPath(`${name}.txt`), 'utf8'));
  train.push(...parts.train);
  held[name] = parts.heldOut.filter((l) => l.length > 0);
  writeFileSync(join(dir, `${name}.held.txt`), held[name].join('\n') + '\n');
}
writeFileSync(join(dir, 'train.txt'), train.join('\n') + '\n');
const trainMB = Buffer.byteLength(train.join('\n')) / 1e6;
console.log(`# Unigram: tokenlab vs spm_train --model_type=unigram on d2l-zh + d2l-en train lines (${trainMB.toFixed(1)} MB)\n`);

const HAN = /\p{Script=Han}/gu;
const rows: Array<Record<string, string | number>> = [];
const speed: Array<Record<string, string | number>> = [];
for (const size of SIZES) {
  const prefix = join(dir, `spm${size}`);
  let t = performance.now();
  const spmCpu = childCpuSeconds();
  execFileSync(SPM_TRAIN, spmArgs(join(dir, 'train.txt'), prefix, size), { stdio: 'ignore' });
  const spmSeconds = (performance.now() - t) / 1000;
  const spmCpuSeconds = childCpuSeconds() - spmCpu;
  t = performance.now();
  const ourCpu = process.cpuUsage();
  const model = await trainUnigram(train, { vocabSize: size, startPasses: unigramPasses(undefined, false) });
  const ourSeconds = (performance.now() - t) / 1000;
  const ourCpuSeconds = cpuSeconds(process.cpuUsage(ourCpu));
  const enc = new UnigramEncoder(model);
  const row: Record<string, string | number> = {
    size,
    'tokenlab s': ourSeconds,
    'spm_train s': spmSeconds,
    'time ratio': ourSeconds / spmSeconds,
    'tokenlab cpu s': ourCpuSeconds,
    'spm_train cpu s': spmCpuSeconds,
    'cpu ratio': ourCpuSeconds / spmCpuSeconds,
  };
  for (const name of Object.keys(held)) {
    const lines = held[name];
    const bytes = Buffer.byteLength(lines.join(''));
    const ours = lines.reduce((n, l) => n + enc.encodeOrdinary(l).length, 0);
    const theirs = spmEncode(`${prefix}.model`, join(dir, `${name}.held.txt`)).length;
    row[`${name} B/tok ours`] = bytes / ours;
    row[`${name} B/tok spm`] = bytes / theirs;
    row[`${name} ratio`] = theirs / ours;
    if (name === 'd2l-zh') {
      const han = lines.join('').match(HAN)?.length ?? 0;
      row['tok/Han ours'] = ours / han;
      row['tok/Han spm'] = theirs / han;
    }
  }
  rows.push(row);
  speed.push({ size, ...(await encodeSpeeds(enc, model, `${prefix}.model`)) });
}
console.log(table(rows));
console.log('\nB/tok: held-out UTF-8 bytes per token (higher compresses more); ratio: spm tokens / our tokens (> 1: ours fewer).\n');
console.log('# Encode speed on the held-out lines, MB/s (spm_encode: the whole process, model load included)\n');
console.log(table(speed));

async function encodeSpeeds(
  enc: UnigramEncoder,
  model: Parameters<typeof exportUnigramTokenizerJson>[0],
  spmModel: string,
): Promise<Record<string, number>> {
  const text = Object.values(held).flat().join('\n');
  const mb = Buffer.byteLength(text) / 1e6;
  const time = (fn: () => void): number => {
    const t = performance.now();
    fn();
    return (performance.now() - t) / 1000;
  };
  enc.encodeOrdinary(text);
  const ours = Math.min(
    time(() => enc.encodeOrdinary(text)),
    time(() => enc.encodeOrdinary(text)),
  );
  const file = join(dir, 'all.held.txt');
  writeFileSync(file, text + '\n');
  const spm = time(() => spmEncode(spmModel, file));
  const hf = HfTokenizer.fromString(exportUnigramTokenizerJson(model));
  const hfSeconds = await timeHf(hf, text);
  return {
    'tokenlab MB/s': mb / ours,
    'spm_encode MB/s': mb / spm,
    'tokenizers MB/s': mb / hfSeconds,
    'vs spm': spm / ours,
    'vs tokenizers': hfSeconds / ours,
  };
}

async function timeHf(hf: { encode(t: string, p: null, o: object): Promise<unknown> }, text: string): Promise<number> {
  await hf.encode(text.slice(0, 10_000), null, { addSpecialTokens: false });
  const t = performance.now();
  await hf.encode(text, null, { addSpecialTokens: false });
  return (performance.now() - t) / 1000;
}

function cpuSeconds(usage: NodeJS.CpuUsage): number {
  return (usage.user + usage.system) / 1e6;
}

/** User + system seconds of this process's waited-for children (Linux: /proc/self/stat's cutime and cstime). */
function childCpuSeconds(): number {
  const fields = readFileSync('/proc/self/stat', 'utf8').split(') ')[1].split(' ');
  return (Number(fields[13]) + Number(fields[14])) / CLOCK_TICKS;
}

function spmEncode(model: string, input: string): string[] {
  const out = execFileSync(SPM_ENCODE, ['--model', model, '--output_format=id', '--input', input], {
    encoding: 'utf8',
    maxBuffer: 1 << 30,
  });
  return out.split(/\s+/).filter((x) => x.length > 0);
}

function spmArgs(input: string, prefix: string, vocabSize: number): string[] {
  return [
    `--input=${input}`,
    `--model_prefix=${prefix}`,
    `--vocab_size=${vocabSize}`,
    '--model_type=unigram',
    '--normalization_rule_name=identity',
    '--add_dummy_prefix=false',
    '--remove_extra_whitespaces=false',
    '--byte_fallback=true',
    '--bos_id=-1',
    '--eos_id=-1',
    '--max_sentence_length=1000000',
    '--minloglevel=2',
  ];
}
