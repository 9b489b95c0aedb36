/** The single-corpus chooser of the build forms (LM studio, quality comparison): each corpus with its size. */
import { formatBytes } from './format.js';

export function CorpusSelect(props: { corpora: readonly { name: string; bytes: number }[]; selected: string }) {
  return (
    <select name="corpus">
      {props.corpora.map((c) => (
        <option value={c.name} selected={props.selected === c.name}>
          {c.name} · {formatBytes(c.bytes)}
        </option>
      ))}
    </select>
  );
}
