// Checks on a rule's technique tags: does the ID exist, is it current, can the rule's source see it. Pure.
import { findingAt, findingsFor, NO_FINDINGS } from './findings.js';
import type { Check } from './types.js';
import { own } from '../../own.js';

export const unknownTechnique: Check = {
  code: 'unknown-technique',
  severity: 'error',
  description: 'A technique tag names an ID that is not in the loaded ATT&CK version.',
  run(rule, { catalog }) {
    return findingsFor(
      rule.tags,
      (tag) => tag.parsed.kind === 'technique' && !catalog.techniques.has(tag.parsed.id),
      (tag) => findingAt(this, rule, tag, { technique: tag.parsed.kind === 'technique' ? tag.parsed.id : undefined }),
    );
  },
};

export const revokedTechnique: Check = {
  code: 'revoked-technique',
  severity: 'error',
  description: 'A technique tag names a revoked technique; ATT&CK names its replacement.',
  run(rule) {
    return findingsFor(
      rule.knownTechniques,
      ({ technique }) => technique.isRevoked,
      ({ tag, technique }) =>
        findingAt(this, rule, tag, {
          technique: technique.id,
          args: { replacements: technique.revokedBy },
          ...(technique.revokedBy.length === 1 ? { fix: { tag: tag.ref.value, with: technique.revokedBy } } : {}),
        }),
    );
  },
};

export const deprecatedTechnique: Check = {
  code: 'deprecated-technique',
  severity: 'warning',
  description: 'A technique tag names a deprecated technique, which ATT&CK no longer maintains.',
  run(rule) {
    return findingsFor(
      rule.knownTechniques,
      ({ technique }) => technique.isDeprecated && !technique.isRevoked,
      ({ tag, technique }) => findingAt(this, rule, tag, { technique: technique.id }),
    );
  },
};

export const platformMismatch: Check = {
  code: 'platform-mismatch',
  severity: 'warning',
  description: "A technique tag names a technique none of whose platforms the rule's event source can observe.",
  run(rule, { sourcePlatforms }) {
    const observable = own(sourcePlatforms, rule.rule.source);
    if (!observable) return NO_FINDINGS;
    return findingsFor(
      rule.knownTechniques,
      ({ technique }) => !technique.isRevoked && technique.platforms.length > 0 && !technique.platforms.some((p) => observable.includes(p)),
      ({ tag, technique }) => findingAt(this, rule, tag, { technique: technique.id, args: { platforms: technique.platforms, source: rule.rule.source, observable } }),
    );
  },
};
