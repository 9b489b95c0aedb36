/**
 * The model page's five results (surprisal, next token, trie, sample, question and answer). The next-token
 * rows link to the context with their token appended; the trie's nodes link down and up. All user text goes
 * through JSX (escaped); colours and bar widths are numbers computed here.
 */
import { SampleResult } from './lm-sample.js';
import { heat, HEAT_MAX_BITS, label, Marker, pct, Tok } from './lm-token.js';
import { wholeText } from './tokens.js';
import { viewHref, type LmFields } from './lm-fields.js';
import { TOKEN_KEYS } from './token-keys.js';
import type { Answer, AnswerSide, LmLimits, LmResult, LmToken, Next, Surprisal, SurprisalToken, TrieView } from './lm-result-types.js';

export function LmResultError(props: { message: string }) {
  return (
    <p class="error" id="lm-error">
      {props.message}
    </p>
  );
}

/** A view's result; `fields` are the page's (every view's), which its links carry. */
export function Result(props: { result: LmResult; name: string; fields: LmFields; limits: LmLimits }) {
  const r = props.result;
  const { name, fields } = props;
  switch (r.view) {
    case 'surprisal':
      return <SurprisalResult s={r.value} />;
    case 'next':
      return <NextResult n={r.value} name={name} fields={fields} />;
    case 'trie':
      return <TrieResult t={r.value} name={name} fields={fields} shown={props.limits.trieChildrenShown} />;
    case 'sample':
      return <SampleResult s={r.value} />;
    case 'qa':
      return <AnswerResult a={r.value} />;
  }
}

/** The colour scale: swatches drawn by heat() itself, each with its surprisal and probability. */
function HeatLegend() {
  const steps = [0, 2, 4, 8, 12, HEAT_MAX_BITS];
  return (
    <p class="lm-legend" id="lm-legend">
      <span class="note">Colour: surprisal −log₂ P</span>
      {steps.map((b) => (
        <span class="lm-swatch" style={heat(-b)}>
          {b}
          {b === HEAT_MAX_BITS ? '+' : ''} bits · P {b === 0 ? '= 1' : `${b === HEAT_MAX_BITS ? '≤' : '='} 1/${2 ** b}`}
        </span>
      ))}
    </p>
  );
}

/** The tokens an n-gram used before token i of a line: `<s>` stands before the line's first token. */
function usedContext(line: readonly SurprisalToken[], i: number, used: number): string {
  return Array.from({ length: used }, (_, j) => i - used + j)
    .map((at) => (at < 0 ? '<s>' : label(line[at])))
    .join('|');
}

function hoverLine(line: readonly SurprisalToken[], i: number): string {
  const t = line[i];
  const seen = `${t.context} of the ${t.visible} token${t.visible === 1 ? '' : 's'} it could see`;
  const used = t.context === 0 ? 'none' : usedContext(line, i, t.context);
  return `${label(t)} · P = ${pct(2 ** t.log2prob)} · log₂ P = ${t.log2prob.toFixed(2)} · matched a ${t.context + 1}-gram: context used ${seen}: ${used}`;
}

export function SurprisalResult(props: { s: Surprisal }) {
  const { totals: t, lines } = props.s;
  const drawn = lines.reduce((n, line) => n + line.length, 0);
  const all = t.tokens + t.sequences;
  return (
    <div>
      <table class="stats lm-totals" id="lm-totals">
        <tbody>
          <tr>
            <th>lines</th>
            <td>{t.sequences}</td>
            <th>tokens</th>
            <td>
              {t.tokens} (+ {t.sequences} × &lt;/s&gt;)
            </td>
          </tr>
          <tr>
            <th>log₂ P(text)</th>
            <td id="lm-log2prob">{t.log2prob.toFixed(2)}</td>
            <th>bytes</th>
            <td>{t.bytes}</td>
          </tr>
          <tr>
            <th>perplexity (per token)</th>
            <td id="lm-perplexity">{t.perplexity.toFixed(2)}</td>
            <th>bits per byte</th>
            <td id="lm-bpb">{t.bitsPerByte.toFixed(3)}</td>
          </tr>
        </tbody>
      </table>
      <HeatLegend />
      <p id="lm-hover" class="note" aria-live="polite">
        Hover a token: its probability, log₂ probability, the n-gram order the model matched and the context it used.
      </p>
      <div class="tokens lm-tokens" {...TOKEN_KEYS}>
        {lines.map((line) => (
          <div class="lm-line">
            {line.map((t, i) => (
              <span class="lm-tok" style={heat(t.log2prob)} data-info={hoverLine(line, i)}>
                <Tok t={t} />
              </span>
            ))}
          </div>
        ))}
      </div>
      {drawn < all ? (
        <p class="note" id="lm-cut">
          The first {drawn} tokens are drawn; the totals cover all {all}.
        </p>
      ) : null}
      <p class="note">
        &lt;/s&gt; ends each line: the model predicts the line break too. Context: the model sees at most its order − 1 preceding tokens
        (&lt;s&gt; included) and uses the longest of them it counted in training; a k-gram match used k − 1 of them.
      </p>
    </div>
  );
}

