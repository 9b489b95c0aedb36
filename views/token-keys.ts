/**
 * Keyboard use of drawn tokens. A box of tokens is one tab stop (a long text is thousands of tokens); inside it
 * the arrow keys, Home and End step through its tokens, and each step does what hovering the token does (the
 * page's own hover script names it), so what the mouse shows the keyboard shows too.
 */

/** The attributes of a box of tokens that the keyboard can step through. */
export const TOKEN_KEYS = { tabindex: 0, role: 'group', 'aria-label': 'tokens: arrow keys step through them' } as const;

// Static script, no user text; event delegation, so it keeps working after htmx swaps a result in.
export const TOKEN_KEYS_SCRIPT = `document.addEventListener('keydown', (e) => {
  const box = e.target;
  if (!box.matches || !box.matches('.tokens[tabindex]')) return;
  const step = { ArrowRight: 1, ArrowDown: 1, ArrowLeft: -1, ArrowUp: -1, Home: -Infinity, End: Infinity }[e.key];
  if (step === undefined) return;
  const items = box.querySelectorAll('.t, [data-info]');
  if (items.length === 0) return;
  e.preventDefault();
  const was = box.querySelector('.kb');
  const at = was ? Array.prototype.indexOf.call(items, was) : -1;
  const next = items[Math.max(0, Math.min(items.length - 1, at < 0 && step > 0 && step < Infinity ? 0 : at + step))];
  if (was) was.classList.remove('kb');
  next.classList.add('kb');
  next.scrollIntoView({ block: 'nearest' });
  next.dispatchEvent(new MouseEvent('mouseover', { bubbles: true }));
});`;
