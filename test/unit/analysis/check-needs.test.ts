// Analysis runs a check only on rules with every fact it needs (Check.needs, mapping.ts FACTS): a promise each check
// makes about `run`. These hold every check to it on thousands of seeded random rules written from tags of every kind
// (known, unknown, revoked, deprecated and tactic-less techniques; tactics by name, ID and misspelt; several tags in
// one, a forgotten comma, repeats, other tags) and sources, and show that analyze() finds what every check run on
// every rule finds: a gate that skipped a rule with something to find fails here, with the rule's tags in the message.
import { describe, expect, it } from 'vitest';
import { analyze } from '../../../src/analysis/analyze.js';
import { CHECKS } from '../../../src/analysis/checks/index.js';
import type { CheckContext } from '../../../src/analysis/checks/types.js';
import { FACTS, indexTactics, mapRule } from '../../../src/analysis/mapping.js';
import { withMessage } from '../../../src/report/messages.js';
import { catalogOf, rule, technique } from '../../helpers/analysis-builders.js';
import { seededRandom } from '../../helpers/random.js';

const CATALOG = catalogOf([
  technique('T1059', { tactics: ['execution'], platforms: ['Linux', 'Windows'], name: 'Command and Scripting Interpreter' }),
  technique('T1059.004', { tactics: ['execution'], platforms: ['Linux'], name: 'Unix Shell' }),
  technique('T1611', { tactics: ['privilege-escalation'], platforms: ['Containers'] }),
  technique('T1610', { tactics: ['execution', 'defense-evasion'], platforms: ['Containers'] }),
  technique('T1112', { tactics: ['defense-evasion'], platforms: ['Windows'] }),
  technique('T1000', { tactics: [], platforms: [] }),
  technique('T1500', { isRevoked: true, revokedBy: ['T1059'], platforms: ['Windows'], tactics: ['impact'] }),
  technique('T1501', { isRevoked: true, revokedBy: ['T1059', 'T1611'] }),
  technique('T1063', { isDeprecated: true, tactics: ['impact'], platforms: ['Windows'] }),
  technique('T1064', { isDeprecated: true, isRevoked: true, revokedBy: ['T1059'] }),
]);

const TAGS = [
  // techniques: conventional, other spellings, unknown, revoked, deprecated, without tactics or platforms
  'T1059', 't1059', 'T1059.004', 'T1611', 'T1610', 'T1112', 'T1000', 'T9999', 'T1059.999', 'T1500', 'T1501', 'T1063', 'T1064', 'mitre_T1059', 'T1059 Unix Shell',
  // tactics: by name, by ID, misspelt, unknown, renamed
  'mitre_execution', 'mitre_privilege_escalation', 'mitre_defense_evasion', 'mitre_impact', 'MITRE_EXECUTION', 'mitre-execution', 'TA0002', 'TA0004', 'ta0040', 'TA9999',
  'mitre_privesc', 'mitre_exection', 'mitre_bogus', 'mitre_persistence',
  // several in one, a forgotten comma, other tags, maturity
  'T1059,mitre_execution', 'T1059;T1611', 'T1059 container', 'container host', 'container', 'host', 'filesystem', 'maturity_stable', 'maturity_sandbox', '',
];
const SOURCES = ['syscall', 'k8s_audit', 'aws_cloudtrail'];

const context: CheckContext = { catalog: CATALOG, tactics: indexTactics(CATALOG), sourcePlatforms: { syscall: ['Linux', 'Containers'], k8s_audit: ['Containers'] }, tacticRenames: { persistence: 'execution' } };

/** `count` rules of 0–12 tags drawn from TAGS (repeats likely), a random source, some disabled, some skipped. */
function randomRules(seed: number, count: number) {
  const random = seededRandom(seed);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)]!;
  return Array.from({ length: count }, (_, i) => ({
    rule: rule(`R${i}`, Array.from({ length: Math.floor(random() * 13) }, () => pick(TAGS)), { source: pick(SOURCES), isEnabled: random() < 0.8 }),
    skipped: random() < 0.05 ? 'field proc.nope' : undefined,
  }));
}

