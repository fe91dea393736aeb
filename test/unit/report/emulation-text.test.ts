// `attack-cov emulate` output from a hand-made emulation section: the terminal listing (procedures that
// fire, undetermined rules, noisy rules, techniques nothing fires on) and emulation.md, with untrusted
// rule names kept printable / escaped. SECTION: T1611 demonstrated (by its sub-technique's procedure too),
// T1059 tagged but never fired with an undetermined rule, T1027 not demonstrated, one noisy rule.
import { describe, expect, it } from 'vitest';
import type { EmulationSection } from '../../../src/emulate/types.js';
import { renderEmulationMarkdown, renderEmulationText, STATUS_LABEL } from '../../../src/report/emulation.js';
import { renderThreats } from '../../../src/report/threats-text.js';
import type { RankedThreat } from '../../../src/analysis/threat-ranking.js';
import type { CoverageReport } from '../../../src/coverage-report.js';

const ESC = '\u001b';
const SECTION: EmulationSection = {
  source: { atomics: 'atomics@abc', license: 'MIT', benign: 'benign' }, contexts: ['host', 'container'] as never,
  summary: { procedures: 3, skipped: 2, benign: 1, events: 40, techniques: 3, tagged: 2, taggedAndDemonstrated: 1, taggedNeverFired: 1, demonstratedNotTagged: 0, notDemonstrated: 1, rulesFiring: 2, noisyRules: 1, undeterminedPairs: 1 },
  techniques: [
    { id: 'T1611', name: 'Escape to Host', procedures: 2, status: 'tagged-and-demonstrated', taggedRules: ['Escape'], firingRules: ['Escape', 'Noisy|rule'], demonstratedBy: ['Escape'], undetermined: [] },
    { id: 'T1059', name: 'Command <i>Interpreter</i>', procedures: 1, status: 'tagged-never-fired', taggedRules: ['Shell\u001b[2J'], firingRules: [], demonstratedBy: [], undetermined: [{ rule: 'Net', needs: ['fd.sip', 'fd.sport'] }] },
    { id: 'T1027', name: 'Obfuscated', procedures: 1, status: 'not-demonstrated', taggedRules: [], firingRules: [], demonstratedBy: [], undetermined: [] },
  ],
  rules: [
    { rule: 'Escape', techniques: ['T1611'], firesOn: ['aaaaaaaa-1'], neverFiredClaims: [], benignHits: [], isNoisy: false, undetermined: 0 },
    { rule: 'Noisy|rule', techniques: [], firesOn: ['aaaaaaaa-1'], neverFiredClaims: [], benignHits: ['ls', 'cat'], isNoisy: true, undetermined: 0 },
    { rule: 'Net', techniques: [], firesOn: [], neverFiredClaims: [], benignHits: [], isNoisy: false, undetermined: 2 },
    { rule: 'Sometimes', techniques: [], firesOn: ['bbbbbbbb-2'], neverFiredClaims: [], benignHits: [], isNoisy: false, undetermined: 1 },
  ],
  suggestions: [{ rule: 'Noisy|rule', technique: 'T1611', procedure: 'aaaaaaaa-1', procedureName: 'nsenter', event: 'execve nsenter' }],
  procedures: [
    { id: 'aaaaaaaa-1111', kind: 'atomic', technique: 'T1611', name: 'nsenter escape', executor: 'sh', events: {} as never, unmodeled: [], fired: [{ rule: 'Escape', context: 'host' as never, eventNum: 3, event: 'execve nsenter' }, { rule: 'Noisy|rule', context: 'container' as never, eventNum: 4, event: 'execve x' }, { rule: 'Escape', context: 'container' as never, eventNum: 5, event: 'y' }], undetermined: [] },
    { id: 'bbbbbbbb-2222', kind: 'atomic', technique: 'T1611.001', name: 'sub escape', executor: 'sh', events: {} as never, unmodeled: [], fired: [{ rule: 'Escape', context: 'host' as never, eventNum: 1, event: 'mount' }], undetermined: [] },
    { id: 'cccccccc-3333', kind: 'atomic', technique: 'T16110', name: 'other technique', executor: 'sh', events: {} as never, unmodeled: [], fired: [{ rule: 'Other', context: 'host' as never, eventNum: 1, event: 'z' }], undetermined: [] },
    { id: 'dddddddd-4444', kind: 'atomic', technique: 'T1059', name: 'no fire', executor: 'sh', events: {} as never, unmodeled: [], fired: [], undetermined: [{ rule: 'Net', context: 'host' as never, needs: ['fd.sport', 'fd.sip'] }, { rule: 'Net', context: 'container' as never, needs: ['fd.cip'] }] },
    { id: 'benign-1', kind: 'benign', technique: 'T1611', name: 'ls', executor: 'sh', events: {} as never, unmodeled: [], fired: [{ rule: 'Noisy|rule', context: 'host' as never, eventNum: 1, event: 'ls' }], undetermined: [] },
  ],
  skipped: [],
};

