// Tiny in-memory ATT&CK catalogs and Falco rules for the analysis unit tests: each test builds exactly
// the techniques, tactics and rules its case needs, so what it proves is visible in the test itself.
import type { Catalog, Tactic, Technique, ThreatActor } from '../../src/attack/types.js';
import type { FalcoRule } from '../../src/falco/types.js';
import { expect } from 'vitest';
import { indexTactics, mapRule, type MappedRule } from '../../src/analysis/mapping.js';
import { UsageError } from '../../src/errors.js';

export function tactic(shortname: string, id: string, name = shortname): Tactic {
  return { id, name, shortname, url: `https://attack.mitre.org/tactics/${id}/` };
}

export function technique(id: string, extra: Partial<Technique> = {}): Technique {
  const parent = id.includes('.') ? id.split('.')[0] : undefined;
  return {
    id,
    name: `Technique ${id}`,
    url: `https://attack.mitre.org/techniques/${id.replace('.', '/')}/`,
    tactics: ['execution'],
    platforms: ['Linux'],
    isSubtechnique: parent !== undefined,
    ...(parent ? { parent } : {}),
    isRevoked: false,
    revokedBy: [],
    isDeprecated: false,
    description: '',
    apiNames: [],
    usedBy: 0,
    ...extra,
  };
}

export function actor(id: string, extra: Partial<ThreatActor> = {}): ThreatActor {
  return { id, kind: 'group', name: `Actor ${id}`, aliases: [], url: `https://attack.mitre.org/x/${id}/`, platforms: [], techniques: [], software: [], attributedTo: [], ...extra };
}

export const TACTICS = [
  tactic('execution', 'TA0002', 'Execution'),
  tactic('privilege-escalation', 'TA0004', 'Privilege Escalation'),
  tactic('defense-evasion', 'TA0005', 'Defense Evasion'),
  tactic('impact', 'TA0040', 'Impact'),
];

export function catalogOf(techniques: Technique[], extra: Partial<Catalog> = {}): Catalog {
  return {
    version: '99.0',
    domain: 'enterprise-attack',
    stixVersion: '2.1',
    tactics: TACTICS,
    techniques: new Map(techniques.map((t) => [t.id, t])),
    threats: new Map(),
    ...extra,
  };
}

/** A rule whose tags sit on lines after its own (line 10, tags from line 12), in rules.yaml. */
export function rule(name: string, tags: string[], extra: Partial<FalcoRule> = {}): FalcoRule {
  const line = extra.position?.line ?? 10;
  return {
    name,
    position: { file: 'rules.yaml', line, column: 3 },
    condition: 'evt.type = open',
    output: 'x',
    desc: 'd',
    priority: 'WARNING',
    source: 'syscall',
    isEnabled: true,
    tags: tags.map((value, i) => ({ value, file: 'rules.yaml', line: line + 2 + i, column: 9 })),
    modifiedAt: [],
    ...extra,
  };
}

export function mapped(catalog: Catalog, ...rules: FalcoRule[]): MappedRule[] {
  const index = indexTactics(catalog);
  return rules.map((r) => mapRule(r, catalog, index));
}

/** The UsageError `fn` throws (the test fails when it throws nothing or something else). */
export function usageError(fn: () => unknown): UsageError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(UsageError);
    return error as UsageError;
  }
  throw new Error('expected a UsageError');
}
