/**
 * The CLI with an open model's tokenizer: `encode --tokenizer qwen3` in each --special mode and `decode`, against
 * tokenizers loading the same file.
 */
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { Tokenizer as HfTokenizer } from 'tokenizers';
import { runTokenlab } from './cli-run.js';
import { HAVE_MODELS, MODEL_DATA, modelFile, needsModels } from './model-files.js';

const TEXT = 'Hello, 世界<|im_end|>\n  x';

describe('tokenlab encode/decode with qwen3', () => {
  let hf: HfTokenizer;
  let withoutSpecials: HfTokenizer;
  beforeAll(() => {
    process.env.TOKENLAB_DATA = MODEL_DATA; // read only: the added model tokenizers
    if (!HAVE_MODELS) return;
    const json = readFileSync(modelFile('qwen3'), 'utf8');
    hf = HfTokenizer.fromString(json);
    const j = JSON.parse(json) as { added_tokens: Array<{ special: boolean }> };
    j.added_tokens = j.added_tokens.filter((a) => !a.special);
    withoutSpecials = HfTokenizer.fromString(JSON.stringify(j));
  });

  const idsOf = (stdout: string): number[] => stdout.trim().split(/\s+/).map(Number);
  const hfIds = async (t: HfTokenizer): Promise<number[]> => (await t.encode(TEXT, null, { addSpecialTokens: false })).getIds();

  it.skipIf(!HAVE_MODELS)(needsModels('--special allow reads <|im_end|> as tokenizers does'), async () => {
    const r = await runTokenlab(['encode', '--tokenizer', 'qwen3', '--special', 'allow'], TEXT);
    expect(r.stderr).toBe('');
    expect(idsOf(r.stdout)).toEqual(await hfIds(hf));
  });

  it.skipIf(!HAVE_MODELS)(needsModels('--special text encodes its text as text'), async () => {
    const r = await runTokenlab(['encode', '--tokenizer', 'qwen3', '--special', 'text'], TEXT);
    expect(idsOf(r.stdout)).toEqual(await hfIds(withoutSpecials));
  });

  it.skipIf(!HAVE_MODELS)(needsModels('the default refuses it, naming the token and the options'), async () => {
    const r = await runTokenlab(['encode', '--tokenizer', 'qwen3'], TEXT);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/special token "<\|im_end\|>".*--special allow.*--special text/);
  });

  it.skipIf(!HAVE_MODELS)(needsModels('decode gives what tokenizers decodes'), async () => {
    const ids = await hfIds(hf);
    const r = await runTokenlab(['decode', '--tokenizer', 'qwen3', ...ids.map(String)]);
    expect(r.stdout).toBe(await hf.decode(ids, false));
  });
});
