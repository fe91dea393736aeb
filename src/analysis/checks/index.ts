// The registry of checks, in the order their findings are listed for one tag.
import { deprecatedTechnique, platformMismatch, revokedTechnique, unknownTechnique } from './technique-checks.js';
import { missingTacticTag, tacticIdNameConflict, tacticMismatch, unjustifiedTactic, unknownTactic } from './tactic-checks.js';
import { noTechniqueTag, nonstandardTag, repeatedTag, untaggedRule } from './tag-checks.js';
import { skippedRule } from './rule-checks.js';
import type { Check } from './types.js';

export const CHECKS: Check[] = [
  unknownTechnique,
  revokedTechnique,
  deprecatedTechnique,
  tacticMismatch,
  unjustifiedTactic,
  tacticIdNameConflict,
  unknownTactic,
  missingTacticTag,
  nonstandardTag,
  repeatedTag,
  platformMismatch,
  untaggedRule,
  noTechniqueTag,
  skippedRule,
];

export type { Check, CheckContext, FindingDraft } from './types.js';
