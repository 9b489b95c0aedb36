/**
 * What the chat view tells about the models each tokenizer serves: their context windows, from the publishers'
 * model cards and documentation. Prices are left out: tokenlab cannot read the vendors' price pages where it
 * runs (no network at build or run time), and a price without the date it was read would mislead.
 */
export interface ModelCard {
  model: string;
  /** Tokens the model takes in one context (prompt and answer together). */
  contextTokens: number;
  /** Where the figure comes from. */
  source: string;
}

export const MODEL_CARDS: Readonly<Record<string, readonly ModelCard[]>> = {
  cl100k_base: [
    { model: 'gpt-3.5-turbo', contextTokens: 16_385, source: 'OpenAI model documentation' },
    { model: 'gpt-4', contextTokens: 8_192, source: 'OpenAI model documentation' },
    { model: 'gpt-4-turbo', contextTokens: 128_000, source: 'OpenAI model documentation' },
  ],
  o200k_base: [
    { model: 'gpt-oss-20b', contextTokens: 131_072, source: 'gpt-oss model card (OpenAI)' },
    { model: 'gpt-oss-120b', contextTokens: 131_072, source: 'gpt-oss model card (OpenAI)' },
  ],
  qwen3: [{ model: 'Qwen3 (8B and larger)', contextTokens: 32_768, source: 'Qwen3 model cards: 32,768 native, 131,072 with YaRN' }],
  'deepseek-v3': [{ model: 'DeepSeek-V3', contextTokens: 131_072, source: 'DeepSeek-V3 model card (128K)' }],
  llama3: [{ model: 'Meta Llama 3 (8B, 70B)', contextTokens: 8_192, source: 'Meta Llama 3 model card' }],
  gemma3: [{ model: 'Gemma 3 (4B, 12B, 27B)', contextTokens: 131_072, source: 'Gemma 3 model card (128K; the 1B model: 32K)' }],
};
