/**
 * What the look tests measure in the page: WCAG 2 contrast of text against what is behind it, computed from
 * the browser's computed colors, and the accessible name Chromium gives the focused element.
 */
import type { Page } from 'playwright-core';

export interface Contrast {
  ratio: number;
  text: string;
  color: string;
  background: string;
}

/**
 * The contrast of each visible element matching `selector` that shows text of its own (up to 300): its color
 * against the first opaque background at or above it. Colors are parsed from computed rgb()/rgba(); a background
 * with alpha is blended over the one behind it.
 */
export function contrastsOf(page: Page, selector: string): Promise<Contrast[]> {
  return onAll(page, selector, CONTRASTS) as Promise<Contrast[]>;
}

/**
 * Calls `fn`, the source of a function, in the page on every element `selector` matches (document order). The
 * code is a string because the tests' TypeScript has no DOM library; a string playwright evaluates is an
 * expression, so the call is written out.
 */
export function onAll(page: Page, selector: string, fn: string): Promise<unknown> {
  return page.evaluate(`(${fn})([...document.querySelectorAll(${JSON.stringify(selector)})])`);
}

// Runs in the page (see onAll).
const CONTRASTS = `(els) => {
  const parse = (c) => {
    const m = c.match(/rgba?\\(([\\d.]+),? ([\\d.]+),? ([\\d.]+)(?:,? \\/? ?([\\d.]+))?\\)/);
    if (!m) throw new Error('unparsed color ' + c);
    return [Number(m[1]), Number(m[2]), Number(m[3]), m[4] === undefined ? 1 : Number(m[4])];
  };
  const behind = (el) => {
    const layers = [];
    for (let e = el; e; e = e.parentElement) {
      const c = parse(getComputedStyle(e).backgroundColor);
      if (c[3] > 0) layers.push(c);
      if (c[3] === 1) break;
    }
    let rgb = [255, 255, 255]; // the canvas under an unpainted page
    for (const [r, g, b, a] of layers.reverse()) rgb = [r * a + rgb[0] * (1 - a), g * a + rgb[1] * (1 - a), b * a + rgb[2] * (1 - a)];
    return rgb;
  };
  const luminance = ([r, g, b]) => {
    const lin = (v) => ((v /= 255) <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4);
    return 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b);
  };
  return els
    .filter((el) => [...el.childNodes].some((n) => n.nodeType === 3 && n.textContent.trim() !== '') || /^(INPUT|SELECT|TEXTAREA|BUTTON)$/.test(el.tagName))
    .filter((el) => el.offsetParent !== null || el.closest('svg') !== null)
    .slice(0, 300)
    .map((el) => {
      const style = getComputedStyle(el);
      const back = behind(el);
      // SVG text is painted with fill, not color
      const fg = el.closest('svg') ? parse(style.fill) : parse(style.color);
      const [hi, lo] = [luminance(fg), luminance(back)].sort((a, b) => b - a);
      return {
        ratio: (hi + 0.05) / (lo + 0.05),
        text: (el.textContent || '').trim().slice(0, 30) || el.tagName,
        color: style.color,
        background: 'rgb(' + back.map(Math.round).join(', ') + ')',
      };
    });
}`;

/** A computed style property of each element `selector` matches. */
export function stylesOf(page: Page, selector: string, property: string): Promise<string[]> {
  return onAll(page, selector, `(els) => els.map((e) => getComputedStyle(e)[${JSON.stringify(property)}])`) as Promise<string[]>;
}

/** The focused element, described (null on the body): a key for where it sits, its start tag, its outline. */
export function focused(page: Page): Promise<{ key: string; tag: string; outline: string; width: number } | null> {
  return page.evaluate(`(() => {
    const el = document.activeElement;
    if (!el || el === document.body) return null;
    const style = getComputedStyle(el);
    const path = [];
    for (let e = el; e; e = e.parentElement) path.push(e.tagName + ([...(e.parentElement ? e.parentElement.children : [])].indexOf(e) + 1));
    return { key: path.join('<'), tag: el.outerHTML.slice(0, 80), outline: style.outlineStyle, width: parseFloat(style.outlineWidth) };
  })()`);
}

/** The accessible name Chromium computes for document.activeElement (its accessibility tree, over CDP). */
export async function accessibleNameOfFocus(page: Page): Promise<string> {
  const cdp = await page.context().newCDPSession(page);
  try {
    const { result } = await cdp.send('Runtime.evaluate', { expression: 'document.activeElement' });
    const { nodes } = await cdp.send('Accessibility.getPartialAXTree', { objectId: result.objectId, fetchRelatives: false });
    return String(nodes[0]?.name?.value ?? '');
  } finally {
    await cdp.detach();
  }
}
