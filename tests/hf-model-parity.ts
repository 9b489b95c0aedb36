/**
 * The parity suite one model tokenizer runs against Hugging Face `tokenizers` (the Rust library) loading the same
 * tokenizer.json: ids with add_special_tokens=false, decode(ids, false), on whole corpora, tricky texts, added
 * tokens in every position and random mixes. One test file per model calls it, so the four run in parallel.
 */
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { Tokenizer as HfTokenizer } from 'tokenizers';
import { Tokenizer as JsPortTokenizer } from '@huggingface/tokenizers';
import { HfPipeline } from '../src/bpe/hf/pipeline.js';
import { toWellFormed } from '../src/bpe/bytes.js';
import { compilePipeline, loadCompiledPipeline } from '../src/bpe/hf/compiled.js';
import { expectSameIds } from './compare.js';
import { HAVE_MODELS, modelFile, needsModels, type ModelName } from './model-files.js';
import { HAVE_SHARED, needsShared, sharedTextHead } from './shared.js';
import { TRICKY } from './tricky-texts.js';

async function hfIds(hf: HfTokenizer, text: string): Promise<number[]> {
  return (await hf.encode(text, null, { addSpecialTokens: false })).getIds();
}

/** Texts with added token `t` at the start, the end, alone, twice, between words, in Chinese, across newlines. */
function placements(t: string): string[] {
  return [
    t,
    t + t,
    `${t}x`,
    `x${t}`,
    `a ${t} b`,
    `a${t}b`,
    `  ${t}  `,
    `\n${t}\n`,
    `你好${t}世界`,
    `${t} ${t}\n${t}`,
    `word${t}word ${t}.`,
  ];
}

/** Fragments the random mixes are made of: scripts, spacing, digits, emoji, NFC/NFKC-sensitive characters. */
const FRAGMENTS = [
  '深度学习',
  '模型',
  '。',
  '，',
  'the',
  ' The',
  ' cat',
  "'s",
  "'LL",
  ' ',
  '  ',
  '\n',
  '\n\n',
  '\t',
  '\r\n',
  '123',
  '4567',
  '3.14',
  '😀',
  '👨‍👩‍👧',
  'e\u0301',
  'é',
  'ﬁ',
  'Ａ',
  '①',
  '한국어',
  'カタカナ',
  'ひらがな',
  ' x',
  '(',
  ')',
  '{',
  '}',
  '=',
  '->',
  '\u00a0',
  '\u3000',
  '\u0085',
  '\ufeff',
  '<',
  '>',
  '</',
  '▁',
  '<0x41>',
];

