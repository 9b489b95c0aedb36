/**
 * The token palette: colors by id (the default) or the color-blind-safe one (tokens.css), chosen with a select
 * on the pages that draw tokens in their text and remembered in localStorage. The choice sits on <html> as
 * data-palette, so every token drawn anywhere follows it.
 */

const STORAGE_KEY = 'tokenlab-palette';

/**
 * Runs in <head>, before the page is drawn (no flash of the other palette); keeps each palette select in step
 * with the choice and applies a change at once. Static script, no user text in it; storage can be refused (a
 * private window), then the choice lasts for the page.
 */
export const PALETTE_SCRIPT = `(() => {
  const root = document.documentElement;
  try { root.dataset.palette = localStorage.getItem('${STORAGE_KEY}') || 'hue'; } catch { root.dataset.palette = 'hue'; }
  const sync = () => document.querySelectorAll('select.palette').forEach((s) => { s.value = root.dataset.palette; });
  document.addEventListener('DOMContentLoaded', sync);
  document.addEventListener('htmx:after:settle', sync);
  document.addEventListener('change', (e) => {
    if (!e.target.matches || !e.target.matches('select.palette')) return;
    root.dataset.palette = e.target.value;
    try { localStorage.setItem('${STORAGE_KEY}', e.target.value); } catch {}
    sync();
  });
})();`;

/** The palette chooser. */
export function PaletteChoice() {
  return (
    <label class="palette-choice">
      token colors
      <select class="palette" name="palette" form="">
        <option value="hue">by id</option>
        <option value="cb">color-blind safe</option>
      </select>
    </label>
  );
}
