// Turns per-procedure results into the second coverage axis: for every in-scope technique with
// procedures, tagged vs demonstrated; per rule, what it fires on, the claims it never demonstrates and
// the benign activity it fires on; tag suggestions with the procedure as evidence. Pure.
import { compareText } from '../collections.js';
import type { CoverageReport, TechniqueEntry } from '../coverage-report.js';
import type { EmulationSection, EvidenceStatus, ProcedureResult, RuleEvidence, TagSuggestion, TechniqueEvidence } from './types.js';

const unique = (items: string[]): string[] => [...new Set(items)].sort(compareText);

/** The one source the emulation evaluates rules of: it synthesizes syscall events. */
export const EMULATED_SOURCE = 'syscall';

function statusOf(tagged: string[], isEmulated: (rule: string) => boolean, demonstratedBy: string[], firing: string[]): EvidenceStatus {
  if (demonstratedBy.length > 0) return 'tagged-and-demonstrated';
  // Only a rule the emulation evaluated can have never fired; one of another source (k8s_audit…) was not run at all.
  if (tagged.length > 0) return tagged.some(isEmulated) ? 'tagged-never-fired' : 'tagged-not-emulated';
  return firing.length > 0 ? 'demonstrated-not-tagged' : 'not-demonstrated';
}

/** Atomic results per technique, a parent collecting its sub-techniques' procedures too. */
function proceduresByTechnique(results: ProcedureResult[]): Map<string, ProcedureResult[]> {
  const map = new Map<string, ProcedureResult[]>();
  for (const r of results) {
    if (r.kind !== 'atomic' || !r.technique) continue;
    for (const id of new Set([r.technique, r.technique.split('.')[0]!])) map.set(id, [...(map.get(id) ?? []), r]);
  }
  return map;
}

function techniqueEvidence(entry: TechniqueEntry, procedures: ProcedureResult[], isEmulated: (rule: string) => boolean, observingOf: (id: string) => readonly string[]): TechniqueEvidence {
  const firing = unique(procedures.flatMap((p) => p.fired.map((f) => f.rule)));
  // A parent's procedures include its sub-techniques': a rule tagging the sub-technique whose procedure it fired on is
  // tagged for what it demonstrated (QA: T1003 was "demonstrated but not tagged" by a rule tagged T1003.008).
  const viaSubtechnique = procedures.filter((p) => p.technique !== entry.id).flatMap((p) => p.fired.map((f) => f.rule).filter((rule) => observingOf(p.technique!).includes(rule)));
  // The rules that count in scope, as the report counts them: a k8s_audit rule does not cover T1609 on Linux.
  const tagged = viaSubtechnique.length === 0 ? entry.observingRules : unique([...entry.observingRules, ...viaSubtechnique]);
  const demonstratedBy = tagged.filter((r) => firing.includes(r)).sort(compareText);
  const needs = new Map<string, Set<string>>();
  for (const p of procedures) for (const u of p.undetermined) if (!firing.includes(u.rule)) for (const n of u.needs) needs.set(u.rule, (needs.get(u.rule) ?? new Set()).add(n));
  return {
    id: entry.id,
    name: entry.name,
    procedures: procedures.length,
    status: statusOf(tagged, isEmulated, demonstratedBy, firing),
    taggedRules: [...tagged].sort(compareText),
    firingRules: firing,
    demonstratedBy,
    undetermined: [...needs].map(([rule, fields]) => ({ rule, needs: [...fields].sort(compareText) })).sort((a, b) => compareText(a.rule, b.rule)),
  };
}

