// Validates Navigator layers against attack-cov's schema of format 4.5 (data/navigator-layer-4.5.schema.json),
// through the validator ajv compiled from it ahead of time (scripts/build-layer-validator.mjs).
import { validate } from './layer-validator.generated.js';

/** Problems with `layer` as "path: message" lines; empty when it is a valid 4.5 layer. */
export function validateLayer(layer: unknown): string[] {
  validate(layer);
  // ajv leaves `errors` null when the layer is valid.
  return (validate.errors ?? []).map((e) => {
    const message =
      e.message ??
      // Stryker disable next-line StringLiteral: the compiled validator gives every error a message; the fallback only satisfies ajv's type
      'invalid';
    return `${e.instancePath || '/'}: ${message}`;
  });
}