describe('the emulate terminal listing', () => {
  // Rendered inside each test: Stryker runs a mutant only against the tests that execute it.
  const plainText = () => renderEmulationText(SECTION, { isColor: false });

  it('agrees its verb with the count: one rule fires, two fire', () => {
    const one = renderEmulationText({ ...SECTION, summary: { ...SECTION.summary, rulesFiring: 1 } }, { isColor: false });
    expect(one.split('\n')[1]).toBe('3 in-scope techniques with procedures; 1 rule fires on them');
  });

  it('states the counts, then each technique with the procedures that fire and what they fired on', () => {
    expect(plainText()).toBe([
      'Emulated 3 Atomic Red Team procedures (2 skipped: not sh/bash) and 1 benign item, on the host and in a container: 40 events',
      '3 in-scope techniques with procedures; 2 rules fire on them',
      '1 of 2 tagged techniques with procedures demonstrated by their own rules; 1 tagged but never fired; 0 demonstrated but not tagged (1 tag suggestion); 1 rule firing on benign activity',
      '',
      '✓ T1611 Escape to Host — tagged and demonstrated (2 procedures)',
      '    tagged by: Escape',
      '    aaaaaaaa nsenter escape: Escape; Noisy|rule',
      '        ← execve nsenter (host)',
      '    bbbbbbbb sub escape: Escape',
      '        ← mount (host)',
      '✗ T1059 Command <i>Interpreter</i> — tagged but never fired (1 procedure)',
      '    tagged by: Shell\\u001b[2J',
      '    undetermined: Net (needs fd.sip, fd.sport)',
      '',
      'No rule fires on the procedures of: T1027',
      '',
      'Rules firing on the benign corpus',
      '  Noisy|rule: ls, cat',
      '',
      'Undetermined (the rule depends on fields the synthesis does not know)',
      '  Net: 2 procedures, needs fd.cip, fd.sip, fd.sport',
      '',
    ].join('\n'));
  });
  it('ends with the rules not evaluated as written, their names escaped, when there are any (and in emulation.md)', () => {
    const rulesNotAsWritten = [{ rule: 'Old\u001b[2J', why: 'names fields Falco 0.44 does not have (evt.dir): their checks are false here' }, { rule: 'Bad', why: 'not evaluated: undefined macro m' }];
    const text = renderEmulationText({ ...SECTION, rulesNotAsWritten }, { isColor: false });
    expect(text.endsWith('\n\nRules not evaluated as written\n  Old\\u001b[2J: names fields Falco 0.44 does not have (evt.dir): their checks are false here\n  Bad: not evaluated: undefined macro m\n')).toBe(true);
    expect(renderEmulationText({ ...SECTION, rulesNotAsWritten }, { isColor: true })).toContain(`${ESC}[1mRules not evaluated as written${ESC}[0m`);
    const md = renderEmulationMarkdown({ ...SECTION, rulesNotAsWritten });
    expect(md.endsWith('\n\n## Rules not evaluated as written\n\n- Old \\[2J: names fields Falco 0.44 does not have \\(evt.dir\\): their checks are false here\n- Bad: not evaluated: undefined macro m\n')).toBe(true);
    expect(plainText()).not.toContain('not evaluated as written');
    expect(renderEmulationMarkdown(SECTION)).not.toContain('not evaluated as written');
  });
  it('says which atomics were credited to another ID and which to none (and in emulation.md), only when there are any', () => {
    const numbered = { ...SECTION, renumbered: [{ from: 'T1685.006', to: 'T1070.002', procedures: 9 }], unknownTechniques: [{ technique: 'T9999', procedures: 2 }] };
    const text = renderEmulationText(numbered, { isColor: false });
    expect(text).toContain('\n\nAtomic Red Team numbers 1 technique as another ATT&CK does; their procedures count for this one\'s IDs (data/attack-renumbering.json): T1685.006 → T1070.002 (9)\n\n2 procedures of 1 technique this ATT&CK does not have (emulated, credited to no technique): T9999 (2)\n');
    expect(renderEmulationMarkdown(numbered)).toContain('| T1027 Obfuscated | neither tagged nor demonstrated | 1 |  |  |\n\nAtomic Red Team numbers 1 technique');
    expect(renderEmulationMarkdown(numbered)).toContain('\n\n2 procedures of 1 technique this ATT&amp;CK does not have \\(emulated');
    expect(plainText()).not.toMatch(/numbers|does not have/);
    expect(renderEmulationMarkdown(SECTION)).not.toMatch(/numbers|does not have/);
  });
  it('says when the emulated rules observe no platform in scope (and in emulation.md), only then', () => {
    const note = 'The emulated rules (syscall) observe none of the platforms in scope, so no technique counts here, as in the report (data/source-platforms.json)';
    expect(renderEmulationText({ ...SECTION, observedPlatforms: [] }, { isColor: false })).toContain(`\n\n${note}\n`);
    expect(renderEmulationMarkdown({ ...SECTION, observedPlatforms: [] })).toContain('\n\nThe emulated rules \\(syscall\\) observe none');
    expect(renderEmulationText({ ...SECTION, observedPlatforms: ['Linux'] }, { isColor: false })).not.toContain(note);
    expect(plainText()).not.toContain(note);
  });
  it('bolds the counts and headings only with colour', () => {
    const colored = renderEmulationText(SECTION, { isColor: true });
    expect(colored).toContain(`${ESC}[1m1 of 2 tagged techniques`);
    expect(colored).toContain(`${ESC}[1mRules firing on the benign corpus${ESC}[0m`);
    expect(colored).toContain(`${ESC}[1mUndetermined (the rule depends on fields the synthesis does not know)${ESC}[0m`);
    expect(plainText()).not.toContain(ESC);
  });
  it('lists a not-demonstrated technique that has undetermined rules, and leaves out empty sections', () => {
    const techniques = [{ ...SECTION.techniques[2]!, undetermined: [{ rule: 'Net', needs: ['fd.sip'] }] }];
    const out = renderEmulationText({ ...SECTION, techniques, rules: [], procedures: [] }, { isColor: false });
    expect(out).toContain('· T1027 Obfuscated — neither tagged nor demonstrated (1 procedure)\n    undetermined: Net (needs fd.sip)\n');
    expect(out).not.toContain('Rules firing on the benign corpus');
    expect(out).not.toContain('Undetermined (');
    const all = renderEmulationText({ ...SECTION, techniques: [SECTION.techniques[0]!] }, { isColor: false });
    expect(all).not.toContain('No rule fires on');
  });
  it('joins several tagged rules and techniques nothing fires on, and gives each undetermined rule only its own fields', () => {
    const techniques = [{ ...SECTION.techniques[1]!, taggedRules: ['Shell', 'Bash'], undetermined: [] }, SECTION.techniques[2]!, { ...SECTION.techniques[2]!, id: 'T1028' }];
    const rule = { techniques: [], neverFiredClaims: [], benignHits: [], isNoisy: false, firesOn: [] };
    const rules = [{ ...rule, rule: 'Net', undetermined: 1 }, { ...rule, rule: 'Dns', undetermined: 1 }, { ...rule, rule: 'Silent', undetermined: 0 }];
    const procedures = [{ ...SECTION.procedures[3]!, undetermined: [{ rule: 'Net', context: 'host' as never, needs: ['fd.sip'] }, { rule: 'Dns', context: 'host' as never, needs: ['fd.name'] }] }];
    const out = renderEmulationText({ ...SECTION, techniques, rules, procedures }, { isColor: false });
    expect(out).toContain('    tagged by: Shell; Bash\n');
    expect(out).toContain('\nNo rule fires on the procedures of: T1027, T1028\n');
    expect(out.endsWith('\nUndetermined (the rule depends on fields the synthesis does not know)\n  Net: 1 procedure, needs fd.sip\n  Dns: 1 procedure, needs fd.name\n')).toBe(true);
  });
  it('marks techniques demonstrated but not tagged with +', () => {
    const t = { ...SECTION.techniques[2]!, status: 'demonstrated-not-tagged' as const };
    expect(renderEmulationText({ ...SECTION, techniques: [t] }, { isColor: false })).toContain('+ T1027 Obfuscated — demonstrated but not tagged (1 procedure)\n');
  });
});

