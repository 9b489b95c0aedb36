/**
 * The vocabulary explorer's merge views: the merge tree of a token (what each token is made of, down to what no
 * merge makes) and the merge-step scrubber (a sample after the first k merges). Fragments htmx swaps in.
 */
import { TokenChip, type ChipToken } from './tokens.js';

/**
 * How a token comes to be: the rank of the merge that makes it, or what it is when none does: a byte, a
 * byte-fallback token, a character (BPE over characters), an added token, a token only ever a whole piece, or
 * one nothing makes.
 */
export type TokenOrigin = number | 'byte' | 'byte-fallback' | 'character' | 'added' | 'whole' | 'unreachable';

/** A token and the parts BPE joins into it: two for a merge, more for a token only ever made whole, none for a leaf. */
export interface MergeTreeNode {
  id: number;
  token: ChipToken;
  origin: TokenOrigin;
  parts: readonly MergeTreeNode[];
}

/** The sample's tokens after the first k of max merges. */
export interface ScrubView {
  k: number;
  max: number;
  sample: string;
  /** The sample's length in UTF-8 bytes. */
  bytes: number;
  pieces: readonly ChipToken[];
}

export function MergeTreeView(props: { node: MergeTreeNode }) {
  return (
    <ul class="merge-tree" id="merge-tree">
      <MergeNodeView node={props.node} />
    </ul>
  );
}

const ORIGIN_LABELS: Record<Exclude<TokenOrigin, number>, string> = {
  byte: 'byte',
  'byte-fallback': 'byte (byte fallback)',
  character: 'character (no merge makes it)',
  added: 'added token (matched whole, before the model runs)',
  whole: 'never made by a merge (only ever a whole piece)',
  unreachable: 'never made by a merge: the model never produces it',
};

function MergeNodeView(props: { node: MergeTreeNode }) {
  const { node } = props;
  const how = typeof node.origin === 'number' ? `rank ${node.origin}` : ORIGIN_LABELS[node.origin];
  return (
    <li>
      <TokenChip token={node.token} />{' '}
      <span class="note">
        id {node.id} · {how}
      </span>
      {node.parts.length > 0 ? (
        <ul>
          {node.parts.map((p) => (
            <MergeNodeView node={p} />
          ))}
        </ul>
      ) : null}
    </li>
  );
}

export function Scrub(props: ScrubView) {
  return (
    <div>
      <p id="scrub-count">
        after <strong>{props.k}</strong> of {props.max} merges: <strong>{props.pieces.length}</strong> tokens for {props.bytes} bytes
      </p>
      <div class="scrub-tokens" id="scrub-tokens">
        {props.pieces.map((p) => (
          <TokenChip token={p} />
        ))}
      </div>
    </div>
  );
}