function suggestionsOf(results: ProcedureResult[], ruleTechniques: Map<string, string[]>, counted: Set<string>): TagSuggestion[] {
  const seen = new Set<string>();
  const out: TagSuggestion[] = [];
  for (const r of results) {
    // A tag on a technique the catalog lacks, or that the emulated rules do not observe in scope, would cover nothing.
    if (r.kind !== 'atomic' || !r.technique || !counted.has(r.technique)) continue;
    for (const match of r.fired) {
      const key = `${match.rule}|${r.technique}`;
      if (ruleTechniques.get(match.rule)?.includes(r.technique) || seen.has(key)) continue;
      seen.add(key);
      out.push({ rule: match.rule, technique: r.technique, procedure: r.id, procedureName: r.name, event: match.event });
    }
  }
  return out.sort((a, b) => compareText(a.technique, b.technique) || compareText(a.rule, b.rule));
}

function ruleEvidence(report: CoverageReport, results: ProcedureResult[], withProcedures: Map<string, ProcedureResult[]>): RuleEvidence[] {
  const fires = new Map<string, Set<string>>();
  const benign = new Map<string, Set<string>>();
  const undetermined = new Map<string, Set<string>>();
  const add = (map: Map<string, Set<string>>, rule: string, id: string): void => void map.set(rule, (map.get(rule) ?? new Set()).add(id));
  for (const r of results) {
    for (const f of r.fired) add(r.kind === 'benign' ? benign : fires, f.rule, r.id);
    for (const u of r.undetermined) add(undetermined, u.rule, r.id);
  }
  const ruleNames = new Set([...fires.keys(), ...benign.keys(), ...report.rules.filter((r) => r.isEnabled && r.source === EMULATED_SOURCE).map((r) => r.name)]);
  return [...ruleNames].sort(compareText).map((name) => {
    const techniques = report.rules.find((r) => r.name === name)?.techniques ?? [];
    const firesOn = [...(fires.get(name) ?? [])].sort(compareText);
    const neverFiredClaims = techniques.filter((t) => (withProcedures.get(t) ?? []).length > 0 && !(withProcedures.get(t) ?? []).some((p) => p.fired.some((f) => f.rule === name)));
    const benignHits = [...(benign.get(name) ?? [])].sort(compareText);
    return { rule: name, techniques, firesOn, neverFiredClaims, benignHits, isNoisy: benignHits.length > 0, undetermined: undetermined.get(name)?.size ?? 0 };
  });
}

/** How many atomic procedures per value of `key` (skipping those without one), sorted by that value. */
function countBy(results: ProcedureResult[], key: (r: ProcedureResult) => string | undefined): [string, number][] {
  const counts = new Map<string, number>();
  for (const r of results) {
    const value = key(r);
    if (value !== undefined) counts.set(value, (counts.get(value) ?? 0) + 1);
  }
  return [...counts].sort(([a], [b]) => compareText(a, b));
}

/** Said, not dropped: atomics renumbered to the catalog's IDs, and those of techniques the catalog does not have. */
function numberingNotes(atomics: ProcedureResult[], known: Set<string>): Pick<EmulationSection, 'renumbered' | 'unknownTechniques'> {
  const renumbered = countBy(atomics, (r) => r.atomicTechnique).map(([from, procedures]) => ({ from, to: atomics.find((r) => r.atomicTechnique === from)!.technique!, procedures }));
  const unknown = countBy(atomics, (r) => (r.technique && !known.has(r.technique) ? r.technique : undefined)).map(([technique, procedures]) => ({ technique, procedures }));
  return { ...(renumbered.length > 0 ? { renumbered } : {}), ...(unknown.length > 0 ? { unknownTechniques: unknown } : {}) };
}

export interface EvidenceInput {
  report: CoverageReport;
  results: ProcedureResult[];
  skipped: EmulationSection['skipped'];
  source: EmulationSection['source'];
  /** Emulated-source rules that were not evaluated as written (compileRules' `failed`). */
  notAsWritten?: { rule: string; why: string }[];
  /** The platforms the emulated source observes (data/source-platforms.json): a technique counts only on those in scope. */
  emulatedPlatforms?: string[];
}

