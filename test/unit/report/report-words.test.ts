// The sentences the reporters share: each finding message and fix, plurals and signs, the inputs line,
// detectability and profile wording, the emulation counts, --format selection and the JSON form.
import { describe, expect, it } from 'vitest';
import type { Finding, GapEntry, ThreatProfile } from '../../../src/coverage-report.js';
import type { FindingDraft } from '../../../src/analysis/checks/index.js';
import { describeFinding, describeFix, withMessage } from '../../../src/report/messages.js';
import { describeInputs, plural, signed } from '../../../src/report/words.js';
import { describeGapDetectability, describeProfile, draftCommand, shortVerdict, topGapRows, VERDICT_LABEL } from '../../../src/report/priority-words.js';
import { evidenceCounts } from '../../../src/report/evidence-words.js';
import { ALIASES, REPORTERS, selectReporters } from '../../../src/report/registry.js';
import { FORMAT_NAMES, FORMAT_VALUES } from '../../../src/report/format-names.js';
import { jsonReporter } from '../../../src/report/json.js';
import { stringifyJson } from '../../../src/report/reporter.js';
import { validateLayer } from '../../../src/report/layer-schema.js';
import { UsageError } from '../../../src/errors.js';
import { emulationSection, PROFILE } from './full-report.js';

const draft = (code: string, extra: Partial<FindingDraft> = {}): FindingDraft => ({ code, severity: 'warning', rule: 'R', file: 'f', line: 1, column: 1, ...extra }) as FindingDraft;

