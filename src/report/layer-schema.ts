// Validates Navigator layers against attack-cov's schema of format 4.5 (data/navigator-layer-4.5.schema.json).
import { readFileSync } from 'node:fs';
import { Ajv, type ValidateFunction } from 'ajv';
import { dataPath } from '../paths.js';

let validate: ValidateFunction | undefined;

/** Problems with `layer` as "path: message" lines; empty when it is a valid 4.5 layer. */
export function validateLayer(layer: unknown): string[] {
  validate ??= new Ajv({ allErrors: true, strict: true }).compile(JSON.parse(readFileSync(dataPath('navigator-layer-4.5.schema.json'), 'utf8')) as object);
  return validate(layer) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath || '/'}: ${e.message ?? 'invalid'}`);
}
