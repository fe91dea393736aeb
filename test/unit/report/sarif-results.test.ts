// findings.sarif as GitHub code scanning reads it: the rules table, each result's level, message, location,
// fingerprint (no line or column in it, so an alert survives a rule moving), baseline state and suppressions.
import { describe, expect, it } from 'vitest';
import type { CoverageReport, Finding } from '../../../src/coverage-report.js';
import { compareReports, findingFingerprint } from '../../../src/analysis/baseline.js';
import { artifactLocation, buildSarif, MAX_SARIF_RESULTS, repositoryFileTest, repositoryLocator, sarifReporter } from '../../../src/report/sarif.js';
import { LINK_OUTSIDE_ROOT_NOTE, OUTSIDE_ROOT_NOTE } from '../../../src/source-root.js';
import { reportFor } from '../../helpers/load.js';
import { FIXTURE_RULES } from './full-report.js';

const report = await reportFor(FIXTURE_RULES);
const run = (r: CoverageReport) => buildSarif(r).runs[0]!;
type Result = ReturnType<typeof run>['results'][number] & Record<string, unknown>;

/** A one-finding copy of the fixture report, the finding changed by `patch`. */
function withFinding(patch: Partial<Finding>): CoverageReport {
  const copy: CoverageReport = structuredClone(report);
  copy.findings = [{ ...copy.findings.find((f) => f.code === 'tactic-mismatch')!, ...patch }];
  copy.suppressed = [];
  return copy;
}

describe('the SARIF rules table', () => {
  // Rendered inside each test: Stryker runs a mutant only against the tests that execute it.
  const driverRules = () => run(report).tool.driver.rules;

  it('has one rule per check and suppression code, named in PascalCase', () => {
    const rules = driverRules();
    const mismatch = rules.find((r) => r.id === 'tactic-mismatch')!;
    expect(mismatch.name).toBe('TacticMismatch');
    expect(rules.find((r) => r.id === 'untagged-rule')!.name).toBe('UntaggedRule');
    expect(rules.map((r) => r.id)).toEqual(expect.arrayContaining(['invalid-suppression', 'unused-suppression', 'expired-suppression', 'unknown-technique']));
    expect(new Set(rules.map((r) => r.id)).size).toBe(rules.length);
  });
  it('maps severities to SARIF levels and GitHub security-severity (error 5.0, warning 3.0, info 1.0 as note)', () => {
    const rules = driverRules();
    const pick = (id: string) => rules.find((r) => r.id === id)!;
    expect(pick('tactic-mismatch')).toMatchObject({ defaultConfiguration: { level: 'error' }, properties: { 'security-severity': '5.0' } });
    expect(pick('unjustified-tactic')).toMatchObject({ defaultConfiguration: { level: 'warning' }, properties: { 'security-severity': '3.0' } });
    expect(pick('untagged-rule')).toMatchObject({ defaultConfiguration: { level: 'note' }, properties: { 'security-severity': '1.0' } });
    expect(pick('untagged-rule').properties).toEqual({ tags: ['security', 'mitre-attack', 'falco'], precision: 'very-high', 'security-severity': '1.0' });
  });
  it('describes each rule and how to fix or suppress its findings', () => {
    const rules = driverRules();
    const rule = rules.find((r) => r.id === 'tactic-mismatch')!;
    expect(rule.shortDescription.text).toBe(rule.fullDescription.text);
    expect(rule.shortDescription.text.length).toBeGreaterThan(10);
    expect(rule.help.text).toBe(`${rule.shortDescription.text} Run \`attack-cov lint --fix\` to apply the fix where the finding names one.`);
    expect(rule.help.markdown).toContain('**tactic-mismatch** (error): ');
    expect(rule.help.markdown).toContain('`# attack-cov-ignore tactic-mismatch: <why>`');
  });
  it('names the tool, the schema and the column kind', () => {
    const sarif = buildSarif(report);
    expect(sarif).toMatchObject({ $schema: 'https://json.schemastore.org/sarif-2.1.0.json', version: '2.1.0' });
    expect(sarif.runs[0]).toMatchObject({ tool: { driver: { name: 'attack-cov', version: 'test', semanticVersion: 'test' } }, columnKind: 'utf16CodeUnits' });
    expect(sarif.runs[0]!.originalUriBaseIds['%SRCROOT%'].description.text).toMatch(/--source-root/);
    expect(sarif.runs[0]).not.toHaveProperty('automationDetails');
  });
});

