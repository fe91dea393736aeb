// The floor: start node, JSON-parse the bundle, build a technique map, YAML-parse the rules files with the
// yaml library (its documents, as attack-cov's parser of record builds them). attack-cov cannot do less.
// Usage: node bench/floor.mjs BUNDLE.json [RULES.yaml …]
import { readFileSync } from 'node:fs';
import { parseAllDocuments } from 'yaml';

const [bundleFile, ...rulesFiles] = process.argv.slice(2);
const bundle = JSON.parse(readFileSync(bundleFile, 'utf8'));
const techniques = new Map();
for (const object of bundle.objects) {
  if (object.type !== 'attack-pattern') continue;
  const ref = object.external_references?.find((r) => r.source_name === 'mitre-attack');
  if (ref) techniques.set(ref.external_id, object);
}
let items = 0;
for (const file of rulesFiles) {
  for (const doc of parseAllDocuments(readFileSync(file, 'utf8'))) items += doc.contents?.items?.length ?? 0;
}
process.stdout.write(`${techniques.size} techniques, ${items} rules items\n`);
