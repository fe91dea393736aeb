// The floor: start node, JSON-parse the bundle, build a technique map. attack-cov cannot do less.
import { readFileSync } from 'node:fs';

const bundle = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const techniques = new Map();
for (const object of bundle.objects) {
  if (object.type !== 'attack-pattern') continue;
  const ref = object.external_references?.find((r) => r.source_name === 'mitre-attack');
  if (ref) techniques.set(ref.external_id, object);
}
process.stdout.write(`${techniques.size}\n`);