/** The in-scope platforms the emulated rules observe (none of the syscall rules' on an IaaS scope). */
function observedPlatforms(report: CoverageReport, emulatedPlatforms: string[]): string[] {
  return emulatedPlatforms.filter((p) => report.scope.platforms.includes(p));
}

/**
 * Said, not dropped: the rules not evaluated as written, with the enabled rules of other sources that tag a
 * technique with procedures (the emulation does not run them: without the line their tags read as never fired).
 */
function rulesNotAsWritten(report: CoverageReport, techniques: TechniqueEvidence[], failed: { rule: string; why: string }[]): Pick<EmulationSection, 'rulesNotAsWritten'> {
  const emulated = new Set(techniques.map((t) => t.id));
  const otherSources = report.rules
    .filter((r) => r.isEnabled && r.source !== EMULATED_SOURCE && r.techniques.some((t) => emulated.has(t)))
    .map((r) => ({ rule: r.name, why: `not evaluated: a ${r.source} rule, and the emulation runs ${EMULATED_SOURCE} rules only (its events are synthesized syscalls)` }));
  const all = [...failed, ...otherSources];
  return all.length > 0 ? { rulesNotAsWritten: all } : {};
}

/** The report's `emulation` section. */
export function buildEvidence({ report, results, skipped, source, notAsWritten = [], emulatedPlatforms }: EvidenceInput): EmulationSection {
  const withProcedures = proceduresByTechnique(results);
  const emulatedRules = new Set(report.rules.filter((r) => r.source === EMULATED_SOURCE).map((r) => r.name));
  const observed = emulatedPlatforms && observedPlatforms(report, emulatedPlatforms);
  // As the report counts rules: in scope, and on a platform in scope their source observes.
  const isObserved = (t: TechniqueEntry): boolean => t.inScope && (!observed || t.platforms.some((p) => observed.includes(p)));
  const observing = new Map(report.techniques.map((t) => [t.id, t.observingRules]));
  const observingOf = (id: string): readonly string[] => observing.get(id) ?? [];
  const techniques = report.techniques.filter((t) => isObserved(t) && withProcedures.has(t.id)).map((t) => techniqueEvidence(t, withProcedures.get(t.id)!, (rule) => emulatedRules.has(rule), observingOf));
  const rules = ruleEvidence(report, results, withProcedures);
  const count = (status: EvidenceStatus): number => techniques.filter((t) => t.status === status).length;
  const atomics = results.filter((r) => r.kind === 'atomic');
  const known = new Set(report.techniques.map((t) => t.id));
  return {
    source,
    contexts: ['host', 'container'],
    summary: {
      procedures: atomics.length,
      skipped: skipped.length,
      benign: results.length - atomics.length,
      events: results.reduce((n, r) => n + r.events.host + r.events.container, 0),
      techniques: techniques.length,
      tagged: techniques.filter((t) => t.taggedRules.length > 0).length,
      taggedAndDemonstrated: count('tagged-and-demonstrated'),
      taggedNeverFired: count('tagged-never-fired'),
      taggedNotEmulated: count('tagged-not-emulated'),
      demonstratedNotTagged: count('demonstrated-not-tagged'),
      notDemonstrated: count('not-demonstrated'),
      rulesFiring: rules.filter((r) => r.firesOn.length > 0).length,
      noisyRules: rules.filter((r) => r.isNoisy).length,
      undeterminedPairs: atomics.reduce((n, r) => n + new Set(r.undetermined.map((u) => u.rule)).size, 0),
    },
    techniques,
    rules,
    suggestions: suggestionsOf(results, new Map(report.rules.map((r) => [r.name, r.techniques])), new Set(report.techniques.filter(isObserved).map((t) => t.id))),
    procedures: results,
    skipped,
    ...(observed ? { observedPlatforms: observed } : {}),
    ...numberingNotes(atomics, known),
    ...rulesNotAsWritten(report, techniques, notAsWritten),
  };
}