const BAR_REM = 16;

/**
 * The next-token page with `t` appended to the context, or undefined when it cannot be: `</s>` ends the line,
 * and a token that is part of a character has no text to append.
 */
function walkHref(name: string, fields: LmFields, t: LmToken): string | undefined {
  const text = t.marker === undefined ? wholeText(t) : undefined;
  return text === undefined ? undefined : viewHref(name, 'next', { ...fields, context: (fields.context ?? '') + text });
}

function NextResult(props: { n: Next; name: string; fields: LmFields }) {
  const { n, name, fields } = props;
  const max = Math.max(1e-12, ...n.top.map((t) => t.prob));
  const row = (t: Next['top'][number]) => {
    const href = walkHref(name, fields, t);
    const bar = <span class="bar" style={`width:${((BAR_REM * t.prob) / max).toFixed(2)}rem`}></span>;
    return (
      <tr class={href ? 'lm-walk' : undefined}>
        <td>
          {href ? (
            <a href={href} title="append this token to the context">
              <Tok t={t} />
            </a>
          ) : (
            <Tok t={t} />
          )}
        </td>
        <td>
          {href ? (
            <a href={href} class="lm-bar-link" title="append this token to the context">
              {bar}
            </a>
          ) : (
            bar
          )}
        </td>
        <td>{pct(t.prob)}</td>
        <td class="lm-count">{t.count === null ? '—' : t.count}</td>
      </tr>
    );
  };
  return (
    <div>
      <p id="lm-context" class="note">
        Context: <Marker text="<s>" />
        {n.context.map((t) => (
          <Tok t={t} />
        ))}{' '}
        — the model matched its last <strong id="lm-matched">{n.matched}</strong> token{n.matched === 1 ? '' : 's'}.{' '}
        <a id="lm-to-trie" href={viewHref(name, 'trie', fields, { path: n.path.join(',') })}>
          Its node in the trie explorer
        </a>
      </p>
      <table class="lm-bars" id="lm-next">
        <thead>
          <tr>
            <th>token</th>
            <th>probability</th>
            <th></th>
            <th>trie count</th>
          </tr>
        </thead>
        <tbody>{n.top.map(row)}</tbody>
      </table>
      <p class="note">
        Trie count: the n-gram (matched context, token)’s count (adjusted, as Kneser-Ney uses it); — when the token never followed that
        context and gets its probability from shorter contexts. Each of the {n.unseen.tokens} tokens never seen in training gets{' '}
        {pct(n.unseen.prob)}. Click a token or its bar to append it to the context and see what follows (the context is text, tokenized
        afresh, so tokens can merge differently; &lt;/s&gt; and tokens that are part of a character cannot be appended).
      </p>
    </div>
  );
}

/** A link down or up the trie: the page's URL (with the other views' fields) and, for htmx, its fragment. */
function TrieLink(props: { model: string; fields: LmFields; path: number[]; children: unknown }) {
  const href = viewHref(props.model, 'trie', props.fields, { path: props.path.join(',') });
  return (
    <a
      href={href}
      hx-get={`/fragment/lm/${encodeURIComponent(props.model)}/trie${href.slice(href.indexOf('?'))}`}
      hx-target="#lm-result"
      hx-push-url={href}
    >
      {props.children}
    </a>
  );
}