export function modelParitySuite(name: ModelName): void {
  describe(`${name}: token for token with tokenizers`, () => {
    let json = '';
    let ours: HfPipeline;
    let hf: HfTokenizer;
    let added: Array<{ content: string; special: boolean }> = [];
    beforeAll(() => {
      if (!HAVE_MODELS) return;
      json = readFileSync(modelFile(name), 'utf8');
      ours = HfPipeline.fromJson(json);
      hf = HfTokenizer.fromString(json);
      added = (JSON.parse(json) as { added_tokens: Array<{ content: string; special: boolean }> }).added_tokens;
    });

    for (const corpus of ['d2l-zh.txt', 'd2l-en.txt']) {
      it.skipIf(!HAVE_MODELS || !HAVE_SHARED)(needsModels(needsShared(`all of ${corpus}`)), async () => {
        const text = sharedTextHead(`corpora/${corpus}`, 1 << 30);
        expectSameIds(ours.encode(text, { allowedSpecial: 'all' }), await hfIds(hf, text), corpus);
      });
    }

    it.skipIf(!HAVE_MODELS)(needsModels('tricky texts, and decode of their ids'), async () => {
      for (const text of TRICKY) {
        const ids = await hfIds(hf, text);
        expectSameIds(ours.encode(text, { allowedSpecial: 'all' }), ids, JSON.stringify(text.slice(0, 80)));
        expect(ours.decodeText(ids), JSON.stringify(text.slice(0, 80))).toBe(await hf.decode(ids, false));
      }
    });

    it.skipIf(!HAVE_MODELS)(needsModels('added tokens in every position'), async () => {
      // Every special token, and the non-special ones spread over the list (Gemma 3 has 6,406).
      const step = Math.max(1, Math.floor(added.length / 150));
      const chosen = added.filter((a, i) => a.special || i % step === 0);
      for (const a of chosen) {
        for (const text of placements(a.content)) {
          expectSameIds(ours.encode(text, { allowedSpecial: 'all' }), await hfIds(hf, text), JSON.stringify(text));
        }
      }
    });

    it.skipIf(!HAVE_MODELS)(needsModels('special tokens read as text are what tokenizers gives without them'), async () => {
      const j = JSON.parse(json) as { added_tokens: Array<{ special: boolean }> };
      j.added_tokens = j.added_tokens.filter((a) => !a.special);
      const plain = HfTokenizer.fromString(JSON.stringify(j));
      const specials = added.filter((a) => a.special).slice(0, 40);
      // Without the specials, tokenizers may number other added tokens differently: compare the tokens' strings.
      for (const a of specials) {
        for (const text of placements(a.content)) {
          const theirs = (await plain.encode(text, null, { addSpecialTokens: false })).getIds().map((id) => plain.idToToken(id));
          expect(
            ours.encodeOrdinary(text).map((id) => ours.tokenString(id)),
            JSON.stringify(text),
          ).toEqual(theirs);
        }
      }
    });

    it.skipIf(!HAVE_MODELS)(needsModels('random mixes of scripts, spacing and added tokens (fast-check)'), async () => {
      const pieces = [...FRAGMENTS, ...added.slice(0, 12).map((a) => a.content)];
      await fc.assert(
        fc.asyncProperty(fc.array(fc.constantFrom(...pieces), { maxLength: 40 }), async (parts) => {
          const text = parts.join('');
          const ids = await hfIds(hf, text);
          expectSameIds(ours.encode(text, { allowedSpecial: 'all' }), ids, JSON.stringify(text));
          expect(ours.decodeText(ids)).toBe(await hf.decode(ids, false));
        }),
        { numRuns: 300, seed: 18 },
      );
    });

    it.skipIf(!HAVE_MODELS)(needsModels('arbitrary Unicode strings (fast-check)'), async () => {
      await fc.assert(
        fc.asyncProperty(fc.string({ unit: 'grapheme', maxLength: 60 }), async (text) => {
          expectSameIds(ours.encode(text, { allowedSpecial: 'all' }), await hfIds(hf, text), JSON.stringify(text));
        }),
        { numRuns: 300, seed: 18 },
      );
    });

    // The port reads a lone surrogate as itself where the Rust library, given UTF-8, sees U+FFFD (as tokenlab
    // does): the texts are made well-formed first.
    it.skipIf(!HAVE_MODELS)(needsModels('the pure-JS port @huggingface/tokenizers gives the same ids on the tricky texts'), () => {
      const config = JSON.parse(readFileSync(modelFile(name, 'tokenizer_config.json'), 'utf8')) as Record<string, unknown>;
      const port = new JsPortTokenizer(JSON.parse(json) as Record<string, unknown>, config);
      for (const text of TRICKY.map(toWellFormed)) {
        expectSameIds(
          ours.encode(text, { allowedSpecial: 'all' }),
          port.encode(text, { add_special_tokens: false }).ids,
          JSON.stringify(text.slice(0, 80)),
        );
      }
    });

    it.skipIf(!HAVE_MODELS)(needsModels('its compiled form encodes and decodes alike'), () => {
      const back = loadCompiledPipeline(compilePipeline(ours));
      for (const text of TRICKY) {
        const ids = ours.encode(text, { allowedSpecial: 'all' });
        expectSameIds(back.encode(text, { allowedSpecial: 'all' }), ids, JSON.stringify(text.slice(0, 80)));
        expect(back.decodeText(ids)).toBe(ours.decodeText(ids));
      }
    });
  });
}
