import { serve } from '@hono/node-server';
import { removeStaleTempFiles } from '../store/atomic-file.js';
import { dataDir } from '../store/data-dir.js';
import { removeAbandonedCorpusWork } from '../store/corpora/add-bundled.js';
import { removeAbandonedModelWork } from '../store/model-tokenizers/add-remove.js';
import { backgroundNice, workerHeapLimitMb } from '../jobs/workers.js';
import { createApp } from './app.js';
import { startFirstModel } from './first-model.js';
import { tokenizeThreads } from './tokenize-pool.js';

const port = Number(process.env.PORT || 3000); // an empty PORT too
// The settings, checked before anything starts: a wrong one stops the lab with its message, where it would
// otherwise fail each request or job that reads it.
try {
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new RangeError(`PORT must be a port number from 0 to 65535, not ${JSON.stringify(process.env.PORT)}`);
  }
  tokenizeThreads();
  backgroundNice();
  workerHeapLimitMb();
} catch (e) {
  console.error(`tokenlab: ${(e as Error).message}`);
  process.exit(1);
}
// Loopback by default: the lab holds the user's files and runs their jobs; exposing it is an explicit choice.
const hostname = process.env.HOST || '127.0.0.1'; // an empty HOST too: '' would mean every interface

const removed = await removeStaleTempFiles(dataDir());
if (removed > 0) console.log(`removed ${removed} temporary file(s) left by an interrupted save in ${dataDir()}`);
const abandoned = (await removeAbandonedModelWork()) + (await removeAbandonedCorpusWork());
if (abandoned > 0) console.log(`removed ${abandoned} work directory(ies) left by an interrupted add or removal`);

const app = createApp();
// A new data directory gets a first model to try, its build submitted once the port is ours (a start that cannot
// listen must not use up the one first build). Requests wait for the submission: a /lm answered before it would
// show no model and no build to follow.
let submitted: () => void = () => undefined;
const firstModelSubmitted = new Promise<void>((resolve) => (submitted = resolve));

const server = serve(
  {
    fetch: async (request, env) => {
      await firstModelSubmitted;
      return app.fetch(request, env);
    },
    port,
    hostname,
  },
  (info) => {
    void startFirstModel()
      .then(
        (jobId) => jobId !== undefined && console.log(`building a first model for you in the background (job ${jobId}); see /lm`),
        (e: unknown) => console.error(`could not start the first model's build: ${(e as Error).message}`),
      )
      .finally(() => {
        submitted();
        console.log(
          `tokenlab listening on http://${hostname === '127.0.0.1' ? 'localhost' : hostname}:${info.port} (host ${hostname}; set HOST to change)`,
        );
      });
  },
);
server.on('error', (e: NodeJS.ErrnoException) => {
  const where = `${hostname}:${port}`;
  console.error(
    e.code === 'EADDRINUSE'
      ? `tokenlab cannot listen on ${where}: the port is in use (another tokenlab?); set PORT to use another, e.g. PORT=${port + 1} npm start`
      : `tokenlab cannot listen on ${where}: ${e.message}`,
  );
  process.exit(1);
});
