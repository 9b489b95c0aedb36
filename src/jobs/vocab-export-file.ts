/**
 * A vocabulary file in a download format, or the reason it cannot be: each format carries only what its
 * readers encode the same way (a Hugging Face pipeline is offered only as its tokenizer.json; SuperBPE only as
 * tokenlab JSON; Unigram as tokenlab JSON or tokenizer.json, no tiktoken ranks).
 */
import { isHfPipelineFile, isUnigramFile, serializeVocabFile, type VocabFile } from '../bpe/formats/hf-vocab-json.js';
import { exportTiktokenArgs, exportTiktokenRanks } from '../bpe/formats/tiktoken-ranks.js';
import { exportTokenizerJson } from '../bpe/formats/tokenizer-json.js';
import { exportUnigramTokenizerJson } from '../bpe/formats/unigram-tokenizer-json.js';
import { VocabularyError } from '../bpe/vocabulary.js';
import { ExportError, pipelineExportError, type VocabExportFormat } from './vocab-export.js';

/** `file` (the vocabulary `name`) in `format`; ExportError saying why a format cannot carry it. */
export function exportVocabFile(name: string, file: VocabFile, format: VocabExportFormat): string {
  if (format === 'json') return serializeVocabFile(file);
  const tiktoken = format === 'tiktoken' || format === 'tiktoken-args';
  if (isHfPipelineFile(file)) {
    if (tiktoken) throw pipelineExportError(name);
    return JSON.stringify(file.tokenizer);
  }
  if (isUnigramFile(file) && tiktoken) {
    throw new ExportError(
      `${name} is a Unigram model: it has no merge ranks, so no tiktoken file; download tokenizer.json or tokenlab JSON`,
    );
  }
  try {
    if (isUnigramFile(file)) return exportUnigramTokenizerJson(file);
    if (format === 'tiktoken') return exportTiktokenRanks(file);
    return format === 'tiktoken-args' ? exportTiktokenArgs(file) : exportTokenizerJson(file);
  } catch (e) {
    if (e instanceof VocabularyError) throw new ExportError(`${name}: ${e.message}`, { cause: e });
    throw e;
  }
}
