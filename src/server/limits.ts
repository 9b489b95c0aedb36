/** How much text the lab takes in a request, and how much it puts in a page's shareable URL. */
import { utf8Length } from '../bpe/bytes.js';
import { RequestError } from './errors.js';

/** The largest text accepted, in UTF-8 bytes. */
export const MAX_TEXT_BYTES = 1_000_000;

/** Texts longer than this (UTF-16 units) stay out of a page's shareable URL (the URL keeps the rest). */
export const MAX_URL_TEXT = 4000;

/** Refuses (413) a text over MAX_TEXT_BYTES. */
export function checkTextSize(text: string): void {
  const bytes = utf8Length(text);
  if (bytes > MAX_TEXT_BYTES) {
    throw new RequestError(413, `the text is ${bytes} bytes of UTF-8; the limit is ${MAX_TEXT_BYTES} bytes (1 MB)`, {
      bytes,
      limit: MAX_TEXT_BYTES,
    });
  }
}
