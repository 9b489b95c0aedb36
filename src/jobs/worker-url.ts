/**
 * The URL of a compiled worker module beside `from`. Workers always run the compiled JavaScript in dist/: under
 * vitest the calling module is a .ts source, so its sibling is looked up in dist/ (npm test builds first).
 */
export function workerUrl(name: string, from: string): URL {
  const url = new URL(`./${name}.js`, from);
  return from.endsWith('.ts') ? new URL(url.href.replace('/src/', '/dist/src/')) : url;
}
