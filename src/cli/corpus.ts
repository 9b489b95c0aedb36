import { readFile } from 'node:fs/promises';
import { textStats } from '../eval/text-stats.js';
import { addBundledCorpus, onDemandDef } from '../store/corpora/add-bundled.js';
import { CORPUS_DEFS } from '../store/corpora/catalogue.js';
import { ensureBundledCorpora } from '../store/corpora/extract.js';
import { addUserCorpus, listUserCorpora, removeUserCorpus } from '../store/user-corpora.js';
import { withAddProgress } from './add-progress.js';
import { parseOptions, required, UsageError } from './usage.js';

/** tokenlab corpus list [--json] | add --name N (--file F | TEXT) | remove --name N | add-bundled NAME... */
export async function corpusCommand(args: string[]): Promise<void> {
  const [action, ...rest] = args;
  const { values, positionals } = parseOptions(rest, {
    name: { type: 'string' },
    file: { type: 'string' },
    json: { type: 'boolean' },
  });
  if (action === 'list') return list(values.json === true);
  if (action === 'add') {
    if ((values.file === undefined) === (positionals.length === 0)) throw new UsageError('give --file F or the text, one of the two');
    const bytes = values.file !== undefined ? await readFile(values.file) : new TextEncoder().encode(positionals.join(' '));
    const c = await addUserCorpus(required(values.name, '--name'), bytes);
    process.stdout.write(`added ${c.name}: ${c.bytes} bytes, ${c.lines} lines, ${(100 * c.hanShare).toFixed(1)}% Han (${c.path})\n`);
    return;
  }
  if (action === 'remove') return removeUserCorpus(required(values.name, '--name'));
  if (action === 'add-bundled') return addBundled(positionals);
  throw new UsageError('corpus takes list, add, remove or add-bundled');
}

/** Adds the on-demand bundled corpora `names` (each name checked before anything is fetched). */
async function addBundled(names: string[]): Promise<void> {
  if (names.length === 0) {
    const addable = CORPUS_DEFS.filter((d) => d.onDemand !== undefined).map((d) => d.name);
    throw new UsageError(`give the names of the bundled corpora to add: ${addable.join(', ')}`);
  }
  for (const name of names) onDemandDef(name);
  for (const name of names) {
    const r = await withAddProgress(name, (onProgress, signal) => addBundledCorpus(name, onProgress, { signal }));
    const { from } = onDemandDef(name).onDemand;
    const others = r.with.length > 0 ? `, with ${r.with.join(', ')}` : '';
    process.stdout.write(r.added ? `added ${name}${others} (${from.package}@${from.version})\n` : `${name} is already added\n`);
  }
}

async function list(json: boolean): Promise<void> {
  const bundled = await ensureBundledCorpora();
  const rows = [
    ...(await Promise.all(
      bundled.corpora.map(async (c) => ({
        name: c.name,
        kind: 'bundled',
        ...textStats(await readFile(c.path, 'utf8')),
        source: c.source ?? '',
      })),
    )),
    ...(await listUserCorpora()).map((c) => ({
      name: c.name,
      kind: 'user',
      bytes: c.bytes,
      characters: c.characters,
      lines: c.lines,
      han: c.han,
      hanShare: c.hanShare,
      source: c.addedAt,
    })),
  ];
  if (json) {
    for (const r of rows) process.stdout.write(`${JSON.stringify({ ...r, present: true })}\n`);
    for (const u of bundled.unavailable) process.stdout.write(`${JSON.stringify({ kind: 'bundled', present: false, ...u })}\n`);
    return;
  }
  for (const r of rows) {
    process.stdout.write(
      `${r.name.padEnd(20)} ${r.kind.padEnd(8)} ${String(r.bytes).padStart(10)} bytes ${String(r.lines).padStart(7)} lines ${(100 * r.hanShare).toFixed(1).padStart(5)}% Han  ${r.source}\n`,
    );
  }
  for (const u of bundled.unavailable) {
    if (json) continue;
    const what = u.onDemand ? `add: ${Math.round(u.onDemand.downloadBytes / 1e6)} MB` : 'unavailable';
    process.stdout.write(`${u.name.padEnd(20)} ${'bundled'.padEnd(8)} ${what}: ${u.reason}\n`);
  }
}
