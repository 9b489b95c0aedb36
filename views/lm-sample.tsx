/**
 * The model page's sample: the prompt's tokens, then each sampled token coloured by its probability under the
 * model, and the sample as text. Streamed to htmx's SSE extension (src/server/lm-sample-stream.tsx): first the
 * result without tokens (`drawing`), then each token appended to #lm-sample-tokens as it is drawn, then the finished
 * result morphed over it (the token under the pointer stays as it was).
 */
import type { Child } from 'hono/jsx';
import type { Sampled } from './lm-result-types.js';
import { heat, label, pct, Tok } from './lm-token.js';
import { TOKEN_KEYS } from './token-keys.js';

type SampledToken = Sampled['tokens'][number];

function SampledTok(props: { t: SampledToken }) {
  const { t } = props;
  return (
    <span
      class="lm-tok"
      style={heat(Math.log2(t.prob))}
      data-info={`${label(t)} · P = ${pct(t.prob)} · log₂ P = ${Math.log2(t.prob).toFixed(2)}`}
    >
      <Tok t={t} />
    </span>
  );
}

/** The sample; `drawing` while its tokens are still coming. */
export function SampleResult(props: { s: Sampled; drawing?: boolean }) {
  const { s } = props;
  return (
    <div>
      <p id="lm-hover" class="note" aria-live="polite">
        Hover a token: the probability the model gives it (before temperature, top-k and top-p).
      </p>
      <div class="tokens lm-tokens" id="lm-sample-tokens" {...TOKEN_KEYS}>
        {s.prompt.map((t) => (
          <span class="lm-prompt">
            <Tok t={t} />
          </span>
        ))}
        {s.tokens.map((t) => (
          <SampledTok t={t} />
        ))}
      </div>
      {props.drawing ? (
        <p class="note" id="lm-sample-drawing">
          Drawing tokens…
        </p>
      ) : (
        <p class="note">
          {s.tokens.length} tokens{s.ended ? ', then </s> ended the line' : ', stopped at the length'}. As text:{' '}
          <span id="lm-sample-text" class="lm-sample-text">
            {s.text}
          </span>
        </p>
      )}
    </div>
  );
}

/** A token just drawn, for htmx to append to the sample on the page. */
export function DrawnToken(props: { t: SampledToken }) {
  return (
    <hx-partial hx-target="#lm-sample-tokens" hx-swap="beforeend">
      <SampledTok t={props.t} />
    </hx-partial>
  );
}

/** The finished result, for htmx to morph over the sample drawn so far. */
export function DrawnResult(props: { children: Child }) {
  return (
    <hx-partial hx-target="#lm-result" hx-swap="innerMorph">
      {props.children}
    </hx-partial>
  );
}
