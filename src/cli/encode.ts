import { SpecialTokenError, type Tokenizer } from '../bpe/tokenizer.js';
import { resolve } from 'node:path';
import { isKnownTokenizer, loadTokenizer, UnknownTokenizerError } from '../store/tokenizers.js';
import { inputText } from './input.js';
import { parseOptions, required, UsageError } from './usage.js';

/** The tokenizer --tokenizer names: a name the registry knows, or a vocabulary file; unknown ones are usage errors. */
export async function tokenizerOption(value: string | undefined): Promise<Tokenizer> {
  const name = required(value, '--tokenizer');
  try {
    return await loadTokenizer(name);
  } catch (e) {
    if (e instanceof UnknownTokenizerError) throw new UsageError(e.message);
    throw e;
  }
}

/** How a file (a model, an index) names its tokenizer: a name the registry knows as is, a vocabulary file by its absolute path. */
export function tokenizerRecord(name: string): string {
  return isKnownTokenizer(name) ? name : resolve(name);
}

/** The first of `ids` that `tokenizer` has no token for, or undefined. */
export function unknownId(tokenizer: Tokenizer, ids: ArrayLike<number>): number | undefined {
  for (let i = 0; i < ids.length; i++) {
    try {
      tokenizer.tokenBytes(ids[i]);
    } catch {
      return ids[i];
    }
  }
  return undefined;
}

/** The error for an id the tokenizer lacks. */
export function unknownIdError(tokenizer: Tokenizer, id: number, cause?: unknown): Error {
  return new Error(`${tokenizer.name} has no token with id ${id} (ids run from 0 to ${tokenizer.nVocab - 1})`, { cause });
}

/**
 * tokenlab encode --tokenizer NAME|FILE [--file F | TEXT] [--count] [--json] [--special refuse|allow|text]
 *
 * Special tokens as tiktoken's encode treats them: by default text containing one is refused; `allow` encodes
 * them as their ids; `text` encodes their text as ordinary text (encode_ordinary).
 */
export async function encodeCommand(args: string[]): Promise<void> {
  const { values, positionals } = parseOptions(args, {
    tokenizer: { type: 'string' },
    file: { type: 'string' },
    count: { type: 'boolean' },
    json: { type: 'boolean' },
    special: { type: 'string' },
  });
  const mode = values.special ?? 'refuse';
  if (mode !== 'refuse' && mode !== 'allow' && mode !== 'text') {
    throw new UsageError(`--special takes refuse, allow or text, not ${JSON.stringify(mode)}`);
  }
  const tokenizer = await tokenizerOption(values.tokenizer);
  const text = await inputText(values.file, positionals, 'TEXT');
  if (values.count && !values.json && mode === 'text') {
    process.stdout.write(`${tokenizer.count(text)}\n`);
    return;
  }
  let ids: number[];
  try {
    ids = mode === 'text' ? tokenizer.encodeOrdinary(text) : tokenizer.encode(text, mode === 'allow' ? { allowedSpecial: 'all' } : {});
  } catch (e) {
    if (e instanceof SpecialTokenError) {
      throw new Error(
        `${e.message.replace(/: pass allowedSpecial.*$/, '')}; use --special allow to encode it as a special token ` +
          `or --special text to encode it as ordinary text`,
        { cause: e },
      );
    }
    throw e;
  }
  if (values.json) {
    const out = { tokenizer: tokenizer.name, count: ids.length, ...(values.count ? {} : { ids }) };
    process.stdout.write(`${JSON.stringify(out)}\n`);
  } else if (values.count) {
    process.stdout.write(`${ids.length}\n`);
  } else {
    process.stdout.write(`${ids.join(' ')}\n`);
  }
}

/** Token ids from text: integers separated by spaces, commas or newlines, a JSON array, or encode --json's object. */
export function parseIds(text: string): number[] {
  const trimmed = text.trim();
  if (trimmed.startsWith('{')) {
    let obj: unknown;
    try {
      obj = JSON.parse(trimmed);
    } catch (e) {
      throw new UsageError(`ids: not valid JSON: ${(e as Error).message}`);
    }
    const ids = (obj as { ids?: unknown }).ids;
    if (!Array.isArray(ids)) throw new UsageError('ids: the JSON object has no "ids" array');
    return parseIds(ids.join(' '));
  }
  const words = trimmed.split(/[\s,[\]]+/).filter((w) => w !== '');
  return words.map((w, i) => {
    if (!/^[0-9]+$/.test(w) || !Number.isSafeInteger(Number(w))) {
      throw new UsageError(`ids: ${JSON.stringify(w)} (item ${i + 1}) is not a token id (a whole number)`);
    }
    return Number(w);
  });
}

/** tokenlab decode --tokenizer NAME|FILE [IDS... | --file F]: writes the tokens' bytes exactly. */
export async function decodeCommand(args: string[]): Promise<void> {
  const { values, positionals } = parseOptions(args, {
    tokenizer: { type: 'string' },
    file: { type: 'string' },
  });
  const tokenizer = await tokenizerOption(values.tokenizer);
  const ids = parseIds(await inputText(values.file, positionals, 'IDS'));
  let bytes: Uint8Array;
  try {
    bytes = tokenizer.decodeBytes(ids);
  } catch (e) {
    if (e instanceof RangeError) throw unknownIdError(tokenizer, unknownId(tokenizer, ids)!, e);
    throw e;
  }
  await new Promise<void>((resolve, reject) => process.stdout.write(bytes, (err) => (err ? reject(err) : resolve())));
}
