/** The tokenizer choosers' groups (the tokenize and compare pages). */

/** Where a tokenizer comes from: tiktoken's encodings, the open models' (added), the vocabularies tokenlab ships, the user's. */
export type TokenizerKind = 'tiktoken' | 'model' | 'shipped' | 'user';

export interface TokenizerChoice {
  name: string;
  kind: TokenizerKind;
}

const KIND_LABELS: Record<TokenizerKind, string> = {
  tiktoken: 'tiktoken',
  model: 'open models',
  shipped: 'shipped with tokenlab',
  user: 'yours',
};

/** The choosers' groups: tiktoken's encodings, the open models', the shipped vocabularies, the user's (absent when empty). */
export function tokenizerGroups(tokenizers: readonly TokenizerChoice[]): { label: string; entries: TokenizerChoice[] }[] {
  return (Object.keys(KIND_LABELS) as TokenizerKind[])
    .map((kind) => ({ label: KIND_LABELS[kind], entries: tokenizers.filter((t) => t.kind === kind) }))
    .filter((g) => g.entries.length > 0);
}
