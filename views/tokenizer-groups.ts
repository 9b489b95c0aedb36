/** The tokenizer choosers' groups (the tokenize, compare and LM pages). */

/** Where a tokenizer comes from: tiktoken's encodings, the open models' (added), the vocabularies tokenlab ships, the user's. */
export type TokenizerKind = 'tiktoken' | 'model' | 'shipped' | 'user';

export interface TokenizerChoice {
  name: string;
  kind: TokenizerKind;
}

/** Each kind's name in a chooser. */
export const TOKENIZER_KIND_LABELS: Record<TokenizerKind, string> = {
  tiktoken: 'tiktoken',
  model: 'open models',
  shipped: 'shipped with tokenlab',
  user: 'yours',
};

/** The choosers' groups: tiktoken's encodings, the open models', the shipped vocabularies, the user's (absent when empty). */
export function tokenizerGroups(tokenizers: readonly TokenizerChoice[]): { label: string; entries: TokenizerChoice[] }[] {
  return (Object.keys(TOKENIZER_KIND_LABELS) as TokenizerKind[])
    .map((kind) => ({ label: TOKENIZER_KIND_LABELS[kind], entries: tokenizers.filter((t) => t.kind === kind) }))
    .filter((g) => g.entries.length > 0);
}