describe('finding messages', () => {
  it('word each finding code from its data', () => {
    const cases: [FindingDraft, string][] = [
      [draft('unknown-technique', { technique: 'T9999' }), 'T9999 is not an ATT&CK technique in this version'],
      [draft('unknown-technique', { tag: 'T99x' }), 'T99x is not an ATT&CK technique in this version'],
      [draft('revoked-technique', { technique: 'T1500', args: { replacements: ['T1027', 'T1027.004'] } }), 'T1500 is revoked; ATT&CK replaced it with T1027, T1027.004'],
      [draft('revoked-technique', { technique: 'T1500', args: { replacements: [] } }), 'T1500 is revoked and ATT&CK names no replacement'],
      [draft('revoked-technique', { technique: 'T1500' }), 'T1500 is revoked and ATT&CK names no replacement'],
      [draft('revoked-technique', { technique: 'T1500', args: {} }), 'T1500 is revoked and ATT&CK names no replacement'],
      [draft('deprecated-technique', { technique: 'T1063' }), 'T1063 is deprecated in ATT&CK; tag a current technique instead'],
      [draft('tactic-mismatch', { technique: 'T1611', args: { techniqueTactics: ['privilege-escalation'], ruleTactics: ['execution', 'impact'] } }), "T1611 belongs to privilege-escalation, but the rule's tactic tags name execution, impact"],
      [draft('unjustified-tactic', { tactic: 'execution', args: { techniques: ['T1611'] } }), "tactic execution is tagged but none of the rule's techniques (T1611) belongs to it"],
      [draft('tactic-id-name-conflict', { tag: 'TA0004', tactic: 'privilege-escalation', args: { names: ['execution'] } }), "TA0004 is privilege-escalation, but the rule's mitre_ tags name execution"],
      [draft('unknown-tactic', { tag: 'mitre_x', tactic: 'x', args: { renamedTo: 'y' } }), '"mitre_x" names no ATT&CK tactic any more: ATT&CK renamed x to y'],
      [draft('unknown-tactic', { tag: 'mitre_defense_evation', args: { suggestion: 'defense-evasion' }, fix: { tag: 'mitre_defense_evation', with: ['mitre_defense_evasion'] } }), '"mitre_defense_evation" names no ATT&CK tactic; did you mean mitre_defense_evasion?'],
      [draft('unknown-tactic', { tag: 'mitre_zzz' }), '"mitre_zzz" names no ATT&CK tactic'],
      [draft('missing-tactic-tag', { args: { tactics: ['execution', 'persistence'] } }), 'technique tags without a tactic tag; ATT&CK puts them under execution, persistence'],
      [draft('nonstandard-tag', { tag: 'mitre-T1059', args: { conventional: 'T1059' } }), '"mitre-T1059" is not Falco\'s tag convention; write T1059'],
      [draft('nonstandard-tag', { tag: 'T1059,mitre_execution', args: { conventional: 'T1059, mitre_execution', parts: ['T1059', 'mitre_execution'] } }), '"T1059,mitre_execution" is several tags in one, which Falco reads as one tag naming nothing; write them as separate tags: T1059, mitre_execution'],
      [draft('platform-mismatch', { technique: 'T1530', args: { platforms: ['IaaS'], source: 'syscall' } }), 'T1530 targets IaaS, which the syscall source cannot observe'],
      [draft('untagged-rule'), 'rule has no ATT&CK tag, so it counts for no technique'],
      [draft('no-technique-tag'), 'rule has tactic tags but no technique tag, so it counts for no technique (attack-cov suggest proposes some)'],
      [draft('repeated-tag', { tag: 'T1059' }), '"T1059" is already among the rule\'s tags; Falco keeps it once, so this one can go'],
      [draft('skipped-rule', { args: { reason: 'unknown field proc.x' } }), 'Falco drops this rule at load: unknown field proc.x; it covers nothing'],
      [draft('invalid-suppression', { args: { problem: 'has no reason' } }), 'this attack-cov-ignore comment has no reason; it suppresses nothing'],
      [draft('invalid-suppression', { args: { problem: 'names zzz, which is no finding code', in: 'config' } }), 'this suppression in the config names zzz, which is no finding code; it suppresses nothing'],
      [draft('unused-suppression', { args: { codes: ['tactic-mismatch'], reason: 'why' } }), 'the suppression of tactic-mismatch ("why") matched no finding; remove it'],
      [draft('unused-suppression', { args: { reason: 'why' } }), 'the suppression of findings ("why") matched no finding; remove it'],
      [draft('expired-suppression', { args: { codes: ['a', 'b'], reason: 'r', until: '2025-01-01' } }), 'the suppression of a, b ("r") expired after 2025-01-01; its findings count again'],
      [draft('no-such-code'), 'no-such-code'],
      [draft('missing-tactic-tag', { args: { tactics: 'execution' } }), 'technique tags without a tactic tag; ATT&CK puts them under execution'],
    ];
    for (const [finding, message] of cases) expect(describeFinding(finding), finding.code).toBe(message);
  });
  it('words a finding whose data is missing (a hand-edited report.json) instead of failing', () => {
    expect(describeFinding(draft('invalid-suppression'))).toMatch(/^this attack-cov-ignore comment .*; it suppresses nothing$/);
  });
  it('withMessage adds the message and keeps the finding', () => {
    const d = draft('untagged-rule', { tag: 't' });
    expect(withMessage(d)).toEqual({ ...d, message: 'rule has no ATT&CK tag, so it counts for no technique' });
  });
  it('describeFix says add, remove or replace', () => {
    const f = (fix?: Finding['fix']) => ({ fix }) as Finding;
    expect(describeFix(f())).toBeUndefined();
    expect(describeFix(f({ with: ['mitre_execution', 'T1059'] }))).toBe('add mitre_execution, T1059');
    expect(describeFix(f({ tag: 'mitre_x', with: [] }))).toBe('remove mitre_x');
    expect(describeFix(f({ tag: 'mitre_x', with: ['mitre_y', 'mitre_z'] }))).toBe('replace mitre_x with mitre_y, mitre_z');
    // A tag with a blank in it is quoted: "replace T1059  with T1059" would not say what changes.
    expect(describeFix(f({ tag: 'T1059 ', with: ['T1059'] }))).toBe('replace "T1059 " with T1059');
    expect(describeFix(f({ tag: 'mitre execution', with: [] }))).toBe('remove "mitre execution"');
  });
});

describe('words', () => {
  it('plural and signed', () => {
    expect([0, 1, 2].map((n) => plural(n, 'error'))).toEqual(['0 errors', '1 error', '2 errors']);
    expect([1.5, 0, -2].map(signed)).toEqual(['+1.5', '0', '-2']);
  });
  it('describeInputs names ATT&CK, the rules (3 at most) and where they came from', () => {
    const rules = (n: number) => Array.from({ length: n }, (_, i) => ({ path: `r${i}.yaml` }));
    expect(describeInputs({ attack: { source: 'embedded:18.1' }, rules: rules(3), rulesOrigin: 'option' })).toBe('ATT&CK from embedded:18.1 · rules: r0.yaml, r1.yaml, r2.yaml');
    expect(describeInputs({ attack: { source: 'u', requested: 'latest' }, rules: rules(5), rulesOrigin: 'standard-locations' })).toBe("ATT&CK from u (resolved from latest) · rules: r0.yaml, r1.yaml, r2.yaml and 2 more (Falco's standard locations under /etc/falco)");
    expect(describeInputs({ attack: { source: 'u', requested: '18.1' }, rules: rules(1), rulesOrigin: 'official-default' })).toBe('ATT&CK from u · rules: r0.yaml — no --rules and no /etc/falco, so the official rules embedded in attack-cov, stable only as Falco installs them (--rules official:all adds incubating and sandbox)');
  });
});

