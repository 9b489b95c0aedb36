/**
 * The chat-template reference: Python's Jinja2 set up as transformers' apply_chat_template sets it up
 * (tests/oracles/chat_template.py). Tests that need it skip with the reason where python3 or its jinja2 module is
 * absent (.ci/run installs Debian's python3-jinja2).
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const ORACLE = fileURLToPath(new URL('./oracles/chat_template.py', import.meta.url));

export const HAVE_JINJA2 = spawnSync('python3', ['-c', 'import jinja2'], { encoding: 'utf8' }).status === 0;

/** The title of a test that needs the reference, with the reason it is skipped where it is absent. */
export function needsJinja2(title: string): string {
  return HAVE_JINJA2
    ? title
    : `${title} (skipped: python3 with the jinja2 module is not installed; Debian: apt-get install python3-jinja2)`;
}

export type ReferenceRender = { rendered: string } | { error: string };

/** The reference renderings of `template` with each case's variables. */
export function referenceRenders(template: string, cases: ReadonlyArray<Record<string, unknown>>): ReferenceRender[] {
  const input = JSON.stringify({ template, cases: cases.map((variables) => ({ variables })) });
  const r = spawnSync('python3', [ORACLE], { input, encoding: 'utf8', maxBuffer: 256 << 20 });
  if (r.status !== 0) throw new Error(`the Jinja2 reference failed: ${r.stderr}`);
  return JSON.parse(r.stdout) as ReferenceRender[];
}

/**
 * A model's chat_template and the special tokens transformers passes to it (the tokenizer's special_tokens_map:
 * each one set in tokenizer_config.json, as its text), read here on their own so the test does not reuse what it
 * checks.
 */
export function transformersTemplate(tokenizerConfig: string): { template: string; variables: Record<string, unknown> } {
  const config = JSON.parse(readFileSync(tokenizerConfig, 'utf8')) as Record<string, unknown>;
  const text = (x: unknown): unknown => (typeof x === 'object' && x !== null ? (x as { content: unknown }).content : x);
  const out: Record<string, unknown> = {};
  for (const key of [
    'bos_token',
    'eos_token',
    'unk_token',
    'sep_token',
    'pad_token',
    'cls_token',
    'mask_token',
    'additional_special_tokens',
  ]) {
    const v = config[key];
    if (v !== null && v !== undefined) out[key] = Array.isArray(v) ? v.map(text) : text(v);
  }
  return { template: config.chat_template as string, variables: out };
}