describe('emulation.md', () => {
  it('tables the techniques, the tag suggestions and the noisy rules, escaped', () => {
    expect(renderEmulationMarkdown(SECTION)).toBe([
      '# Emulated detection',
      '',
      '3 procedures of atomics@<!-- -->abc and 1 benign item, synthesized on the host and in a container (40 events).',
      '',
      '1 of 2 tagged techniques with procedures demonstrated by their own rules; 1 tagged but never fired; 0 demonstrated but not tagged \\(1 tag suggestion\\); 1 rule firing on benign activity',
      '',
      '| technique | status | procedures | rules that fire | tagged by |',
      '|---|---|---|---|---|',
      '| T1611 Escape to Host | tagged and demonstrated | 2 | Escape; Noisy\\|rule | Escape |',
      '| T1059 Command &lt;i&gt;Interpreter&lt;/i&gt; | tagged but never fired | 1 |  | Shell \\[2J |',
      '| T1027 Obfuscated | neither tagged nor demonstrated | 1 |  |  |',
      '',
      '## Tag suggestions',
      '',
      '| rule | add | evidence |',
      '|---|---|---|',
      '| Noisy\\|rule | T1611 | aaaaaaaa-1 nsenter: execve nsenter |',
      '',
      '## Rules firing on benign activity',
      '',
      '- Noisy\\|rule: ls, cat',
      '',
    ].join('\n'));
  });
  it('leaves out the suggestions and noisy sections when empty', () => {
    const out = renderEmulationMarkdown({ ...SECTION, suggestions: [], rules: [] });
    expect(out).not.toContain('## ');
    expect(out.endsWith('| T1027 Obfuscated | neither tagged nor demonstrated | 1 |  |  |\n')).toBe(true);
  });
  it('joins several tagging rules with semicolons', () => {
    const techniques = [{ ...SECTION.techniques[0]!, taggedRules: ['Escape', 'Mount'] }];
    expect(renderEmulationMarkdown({ ...SECTION, techniques })).toContain('\n| T1611 Escape to Host | tagged and demonstrated | 2 | Escape; Noisy\\|rule | Escape; Mount |\n');
  });
  it('labels each status', () => {
    expect(STATUS_LABEL).toEqual({ 'tagged-and-demonstrated': 'tagged and demonstrated', 'tagged-never-fired': 'tagged but never fired', 'tagged-not-emulated': 'tagged only by rules the emulation does not run', 'demonstrated-not-tagged': 'demonstrated but not tagged', 'not-demonstrated': 'neither tagged nor demonstrated' });
  });
});

