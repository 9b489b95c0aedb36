/**
 * Loading an added model tokenizer (qwen3, deepseek-v3, llama3, gemma3) as an HfPipeline. The first load reads
 * its tokenizer.json (1–2 s for these files) and writes the compiled form beside it (src/bpe/hf/compiled.ts),
 * named by the tokenizer.json's sha256 and the format's version, with its own sha256 after it; later loads read
 * that (a few hundred ms). A compiled file that is damaged or cannot be read is ignored and rewritten; one that
 * cannot be written costs only speed.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { COMPILED_VERSION, compiledHead, compilePipeline, loadCompiledPipeline } from '../bpe/hf/compiled.js';
import type { JsonObject } from '../bpe/hf/json.js';
import { HfPipeline } from '../bpe/hf/pipeline.js';
import { VocabularyError } from '../bpe/vocabulary.js';
import { writeFileAtomic } from './atomic-file.js';
import { modelTokenizerFiles } from './model-tokenizers/installed.js';

/** A model tokenizer the catalogue offers but the user has not added. */
export class ModelTokenizerNotAddedError extends Error {
  override name = 'ModelTokenizerNotAddedError';
  constructor(readonly tokenizer: string) {
    super(
      `the model tokenizer ${JSON.stringify(tokenizer)} is not added yet: run \`tokenlab tokenizers add ${tokenizer}\`, or use its add button on /vocab`,
    );
  }
}

/** The pipeline of the added model tokenizer `name`; ModelTokenizerNotAddedError when it is not added. */
export async function loadModelPipeline(name: string): Promise<HfPipeline> {
  const files = addedFiles(name);
  const compiled = compiledPath(files);
  const body = await keptBody(compiled);
  if (body) {
    try {
      return loadCompiledPipeline(body);
    } catch (e) {
      if (!(e instanceof VocabularyError)) throw e;
    }
  }
  const pipeline = HfPipeline.fromJson(await readFile(files.tokenizerJson, 'utf8'));
  const bytes = compilePipeline(pipeline);
  await writeFileAtomic(compiled, Buffer.concat([bytes, sha256(bytes)])).catch(() => undefined);
  return pipeline;
}

/**
 * What the vocabulary list says of the added model tokenizer `name` without building it: its spec (the
 * tokenizer.json without vocab and merges) and its model's number of ids, from the compiled form's head (the
 * first load writes the compiled form). ModelTokenizerNotAddedError when it is not added.
 */
export async function modelPipelineHead(name: string): Promise<{ spec: JsonObject; modelIds: number }> {
  const body = await keptBody(compiledPath(addedFiles(name)));
  if (body) {
    try {
      return compiledHead(body);
    } catch (e) {
      if (!(e instanceof VocabularyError)) throw e;
    }
  }
  const p = await loadModelPipeline(name);
  return { spec: p.spec, modelIds: p.model.tokens.length };
}

function addedFiles(name: string): NonNullable<ReturnType<typeof modelTokenizerFiles>> {
  const files = modelTokenizerFiles(name);
  if (files === undefined) throw new ModelTokenizerNotAddedError(name);
  return files;
}

/** Where the compiled form of a tokenizer.json is kept: beside it, named by its sha256 and the format's version. */
function compiledPath(files: { tokenizerJson: string; sha256: string }): string {
  return join(dirname(files.tokenizerJson), `tokenizer.${files.sha256.slice(0, 16)}.v${COMPILED_VERSION}.tlhf`);
}

/** The compiled bytes kept at `path`, if its checksum holds. */
async function keptBody(path: string): Promise<Uint8Array | undefined> {
  const kept = await readFile(path).catch(() => undefined);
  return kept && checkedBody(kept);
}

function sha256(bytes: Uint8Array): Buffer {
  return createHash('sha256').update(bytes).digest();
}

/** The compiled bytes of a kept file whose trailing sha256 matches them; undefined for a damaged one. */
function checkedBody(file: Buffer): Uint8Array | undefined {
  if (file.length < 32) return undefined;
  const body = file.subarray(0, file.length - 32);
  return sha256(body).equals(file.subarray(file.length - 32)) ? body : undefined;
}
