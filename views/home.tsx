import { Layout } from './layout.js';

export function HomePage(props: { patterns: readonly string[] }) {
  return (
    <Layout title="Home">
      <h1>tokenlab</h1>
      <p>
        A tokenizer laboratory: train byte-level BPE vocabularies on mixed Chinese/English text, compare them with
        tiktoken's encodings, and explore an n-gram language model over their tokens.
      </p>
      <p>Split patterns available: {props.patterns.join(', ')}.</p>
    </Layout>
  );
}