describe('priority words', () => {
  const gap = (detectability: string) => ({ priority: { detectability } }) as never;
  it('shortVerdict names the sources, plugins, or says what is missing', () => {
    expect(shortVerdict(gap('closable-loaded'), { loadedSources: ['syscall', 'k8s_audit'], otherSources: [] })).toBe('closable: syscall, k8s_audit');
    expect(shortVerdict(gap('closable-loaded'))).toBe('closable: loaded source');
    expect(shortVerdict(gap('closable-other'), { loadedSources: [], otherSources: [{ source: 'aws_cloudtrail', plugin: 'cloudtrail' }, { source: 'okta', plugin: 'okta' }] })).toBe('needs aws_cloudtrail (plugin cloudtrail), okta');
    expect(shortVerdict(gap('closable-other'))).toBe('needs another source');
    expect(shortVerdict(gap('not-observable'))).toBe('not observable');
    expect(shortVerdict(gap('unknown'))).toBe('unknown');
  });
  it('describeGapDetectability lists the verdicts that have gaps, in a fixed order', () => {
    expect(describeGapDetectability({ unknown: 3, 'not-observable': 1, 'closable-loaded': 2, 'closable-other': 0 })).toBe('2 closable with loaded sources, 1 not observable by Falco, 3 detectability unknown');
    expect(describeGapDetectability(undefined)).toBe('');
    expect(describeGapDetectability({})).toBe('');
    expect(VERDICT_LABEL).toEqual({ 'closable-loaded': 'closable with loaded sources', 'closable-other': 'closable with another Falco source', 'not-observable': 'not observable by Falco', unknown: 'detectability unknown' });
  });
  it('describeProfile counts direct use and use through software, and what is outside the scope', () => {
    expect(describeProfile(PROFILE)).toBe(`${PROFILE.name} (G9999, group): 2 in-scope techniques and sub-techniques used directly: 1 covered, 1 partly, 0 gaps; 1 more only through its software (Kit): 0 covered, 0 partly, 1 gap; 4 outside the scope`);
    const alone: ThreatProfile = { ...PROFILE, kind: 'software', software: [], counts: { ...PROFILE.counts, direct: { total: 1, covered: 1, partial: 0, gap: 0 } } };
    const twoKits: ThreatProfile = { ...PROFILE, software: [{ id: 'S0001', name: 'Kit' }, { id: 'S0002', name: 'Tool' }] };
    expect(describeProfile(twoKits)).toContain('; 1 more only through its software (Kit, Tool): ');
    expect(describeProfile(alone)).toBe(`${PROFILE.name} (G9999, software): 1 in-scope technique or sub-technique used directly: 1 covered, 0 partly, 0 gaps; 4 outside the scope`);
  });
  it('draftCommand', () => {
    expect(draftCommand('T1611')).toBe('attack-cov draft T1611');
  });
});

describe('evidenceCounts', () => {
  it('counts tagged, demonstrated, suggested and noisy in one sentence', () => {
    expect(evidenceCounts(emulationSection(['T1']))).toBe('2 of 4 tagged techniques with procedures demonstrated by their own rules; 1 tagged but never fired; 1 demonstrated but not tagged (0 tag suggestions); 1 rule firing on benign activity');
  });
  it('counts the techniques tagged only by rules the emulation does not run apart from those never fired', () => {
    const section = emulationSection(['T1']);
    section.summary.taggedNotEmulated = 2;
    expect(evidenceCounts(section)).toBe('2 of 4 tagged techniques with procedures demonstrated by their own rules; 1 tagged but never fired; 2 tagged only by rules of sources the emulation does not run; 1 demonstrated but not tagged (0 tag suggestions); 1 rule firing on benign activity');
  });
});

