// Reads what the suggestion ranker learns from, all embedded in data/: the Atomic Red Team tests
// (procedure text per technique) and the official Falco rules (tagged rules for the neighbour vote).
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { rulesetFromTexts } from '../falco/load.js';
import { dataPath } from '../paths.js';
import { embeddedRules, OFFICIAL_SETS } from '../embedded.js';
import { referenceRules } from '../suggest/suggest.js';
import type { ReferenceRule } from '../suggest/neighbours.js';


/** The embedded atomics' YAML texts (one per technique), in technique order. */
export async function readEmbeddedAtomics(): Promise<string[]> {
  const dir = dataPath('embedded/atomic-red-team/atomics');
  const ids = (await readdir(dir).catch(() => [] as string[])).filter((id) => /^T\d{4}(\.\d{3})?$/.test(id)).sort();
  const texts = await Promise.all(ids.map((id) => readFile(path.join(dir, id, `${id}.yaml`), 'utf8').catch(() => '')));
  return texts.filter(Boolean);
}

/** The embedded official rules' tagged rules (official:all), named as outputs name them (`official:falco_rules.yaml@…`). */
export async function readEmbeddedReferences(): Promise<ReferenceRule[]> {
  const files = await Promise.all(OFFICIAL_SETS.all!.map(async (name) => {
    const rules = embeddedRules(name)!;
    return { path: rules.label, text: await readFile(rules.file, 'utf8') };
  }));
  return referenceRules(rulesetFromTexts(files));
}
