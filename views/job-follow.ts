/**
 * How a job's panel follows its job while it is queued or running (training, model and index builds, adding
 * a model tokenizer). Streamed: the panel opens a server-sent event stream at `${fragment}/events` (htmx's SSE
 * extension); each message is the panel again, morphed in place (outerMorph keeps the element, so its stream
 * stays open), and the JOB_END event closes the stream. When the stream cannot open, or drops before JOB_END,
 * the panel asks for `fragment` (the polled panel) and from then on polls it every 500 ms.
 */

/** The event that ends a job's stream on the page (src/server/job-stream.ts sends it after the last panel). */
export const JOB_END = 'job-end';

/**
 * 'stream': a panel that opens its stream while the job is active (pages and their fragments); 'streamed': a
 * panel sent over that stream, which keeps the stream's attributes even once the job has finished (a morph that
 * changed them would close the stream before JOB_END and the events before it); 'poll': the polled panel.
 */
export type Follow = 'stream' | 'streamed' | 'poll';

// Static script, no user data: the fallback of a stream that failed (htmx:error, htmx:response:error) or ended
// without JOB_END (reason "ended"; JOB_END closes it as "message").
const FALL_BACK =
  "if (event.target === this && (event.type !== 'htmx:sse:close' || event.detail.reason === 'ended')) " +
  "htmx.ajax('GET', this.dataset.poll, { target: this, swap: 'outerHTML' })";

/** The attributes of a panel that follows its job from `fragment`: none once the job has finished (unless streamed). */
export function followAttributes(fragment: string, follow: Follow, active: boolean): Record<string, string> {
  if (!active && follow !== 'streamed') return {};
  if (follow === 'poll') return { 'hx-get': fragment, 'hx-trigger': 'every 500ms', 'hx-swap': 'outerHTML' };
  return {
    'hx-sse:connect': `${fragment}/events`,
    'hx-sse:close': JOB_END,
    'hx-swap': 'outerMorph',
    // No reconnecting: polling takes over a dropped stream. A refusal is not swapped in (htmx 4 swaps errors).
    'hx-config': '{"sse": {"reconnect": false}}',
    'hx-status:4xx': 'swap:none',
    'hx-status:5xx': 'swap:none',
    'data-poll': fragment,
    'hx-on:htmx:error': FALL_BACK,
    'hx-on:htmx:response:error': FALL_BACK,
    'hx-on:htmx:sse:close': FALL_BACK,
  };
}