describe('--format selection', () => {
  const names = (formats?: string[]) => selectReporters(formats).map((r) => r.name);
  it('takes names and aliases, comma-separated or repeated, trimmed, once each, report.json first', () => {
    expect(names(['sarif, md', 'markdown', ''])).toEqual(['json', 'sarif', 'summary']);
    expect(names(['json'])).toEqual(['json']);
    expect(names(['all'])).toEqual(Object.keys(REPORTERS));
    expect(names(['sarif,all'])).toEqual(Object.keys(REPORTERS));
    expect(names([])).toEqual(['json']);
  });
  it('refuses a --format with nothing in it, rather than writing report.json alone', () => {
    for (const empty of [[''], [' , '], ['', ',']]) expect(() => selectReporters(empty)).toThrow(`--format ${JSON.stringify(empty.join(','))}: no value in it`);
    const hint = (() => {
      try {
        selectReporters(['']);
      } catch (e) {
        return (e as UsageError).hint;
      }
    })();
    expect(hint).toBe(`formats: all, ${[...FORMAT_NAMES, ...Object.keys(ALIASES)].join(', ')}`);
  });
  it('has the names and aliases format-names.ts gives the project config, and no other', () => {
    expect(Object.keys(REPORTERS)).toEqual(FORMAT_NAMES);
    for (const targets of Object.values(ALIASES)) for (const target of targets) expect(FORMAT_NAMES).toContain(target);
    expect(FORMAT_VALUES).toEqual(['all', ...FORMAT_NAMES, ...Object.keys(ALIASES)]);
  });
  it('refuses unknown names, also names of Object.prototype, with the list of formats', () => {
    for (const bad of ['pdf', 'constructor', '__proto__', 'toString']) {
      expect(() => selectReporters([bad])).toThrow(UsageError);
      expect(() => selectReporters([bad])).toThrow(`unknown format: ${bad}`);
      // Beside all too, comma-separated or repeated (QA: all,bogus was taken as all).
      expect(() => selectReporters([`all,${bad}`])).toThrow(`unknown format: ${bad}`);
      expect(() => selectReporters(['all', bad])).toThrow(`unknown format: ${bad}`);
    }
    const error = ((): UsageError | undefined => {
      try {
        selectReporters(['pdf,xls']);
      } catch (e) {
        return e as UsageError;
      }
      return undefined;
    })();
    expect(error?.message).toBe('unknown format: pdf, xls');
    expect(error?.hint).toBe(`formats: all, ${[...Object.keys(REPORTERS), ...Object.keys(ALIASES)].join(', ')}`);
  });
  it('knows every reporter by its name', () => {
    expect(Object.keys(REPORTERS)).toEqual(['json', 'heatmap', 'layer', 'coverage-csv', 'findings-csv', 'summary', 'sarif', 'priority-layer', 'threat-layers', 'suggestions-csv']);
    expect(ALIASES).toEqual({ html: ['heatmap'], navigator: ['layer', 'priority-layer', 'threat-layers'], csv: ['coverage-csv', 'findings-csv', 'suggestions-csv'], markdown: ['summary'], md: ['summary'] });
  });
});

describe('JSON outputs', () => {
  it('report.json is the report as 2-space JSON with a final newline', () => {
    expect(stringifyJson({ a: [1] })).toBe('{\n  "a": [\n    1\n  ]\n}\n');
    expect(jsonReporter.render({ x: 1 } as never, { outDir: '/' })).toBe('{\n  "x": 1\n}\n');
    expect(jsonReporter).toMatchObject({ name: 'json', fileName: 'report.json' });
  });
  it('validateLayer accepts a minimal 4.5 layer and names the path and the problem of a bad one', () => {
    const minimal = { name: 'x', versions: { layer: '4.5', navigator: '5.1.0' }, domain: 'enterprise-attack', techniques: [] };
    expect(validateLayer(minimal)).toEqual([]);
    expect(validateLayer({ ...minimal, versions: { layer: '4.5' } })).toEqual(["/versions: must have required property 'navigator'"]);
    const problems = validateLayer({ name: 'x' });
    expect(problems.length).toBeGreaterThan(0);
    for (const p of problems) expect(p).toMatch(/^\/\S*: \S/);
    expect(validateLayer({ name: 1, versions: { layer: '4.5' }, domain: 'enterprise-attack' }).some((p) => p.startsWith('/name: '))).toBe(true);
  });
});

describe('topGapRows', () => {
  // Gaps in rank order; sub-techniques ranked among the first top-level ones come along, none after the last.
  const gap = (id: string, isSubtechnique = false) => ({ id, isSubtechnique }) as unknown as GapEntry;
  const gaps = [gap('T1'), gap('T2.001', true), gap('T2'), gap('T3.001', true), gap('T3')];
  it('lists down to the count-th top-level gap, with the sub-techniques between', () => {
    expect(topGapRows(gaps, 1).map((g) => g.id)).toEqual(['T1']);
    expect(topGapRows(gaps, 2).map((g) => g.id)).toEqual(['T1', 'T2.001', 'T2']);
    expect(topGapRows(gaps, 9).map((g) => g.id)).toEqual(['T1', 'T2.001', 'T2', 'T3.001', 'T3']);
    // 0 lists none (it listed every gap).
    expect(topGapRows(gaps, 0)).toEqual([]);
  });
});