describe('the threats listing', () => {
  const threat = (id: string, aliases: string[]): RankedThreat => ({ id, kind: 'group', name: `Name\u001b]0;x ${id}`, aliases, url: '', scopeSoftware: [], scopeOnlyTechniques: [], inScope: 3, techniques: 9, coverage: { total: 3, covered: 1, partial: 1, gap: 1 }, score: 0, why: 'uses 2 technique(s)' }) as RankedThreat;
  const report = { scope: { platforms: ['Linux', 'Containers'] }, inputs: { attack: { version: '18.1' } } } as unknown as CoverageReport;

  it('names the scope, and per threat its kind, aliases (3 at most), coverage and why', () => {
    const out = renderThreats([threat('G0139', ['A', 'B', 'C', 'D']), threat('S1', [])], 7, report, { isColor: false });
    expect(out).toBe([
      '7 groups, software and campaigns of ATT&CK 18.1 are relevant to Linux, Containers; the 2 most relevant:',
      '',
      'G0139  group    Name\\u001b]0;x G0139 (A, B, C)',
      '       3 in-scope techniques: 1 covered, 1 partly, 1 gaps',
      '       why: uses 2 technique(s)',
      'S1     group    Name\\u001b]0;x S1',
      '       3 in-scope techniques: 1 covered, 1 partly, 1 gaps',
      '       why: uses 2 technique(s)',
      '',
      'Profile one with: attack-cov report --threat G0139',
      '',
    ].join('\n'));
  });
  it('dims aliases and why with colour; with none relevant, says so and profiles none (QA), and how to get a platform', () => {
    const colored = renderThreats([threat('G1', ['A'])], 1, report, { isColor: true });
    expect(colored).toContain(`${ESC}[2m (A)${ESC}[0m`);
    expect(colored).toContain(`${ESC}[2m       why: uses 2 technique(s)${ESC}[0m`);
    const empty = renderThreats([], 0, { ...report, scope: { platforms: [] } } as unknown as CoverageReport, { isColor: false });
    expect(empty).toBe('None of the groups, software and campaigns of ATT&CK 18.1 is relevant to none: no platform is in scope (no rule runs on a source attack-cov knows the platforms of); choose them with --platform, e.g. --platform Linux\n');
    expect(renderThreats([], 0, report, { isColor: false }, ['campaign'])).toBe('None of the campaigns of ATT&CK 18.1 is relevant to Linux, Containers\n');
  });
  it('counts one as one (QA: "1 groups … are relevant")', () => {
    expect(renderThreats([threat('G1', [])], 1, report, { isColor: false }, ['group']).split('\n')[0]).toBe('1 of the groups of ATT&CK 18.1 is relevant to Linux, Containers; the 1 most relevant:');
    expect(renderThreats([], 2, report, { isColor: false }, ['group']).split('\n')[0]).toBe('2 groups of ATT&CK 18.1 are relevant to Linux, Containers; the 0 most relevant:');
    expect(renderThreats([], 2, report, { isColor: false }, ['group'])).not.toContain('Profile one with');
  });
  it('escapes what the bundle gave: an ID, a platform, the version (QA: an intrusion-set ID with \\e[5m blinked)', () => {
    const hostile = { scope: { platforms: ['Li\u001b[8mnux'] }, inputs: { attack: { version: '18\u001b[30m' } } } as unknown as CoverageReport;
    const out = renderThreats([threat('G9\u001b[5m99', [])], 1, hostile, { isColor: false });
    expect(out).not.toContain(ESC);
    expect(out.split('\n')[0]).toBe('1 of the groups, software and campaigns of ATT&CK 18\\u001b[30m is relevant to Li\\u001b[8mnux; the 1 most relevant:');
    expect(out).toContain('\nG9\\u001b[5m99 group    ');
    expect(out).toContain('attack-cov report --threat G9\\u001b[5m99\n');
  });
  // Review finding: threats --kind software still said "90 groups, software and campaigns … are relevant".
  it('counts only the kinds listed (--kind), in ATT&CK\'s order', () => {
    const first = (kinds: ('group' | 'software' | 'campaign')[]) => renderThreats([], 90, report, { isColor: false }, kinds).split('\n')[0];
    expect(first(['software'])).toBe('90 software of ATT&CK 18.1 are relevant to Linux, Containers; the 0 most relevant:');
    expect(first(['campaign', 'group'])).toBe('90 groups and campaigns of ATT&CK 18.1 are relevant to Linux, Containers; the 0 most relevant:');
    expect(first(['campaign', 'software', 'group'])).toBe('90 groups, software and campaigns of ATT&CK 18.1 are relevant to Linux, Containers; the 0 most relevant:');
  });
});