describe('SARIF results', () => {
  it('points each result at its rule by id and index, with the level of its severity', () => {
    const { results, tool } = run(report);
    expect(results).toHaveLength(report.findings.length);
    for (const r of results) expect(tool.driver.rules[r.ruleIndex]!.id).toBe(r.ruleId);
    const levels = new Map(report.findings.map((f, i) => [f.severity, results[i]!.level]));
    expect(levels.get('error')).toBe('error');
    expect(levels.get('warning')).toBe('warning');
  });
  it('says the message, the rule and the fix; the place; the technique, tactic and tag', () => {
    const result = run(withFinding({ file: 'rules/my rules.yaml', line: 7, column: 12, endColumn: 17 })).results[0]! as Result;
    const f = withFinding({}).findings[0]!;
    expect(result.message.text).toBe(`${f.message} (rule "Escape under execution"); fix: add mitre_privilege_escalation`);
    expect(result.locations).toEqual([{ physicalLocation: { artifactLocation: { uri: 'rules/my%20rules.yaml', uriBaseId: '%SRCROOT%' }, region: { startLine: 7, startColumn: 12, endColumn: 17 } }, logicalLocations: [{ name: 'Escape under execution', kind: 'member' }] }]);
    // Where the tag's end is not known (an alias, a tag over two lines, a finding about the rule), the region has none:
    // SARIF reads it as up to the end of the line.
    const open = run(withFinding({ line: 7, column: 12, endColumn: undefined })).results[0]! as Result;
    expect(JSON.parse(JSON.stringify(open.locations[0]!.physicalLocation.region))).toStrictEqual({ startLine: 7, startColumn: 12 });
    expect(result.properties).toEqual({ technique: 'T1611', tactic: 'execution', tag: 'T1611' });
    expect(result).not.toHaveProperty('baselineState');
    expect(result).not.toHaveProperty('suppressions');
  });
  it('names no rule for a finding about none (a config suppression that matched nothing)', () => {
    const result = run(withFinding({ rule: '', fix: undefined })).results[0]! as Result;
    expect(result.message.text).toBe(withFinding({}).findings[0]!.message);
  });
  it('escapes brackets and backslashes from the inputs, so no rule name becomes an embedded link (SARIF 3.11.6)', () => {
    const result = run(withFinding({ rule: 'R [click](https://evil.example/x) \\ end' })).results[0]! as Result;
    expect(result.message.text).toContain('(rule "R \\[click\\](https://evil.example/x) \\\\ end")');
    expect(result.message.text).not.toMatch(/(^|[^\\])\[[^\]]*\]\(/);
  });
  it('cuts a long rule name to 300 characters in the message and the logical location, fingerprinted whole', () => {
    const name = (last: string) => `R${'x'.repeat(70_000)}${last}`;
    const [a, b] = [run(withFinding({ rule: name('a') })).results[0]!, run(withFinding({ rule: name('b') })).results[0]!];
    expect(a.message.text).toContain(`(rule "R${'x'.repeat(298)}…")`);
    expect(a.message.text.length).toBeLessThan(1000);
    expect(a.locations[0]!.logicalLocations[0]!.name).toBe(`R${'x'.repeat(298)}…`);
    // Names alike in their first 300 characters are still two alerts, each the one it was before the cut.
    expect(a.partialFingerprints['attackCov/v1']).toBe(findingFingerprint(withFinding({ rule: name('a') }).findings[0]!));
    expect(a.partialFingerprints['attackCov/v1']).not.toBe(b.partialFingerprints['attackCov/v1']);
  });
  it('leaves out the fix and absent properties when the finding has none', () => {
    const result = run(withFinding({ fix: undefined, technique: undefined, tactic: undefined, tag: undefined })).results[0]! as Result;
    expect(result.message.text).toBe(`${withFinding({}).findings[0]!.message} (rule "Escape under execution")`);
    expect(result.properties).toEqual({});
  });
  it('points a finding of a code the tool does not know at no rule (index -1)', () => {
    const result = run(withFinding({ code: 'from-a-newer-version' })).results[0]!;
    expect(result).toMatchObject({ ruleId: 'from-a-newer-version', ruleIndex: -1 });
  });
  it('keeps the same fingerprint when the finding moves to another line, column or file', () => {
    const at = (line: number, column: number, file: string) => run(withFinding({ line, column, file })).results[0]!.partialFingerprints['attackCov/v1'];
    const base = at(8, 27, 'a.yaml');
    expect(at(80, 3, 'a.yaml')).toBe(base);
    expect(at(8, 27, 'b.yaml')).toBe(base);
    expect(base).toBe(findingFingerprint(withFinding({}).findings[0]!));
    expect(base).toMatch(/^[0-9a-f]{32}$/);
  });
  it('changes the fingerprint when the rule, tag, technique or tactic changes', () => {
    const fp = (patch: Partial<Finding>) => run(withFinding(patch)).results[0]!.partialFingerprints['attackCov/v1'];
    const base = fp({});
    for (const patch of [{ rule: 'Other rule' }, { tag: 'T1610' }, { technique: 'T1610' }, { tactic: 'impact' }, { code: 'unknown-technique' }]) expect(fp(patch)).not.toBe(base);
  });
  it('marks results new or unchanged against a baseline, occurrence for occurrence among findings alike', () => {
    const baseline = withFinding({});
    const current = withFinding({});
    current.findings = [current.findings[0]!, { ...current.findings[0]!, line: 99 }, { ...current.findings[0]!, rule: 'Other' }];
    current.comparison = compareReports(current, baseline);
    expect(current.comparison.newFindings.map((f) => [f.rule, f.line])).toEqual([['Escape under execution', 99], ['Other', current.findings[0]!.line]]);
    expect((run(current).results as Result[]).map((r) => r.baselineState)).toEqual(['unchanged', 'new', 'new']);
    expect(run(baseline).results[0]).not.toHaveProperty('baselineState');
  });
  it('gives each result a primaryLocationLineHash (what code scanning tracks alerts by): the own fingerprint, and which of those alike', () => {
    const copy = withFinding({});
    copy.findings = [copy.findings[0]!, { ...copy.findings[0]!, line: 99 }, { ...copy.findings[0]!, rule: 'Other' }];
    const hashes = run(copy).results.map((r) => r.partialFingerprints.primaryLocationLineHash!);
    expect(hashes[0]).toMatch(/^[0-9a-f]{16}:1$/);
    expect(hashes[1]).toBe(hashes[0]!.replace(/:1$/, ':2'));
    expect(hashes[2]).toMatch(/^[0-9a-f]{16}:1$/);
    expect(hashes[2]).not.toBe(hashes[0]);
    const moved = withFinding({ line: 500, column: 3 });
    expect(run(moved).results[0]!.partialFingerprints.primaryLocationLineHash).toBe(hashes[0]);
  });
  it('leaves suppressed findings out (code scanning ignores SARIF suppressions and would raise them) and says so', () => {
    const copy = withFinding({});
    copy.suppressed = [{ ...copy.findings[0]!, rule: 'Quiet', suppression: { kind: 'inSource', justification: 'by design', file: 'a.yaml', line: 2 } }];
    const { results, invocations } = run(copy) as ReturnType<typeof run> & { invocations: { executionSuccessful: boolean; toolExecutionNotifications: { level: string; message: { text: string } }[] }[] };
    expect(results).toHaveLength(1);
    expect(results[0]).not.toHaveProperty('suppressions');
    expect(invocations).toEqual([{ executionSuccessful: true, toolExecutionNotifications: [{ level: 'note', message: { text: '1 suppressed finding is not in this log: GitHub code scanning ignores SARIF suppressions and would raise them as alerts (the other outputs have them)' } }] }]);
    expect(run(withFinding({}))).not.toHaveProperty('invocations');
    // Two of them: the note's noun and verb in the plural.
    copy.suppressed.push({ ...copy.suppressed[0]!, rule: 'Quieter' });
    expect((run(copy) as ReturnType<typeof run> & { invocations: typeof invocations }).invocations[0]!.toolExecutionNotifications[0]!.message.text)
      .toBe('2 suppressed findings are not in this log: GitHub code scanning ignores SARIF suppressions and would raise them as alerts (the other outputs have them)');
  });
  it('leaves out findings about files that are not in the repository (official rules, URLs, files outside the source root), and says which', () => {
    const copy = withFinding({});
    const f = copy.findings[0]!;
    copy.findings = [f, { ...f, file: 'official:falco_rules.yaml@c72713e' }, { ...f, file: 'official:falco_rules.yaml@c72713e', rule: 'B' }, { ...f, file: 'outside.yaml' }, { ...f, file: 'https://example.com/r.yaml' }];
    copy.inputs.rules = [{ path: 'outside.yaml', sha256: '0', note: OUTSIDE_ROOT_NOTE }];
    const sarif = run(copy) as ReturnType<typeof run> & { invocations: { toolExecutionNotifications: { message: { text: string } }[] }[] };
    expect(sarif.results.map((r) => r.locations[0]!.physicalLocation.artifactLocation.uri)).toEqual([artifactLocation(f.file).uri]);
    expect(sarif.invocations[0]!.toolExecutionNotifications.map((n) => n.message.text)).toEqual(['4 findings about official:falco_rules.yaml@c72713e, outside.yaml, https://example.com/r.yaml are not in this log: no file of the repository, so code scanning could show no alert there (the other outputs have them)']);
    // Three files named, the others counted.
    copy.findings = ['official:a.yaml', 'official:b.yaml', 'official:a.yaml', 'official:c.yaml', 'official:d.yaml', 'official:e.yaml'].map((file) => ({ ...f, file }));
    const many = run(copy) as typeof sarif;
    expect(many.invocations[0]!.toolExecutionNotifications[0]!.message.text).toMatch(/^6 findings about official:a\.yaml, official:b\.yaml, official:c\.yaml and 2 more are not in this log/);
  });
  it(`holds at most ${MAX_SARIF_RESULTS} results (GitHub rejects more), leaving out the least severe first, and says so`, () => {
    const copy = withFinding({});
    const f = copy.findings[0]!;
    copy.findings = [{ ...f, severity: 'info', rule: 'first' }, ...Array.from({ length: MAX_SARIF_RESULTS }, (_, i) => ({ ...f, severity: (i % 2 === 0 ? 'error' : 'warning') as Finding['severity'], rule: `r${i}` })), { ...f, severity: 'warning', rule: 'last' }];
    const sarif = run(copy) as ReturnType<typeof run> & { invocations: { toolExecutionNotifications: { message: { text: string } }[] }[] };
    expect(sarif.results).toHaveLength(MAX_SARIF_RESULTS);
    expect(sarif.results.some((r) => r.level === 'note')).toBe(false);
    // Of the warnings, the last was left out: every r… is kept, in order.
    expect(sarif.results.map((r) => r.locations[0]!.logicalLocations[0]!.name)).toEqual(Array.from({ length: MAX_SARIF_RESULTS }, (_, i) => `r${i}`));
    expect(sarif.invocations[0]!.toolExecutionNotifications[0]!.message.text).toBe(`2 of ${MAX_SARIF_RESULTS + 2} results are not in this log: GitHub code scanning takes at most ${MAX_SARIF_RESULTS} per run, so the least severe were left out`);
    copy.findings = copy.findings.slice(0, MAX_SARIF_RESULTS);
    expect(run(copy).results).toHaveLength(MAX_SARIF_RESULTS);
    expect(run(copy)).not.toHaveProperty('invocations');
  });
  it('the reporter writes 2-space JSON, with baseline states when the report has a comparison', () => {
    const copy = structuredClone(report);
    expect(JSON.parse(sarifReporter.render(copy, { outDir: '/' }))).toEqual(JSON.parse(JSON.stringify(buildSarif(copy))));
    expect(sarifReporter.render(copy, { outDir: '/' })).not.toContain('baselineState');
    copy.comparison = { newFindings: [{ fingerprint: findingFingerprint(copy.findings[1]!) }] } as never;
    const results = (JSON.parse(sarifReporter.render(copy, { outDir: '/' })) as ReturnType<typeof buildSarif>).runs[0]!.results as Result[];
    expect(results.map((r) => r.baselineState).slice(0, 2)).toEqual(['unchanged', 'new']);
  });
});

