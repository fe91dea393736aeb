// Checks on whether a rule runs at all, whatever its tags say. Pure.
import { findingAt, NO_FINDINGS } from './findings.js';
import type { Check } from './types.js';

export const skippedRule: Check = {
  code: 'skipped-rule',
  severity: 'warning',
  description: 'An enabled rule Falco drops at load (skip-if-unknown-filter: true, and its condition names a field or event Falco does not know), so it covers nothing.',
  run(rule) {
    return rule.skipped === undefined ? NO_FINDINGS : [findingAt(this, rule, undefined, { args: { reason: rule.skipped } })];
  },
};
