/**
 * The model page's sample streamed as it is drawn: server-sent events for htmx's SSE extension (whose requests
 * accept text/event-stream). First the result without its tokens, then each token as the sampler draws it,
 * then the finished result, which the caller renders as the fragment does without streaming. The sampling
 * stops when the client goes away.
 */
import type { Context } from 'hono';
import type { Child } from 'hono/jsx';
import { streamSSE } from 'hono/streaming';
import { DrawnResult, DrawnToken, SampleResult } from '../../views/lm-sample.js';
import { sampleOf, sampling, type OpenModel, type Sampled, type SampleRequest, type SampledToken } from './lm-data.js';
import { lmToken } from './lm-page.js';

/** Whether the request takes a stream (htmx's SSE extension asks for one beside HTML). */
export const acceptsEventStream = (c: Context) => (c.req.header('accept') ?? '').includes('text/event-stream');

/** Streams the sample `r` of `m`; `finished` renders the whole sample at the end. */
export function streamSample(c: Context, m: OpenModel, r: SampleRequest, finished: (s: Sampled) => Child): Response {
  const { prompt, tokens } = sampling(m, r);
  return streamSSE(c, async (stream) => {
    const frame = { prompt: prompt.map(lmToken), tokens: [], text: '', ended: false };
    await stream.writeSSE({ data: (<SampleResult s={frame} drawing />).toString() });
    const drawn: SampledToken[] = [];
    for (let next = tokens.next(); !stream.aborted; next = tokens.next()) {
      if (next.done) {
        await stream.writeSSE({ data: (<DrawnResult>{finished(sampleOf(m, prompt, drawn, next.value))}</DrawnResult>).toString() });
        return;
      }
      drawn.push(next.value);
      await stream.writeSSE({ data: (<DrawnToken t={lmToken(next.value)} />).toString() });
    }
  });
}
