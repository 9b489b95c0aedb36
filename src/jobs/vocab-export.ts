import { readFile } from 'node:fs/promises';
import { modelTokenizerFiles } from '../store/model-tokenizers/installed.js';
import { runOneShot } from './one-shot-worker.js';

/** The download formats of a vocabulary. */
export type VocabExportFormat = 'json' | 'tiktoken' | 'tiktoken-args' | 'tokenizer.json';

/** A tokenizer that cannot be written in the format asked; the message says why and what to download instead. */
export class ExportError extends Error {
  override name = 'ExportError';
}

/** Why model tokenizer `name` (a Hugging Face pipeline) is offered only as its own tokenizer.json. */
export function pipelineExportError(name: string): ExportError {
  return new ExportError(
    `${name} is a Hugging Face pipeline, offered only as its own tokenizer.json: tokenlab JSON and tiktoken ranks cannot ` +
      `carry its normalizer, pre-tokenizer, merge order and added tokens (a file in them would tokenize differently)`,
  );
}

/**
 * A vocabulary file in `format`. `source` is what loadTokenizer takes: a name the tokenizer registry knows, or
 * the path of a vocabulary file in our JSON. An added model tokenizer is offered as its own tokenizer.json,
 * the file as added (ExportError for the other formats). Everything else is written in a worker thread:
 * tokenizer.json for cl100k_base takes seconds (every token's splits are derived), which the server's thread
 * must not spend.
 */
export async function exportVocabularyOffThread(source: string, format: VocabExportFormat): Promise<string> {
  const model = modelTokenizerFiles(source);
  if (model !== undefined) {
    if (format !== 'tokenizer.json') throw pipelineExportError(source);
    return readFile(model.tokenizerJson, 'utf8');
  }
  return runOneShot('vocab-export-worker', import.meta.url, { source, format }, 'exporting the vocabulary');
}