describe('a check runs only on rules with the facts it needs', () => {
  it('every check finds nothing in a rule without every fact it needs, on 6,000 random rules', () => {
    const index = indexTactics(CATALOG);
    const skippedWith = new Map<string, number>();
    const foundWith = new Map<string, number>();
    for (const seed of [1, 2, 3]) {
      for (const { rule: r, skipped } of randomRules(seed, 2000)) {
        const mapped = mapRule(r, CATALOG, index, undefined, skipped);
        for (const check of CHECKS) {
          const found = check.run(mapped, context);
          if (found.length > 0) foundWith.set(check.code, (foundWith.get(check.code) ?? 0) + 1);
          if ((mapped.facts & check.needs) === check.needs) continue;
          skippedWith.set(check.code, (skippedWith.get(check.code) ?? 0) + 1);
          expect(found, `${check.code} on tags ${JSON.stringify(r.tags.map((t) => t.value))}, source ${r.source}`).toEqual([]);
        }
      }
    }
    // The cases reach every check: each finds something somewhere, and each that needs a fact is skipped somewhere.
    for (const check of CHECKS) {
      expect(foundWith.get(check.code) ?? 0, check.code).toBeGreaterThan(0);
      if (check.needs !== 0) expect(skippedWith.get(check.code) ?? 0, check.code).toBeGreaterThan(0);
    }
  });

  it("analyze() finds exactly what every check run on every rule finds", () => {
    const rules = randomRules(7, 3000);
    const skipped = new Map(rules.filter((r) => r.skipped !== undefined).map((r) => [r.rule.name, r.skipped!]));
    const report = analyze({
      catalog: CATALOG,
      attack: { source: 'test', sha256: '0'.repeat(64) },
      ruleset: { files: [], rules: rules.map((r) => r.rule), ignoreComments: [] },
      rulesOrigin: 'test',
      sourcePlatforms: context.sourcePlatforms,
      tacticRenames: context.tacticRenames,
      skipped,
      generatedAt: new Date(0),
      tool: { name: 'attack-cov', version: '0' },
    });
    const index = indexTactics(CATALOG);
    const everything = rules.flatMap(({ rule: r }) => {
      const mapped = mapRule(r, CATALOG, index, undefined, skipped.get(r.name));
      return CHECKS.flatMap((check) => check.run(mapped, context).map(withMessage));
    });
    expect(everything.length).toBeGreaterThan(3000);
    // Whole findings compared as text, in one order (report.findings is sorted by place, then code and tag).
    expect(report.findings.map((f) => JSON.stringify(f)).sort()).toEqual(everything.map((f) => JSON.stringify(f)).sort());
  });

  it('mapRule says which facts the tags have', () => {
    const facts = (...tags: string[]) => mapRule(rule('R', tags), CATALOG, indexTactics(CATALOG)).facts;
    expect(facts('container', 'maturity_stable')).toBe(0);
    expect(facts('T1059', 'mitre_execution')).toBe(FACTS.knownTechnique | FACTS.activeTechnique | FACTS.knownTactic | FACTS.tacticByName);
    expect(facts('TA0002')).toBe(FACTS.knownTactic | FACTS.tacticById);
    expect(facts('T9999')).toBe(FACTS.unknownTechnique);
    expect(facts('T1500')).toBe(FACTS.knownTechnique | FACTS.revokedTechnique);
    expect(facts('T1064')).toBe(FACTS.knownTechnique | FACTS.revokedTechnique);
    expect(facts('T1063')).toBe(FACTS.knownTechnique | FACTS.deprecatedTechnique);
    expect(facts('mitre_bogus')).toBe(FACTS.unknownTactic);
    expect(facts('t1059')).toBe(FACTS.knownTechnique | FACTS.activeTechnique | FACTS.unusualSpelling);
    expect(facts('MITRE_EXECUTION')).toBe(FACTS.knownTactic | FACTS.tacticByName | FACTS.unusualSpelling);
    expect(facts('mitre_privesc')).toBe(FACTS.unknownTactic);
    expect(facts('container host')).toBe(FACTS.unusualSpelling);
    expect(facts('container;host')).toBe(FACTS.unusualSpelling);
    expect(facts('container,host')).toBe(FACTS.unusualSpelling);
    expect(facts('T1059', 'T1059')).toBe(FACTS.knownTechnique | FACTS.activeTechnique | FACTS.repeatedTag);
  });
});
