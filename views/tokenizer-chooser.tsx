/**
 * Parts of the tokenizer choosers: a select's options grouped by kind, and the line for the open-model
 * tokenizers not added yet, each with its download size, linking to the add buttons on the vocabulary list
 * (#model-offers; they are fetched only when asked).
 */
import { downloadLabel } from './add-offer.js';
import { tokenizerGroups, type TokenizerChoice } from './tokenizer-groups.js';

/** A select's options: the tokenizers grouped by kind, `selected` selected. */
export function TokenizerOptions(props: { tokenizers: readonly TokenizerChoice[]; selected: string }) {
  return (
    <>
      {tokenizerGroups(props.tokenizers).map((g) => (
        <optgroup label={g.label}>
          {g.entries.map((t) => (
            <option value={t.name} selected={t.name === props.selected}>
              {t.name}
            </option>
          ))}
        </optgroup>
      ))}
    </>
  );
}

/** A model tokenizer the lab can add, and what adding it downloads. */
export interface AddableModel {
  name: string;
  downloadBytes: number;
}

export function AddModelsNote(props: { addable: readonly AddableModel[] }) {
  if (props.addable.length === 0) return null;
  return (
    <p class="note add-models">
      Not added yet:{' '}
      {props.addable.map((m, i) => (
        <>
          {i > 0 ? ', ' : ''}
          <a href="/vocab#model-offers" class="add-model" data-model={m.name}>
            {m.name} · add, {downloadLabel(m.downloadBytes)}
          </a>
        </>
      ))}
    </p>
  );
}