describe('artifactLocation', () => {
  it('names repository files relative to %SRCROOT%, URI-encoded', () => {
    expect(artifactLocation('rules/a b.yaml')).toEqual({ uri: 'rules/a%20b.yaml', uriBaseId: '%SRCROOT%' });
    // A ':' in the first segment would make the reference a URI with scheme "my-official".
    expect(artifactLocation('my-official:x.yaml')).toEqual({ uri: 'my-official%3Ax.yaml', uriBaseId: '%SRCROOT%' });
  });
  it("keeps '#', '?' and '%' in a file name part of the name, not a fragment, query or escape", () => {
    expect(artifactLocation('rules/falco_rules.yaml#vendor.yaml')).toEqual({ uri: 'rules/falco_rules.yaml%23vendor.yaml', uriBaseId: '%SRCROOT%' });
    expect(artifactLocation('q.yaml?x=1.yaml')).toEqual({ uri: 'q.yaml%3Fx%3D1.yaml', uriBaseId: '%SRCROOT%' });
    expect(artifactLocation('a/100%.yaml')).toEqual({ uri: 'a/100%25.yaml', uriBaseId: '%SRCROOT%' });
    // Read back as a URI relative to a base, each names its own file.
    for (const file of ['rules/falco_rules.yaml#vendor.yaml', 'q.yaml?x=1.yaml', 'a/100%.yaml', 'my-official:x.yaml']) {
      expect(decodeURIComponent(new URL(artifactLocation(file).uri, 'file:///src/').pathname.slice('/src/'.length))).toBe(file);
    }
  });
});

