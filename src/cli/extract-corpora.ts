import { readFile } from 'node:fs/promises';
import { textStats } from '../eval/text-stats.js';
import { ensureBundledCorpora } from '../store/corpora/extract.js';

/** `npm run corpora [-- --force]`: extracts the bundled corpora now and prints what is there. */
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code === 'EPIPE') process.exit(0); // output piped into head and the like
  throw e;
});
const force = process.argv.includes('--force');
const result = await ensureBundledCorpora({ force });
console.log(`corpora in ${result.dir} (${result.extracted.length} extracted in ${result.seconds.toFixed(2)} s)`);
for (const c of result.corpora) {
  const s = textStats(await readFile(c.path, 'utf8'));
  console.log(
    `${c.name.padEnd(20)} ${(s.bytes / 1024).toFixed(0).padStart(6)} KiB ${String(s.lines).padStart(7)} lines  ` +
      `Han ${(s.hanShare * 100).toFixed(1).padStart(5)}%  ${c.register} ${c.domain}  ${c.sources.map((x) => x.label).join(' + ')}  ${c.licence}`,
  );
}
for (const u of result.unavailable) console.log(`${u.name.padEnd(20)} unavailable: ${u.reason}`);