function TrieResult(props: { t: TrieView; name: string; fields: LmFields; shown: number }) {
  const { t, name: model, fields } = props;
  const ids = t.path.map((p) => p.id);
  return (
    <div>
      <p id="lm-breadcrumb" class="lm-breadcrumb">
        <TrieLink model={model} fields={fields} path={[]}>
          root
        </TrieLink>
        {t.path.map((p, i) => (
          <>
            {' '}
            ›{' '}
            <TrieLink model={model} fields={fields} path={ids.slice(0, i + 1)}>
              <Tok t={p} />
            </TrieLink>
          </>
        ))}
        {t.node.count !== null ? <span class="note"> · count {t.node.count}</span> : null}
      </p>
      {t.context ? (
        <p class="note">
          <a id="lm-to-next" href={viewHref(model, 'next', { ...fields, context: t.context.text })}>
            The next tokens after this path
          </a>
          {t.context.startsLine ? '' : ' (taken as the start of a line: the next-token view begins every context with <s>)'}
        </p>
      ) : (
        <p class="note" id="lm-no-next">
          This path cuts a character, so the next-token view (which takes text) cannot show it.
        </p>
      )}
      {!t.node.found ? <p class="note">This path is not in the trie: the model never counted it.</p> : null}
      {ids.length === 0 ? (
        <p class="note">
          The root’s children are the unigrams. Sentence starts hang below{' '}
          <TrieLink model={model} fields={fields} path={[t.start]}>
            <Marker text="<s>" />
          </TrieLink>
          .
        </p>
      ) : null}
      {t.node.found && t.children.length === 0 ? (
        <p class="note">No children: {ids.length >= 1 ? 'this n-gram is as long as the model’s order, or nothing followed it.' : ''}</p>
      ) : null}
      {t.children.length > 0 ? (
        <table class="lm-bars" id="lm-trie">
          <thead>
            <tr>
              <th>token</th>
              <th>count</th>
              <th>P(token | path)</th>
              <th></th>
              <th>children</th>
            </tr>
          </thead>
          <tbody>
            {t.children.map((c) => (
              <tr>
                <td>
                  {c.children > 0 ? (
                    <TrieLink model={model} fields={fields} path={[...ids, c.id]}>
                      <Tok t={c} />
                    </TrieLink>
                  ) : (
                    <Tok t={c} />
                  )}
                </td>
                <td>{c.count}</td>
                <td>{pct(c.prob)}</td>
                <td>
                  <span class="bar" style={`width:${(BAR_REM * c.prob).toFixed(2)}rem`}></span>
                </td>
                <td>{c.children}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      {t.node.total > t.children.length ? (
        <p class="note">
          The {t.children.length} most frequent of {t.node.total} children (at most {props.shown} shown).
        </p>
      ) : null}
    </div>
  );
}

const bits = (x: number) => `${x.toFixed(2)} bits`;

function AnswerResult(props: { a: Answer }) {
  const { a } = props;
  const w = a.withoutThought;
  const t = a.withThought;
  const rows = Math.max(w.tokens.length, t?.tokens.length ?? 0);
  const max = Math.max(1, ...w.tokens.map((x) => -x.log2prob), ...(t?.tokens.map((x) => -x.log2prob) ?? []));
  const bar = (x: AnswerSide['tokens'][number] | undefined, cls: string) =>
    x ? (
      <span
        class={`bar ${cls}`}
        style={`width:${((BAR_REM * -x.log2prob) / max).toFixed(2)}rem`}
        title={`${x.log2prob.toFixed(2)} bits`}
      ></span>
    ) : null;
  return (
    <div>
      <table class="stats" id="lm-answer-totals">
        <tbody>
          <tr>
            <th>log₂ P(A | Q)</th>
            <td id="lm-without">{bits(w.log2prob)}</td>
            <td>P = {pct(2 ** w.log2prob)}</td>
          </tr>
          {t ? (
            <tr>
              <th>log₂ P(A | Q, T)</th>
              <td id="lm-with">{bits(t.log2prob)}</td>
              <td>P = {pct(2 ** t.log2prob)}</td>
            </tr>
          ) : null}
          {a.difference !== null ? (
            <tr>
              <th>difference (with T − without)</th>
              <td id="lm-difference">
                {a.difference >= 0 ? '+' : ''}
                {bits(a.difference)}
              </td>
              <td>× {pct(2 ** a.difference)}</td>
            </tr>
          ) : null}
        </tbody>
      </table>
      <p class="note">Bars: each token of A’s surprisal (−log₂ P, longer is less likely); blue given Q, orange given Q and T.</p>
      <table class="lm-bars" id="lm-answer-bars">
        <thead>
          <tr>
            <th>token of A</th>
            <th>given Q</th>
            <th>{t ? 'given Q, T' : ''}</th>
          </tr>
        </thead>
        <tbody>
          {Array.from({ length: rows }, (_, i) => (
            <tr>
              <td>
                {w.tokens[i] ? <Tok t={w.tokens[i]} /> : null}
                {t?.tokens[i] && w.tokens[i]?.id !== t.tokens[i].id ? (
                  <>
                    {' '}
                    / <Tok t={t.tokens[i]} />
                  </>
                ) : null}
              </td>
              <td>
                {bar(w.tokens[i], 'lm-q')} {w.tokens[i] ? w.tokens[i].log2prob.toFixed(2) : ''}
              </td>
              <td>
                {bar(t?.tokens[i], 'lm-qt')} {t?.tokens[i] ? t.tokens[i].log2prob.toFixed(2) : ''}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <WindowNote a={a} />
    </div>
  );
}

/** Why only the last order - 1 tokens before A matter. */
function WindowNote(props: { a: Answer }) {
  const { a } = props;
  const w = a.withoutThought;
  const t = a.withThought;
  return (
    <div id="lm-window" class="lm-window">
      <p>
        This model sees at most <strong id="lm-window-size">{a.window}</strong> preceding token{a.window === 1 ? '' : 's'} (its order minus
        one; &lt;s&gt; counts as one). When A’s first token is predicted, {w.visibleQuestionTokens} of Q’s {w.questionTokens} tokens are in
        view
        {t ? (
          <>
            ; with T in between ({t.contextTokens - t.questionTokens} tokens), {t.visibleQuestionTokens} of them are
          </>
        ) : null}
        .
      </p>
      <p>
        Anything further back cannot change the probability: two questions that end in the same {a.window} token{a.window === 1 ? '' : 's'}{' '}
        give A exactly the same probability, however differently they begin. An n-gram model has no memory beyond its window, so a far-away
        prefix does not matter{t && t.visibleQuestionTokens === 0 ? ', and here T pushes Q out of sight entirely' : ''}.
      </p>
      {w.straddles || t?.straddles ? (
        <p class="note">
          A token spans the boundary before A (the tokenizer merged it with the text before): it counts as A’s first token.
        </p>
      ) : null}
    </div>
  );
}