describe('repositoryFileTest', () => {
  it('takes files named relative to the source root, not official rules, URLs or files outside the root', () => {
    const isInRepository = repositoryFileTest([{ path: 'rules/a.yaml' }, { path: 'b.yaml', note: OUTSIDE_ROOT_NOTE }, { path: 'c.yaml', note: 'another note' }, { path: 'rules/d.yaml', note: LINK_OUTSIDE_ROOT_NOTE }]);
    for (const file of ['rules/a.yaml', 'c.yaml', 'official.yaml', 'my-official:x.yaml', 'httpx:y.yaml', 'my-https:z.yaml']) expect(isInRepository(file)).toBe(true);
    for (const file of ['b.yaml', 'rules/d.yaml', 'official:falco_rules.yaml', 'official:falco_rules.yaml@c72713e', 'https://example.com/r.yaml', 'http://example.com/r.yaml']) expect(isInRepository(file)).toBe(false);
  });
});

describe('repositoryLocator', () => {
  it('locates a file at its target (the file a symlink resolves to), any other file at itself', () => {
    const locate = repositoryLocator([{ path: 'rules.d/a.yaml', target: 'common/a #1.yaml' }, { path: 'b.yaml' }]);
    expect([locate('rules.d/a.yaml'), locate('b.yaml'), locate('c.yaml')]).toEqual([artifactLocation('common/a #1.yaml'), artifactLocation('b.yaml'), artifactLocation('c.yaml')]);
  });
  it('is what buildSarif locates findings with', () => {
    const copy = withFinding({ file: 'rules.d/a.yaml' });
    copy.inputs.rules = [{ path: 'rules.d/a.yaml', sha256: '0', target: 'common/a.yaml' }];
    expect(run(copy).results.map((r) => r.locations[0]!.physicalLocation.artifactLocation)).toEqual([{ uri: 'common/a.yaml', uriBaseId: '%SRCROOT%' }]);
    // A link out of the root: left out, as a file outside it is.
    copy.inputs.rules = [{ path: 'rules.d/a.yaml', sha256: '0', note: LINK_OUTSIDE_ROOT_NOTE }];
    expect(run(copy).results).toEqual([]);
  });
  it('names files from the repository\'s top when the source root lies below it (QA: a config in a subfolder), a symlink\'s target too', () => {
    const copy = withFinding({ file: 'rules.d/a.yaml' });
    copy.inputs.rootInRepository = 'deploy/falco team';
    copy.inputs.rules = [{ path: 'rules.d/a.yaml', sha256: '0' }];
    expect(run(copy).results.map((r) => r.locations[0]!.physicalLocation.artifactLocation)).toEqual([{ uri: 'deploy/falco%20team/rules.d/a.yaml', uriBaseId: '%SRCROOT%' }]);
    copy.inputs.rules = [{ path: 'rules.d/a.yaml', sha256: '0', target: 'common/a.yaml' }];
    expect(run(copy).results.map((r) => r.locations[0]!.physicalLocation.artifactLocation.uri)).toEqual(['deploy/falco%20team/common/a.yaml']);
  });
});
