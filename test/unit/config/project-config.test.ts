// .attack-cov.yaml: what it accepts, the file:line:col errors for what it refuses, the starter file, the merge under the command line.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { embeddedAttack } from '../../../src/embedded.js';
import { repoRoot } from '../../helpers/paths.js';
import { mergeConfig } from '../../../src/config/apply-config.js';
import { parseProjectConfig } from '../../../src/config/project-config.js';
import { starterConfig } from '../../../src/config/starter.js';

const parse = (text: string) => parseProjectConfig(text, '.attack-cov.yaml', '/repo');

describe('the project config', () => {
  it('reads every section', () => {
    const config = parse(`rules: [rules/, official:incubating]
attack: 18.1
scope:
  platforms: Linux
threats: [G0096]
outputs: { formats: [heatmap, sarif], out: out, score: priority }
gates: { fail-on: warning, min-coverage: [25, execution=50], max-coverage-drop: 0 }
source-root: .
suppressions:
  - code: [tactic-mismatch, unjustified-tactic]
    file: "rules/*.yaml"
    reason: upstream tags
    until: 2027-01-31
`);
    expect(config).toMatchObject({
      rules: ['rules/', 'official:incubating'], attack: '18.1', platforms: ['Linux'], threats: ['G0096'], formats: ['heatmap', 'sarif'], out: 'out', score: 'priority',
      failOn: 'warning', minCoverage: ['25', 'execution=50'], maxCoverageDrop: '0', sourceRoot: '.',
      suppressions: [{ codes: ['tactic-mismatch', 'unjustified-tactic'], files: ['rules/*.yaml'], reason: 'upstream tags', until: '2027-01-31', file: '.attack-cov.yaml', line: 10, column: 5 }],
    });
  });

  it.each([
    ['rule: x\n', '.attack-cov.yaml:1:1: unknown key "rule"; did you mean "rules"?'],
    ['gates:\n  fail_on: error\n', '.attack-cov.yaml:2:3: unknown key "fail_on" in gates; did you mean "fail-on"?'],
    ['gates:\n  fail-on: sometimes\n', '.attack-cov.yaml:2:12: fail-on must be one of error, warning, info, new, none, not sometimes'],
    ['suppressions:\n  - code: platform-mismatch\n', '.attack-cov.yaml:2:5: a suppression needs a reason: say why the finding is deliberate'],
    ['suppressions:\n  - reason: why\n', '.attack-cov.yaml:2:5: a suppression needs at least one of code, rule, tag, file'],
    ['suppressions:\n  - code: x\n    reason: y\n    until: next year\n', '.attack-cov.yaml:4:12: until must be a date like 2027-01-31, not next year'],
    ['outputs: [heatmap]\n', '.attack-cov.yaml:1:10: outputs must be a mapping'],
    // An unended flow list is named where it opens, not at the end of the file.
    ['rules: [a\n', '.attack-cov.yaml:1:8: YAML syntax error: the flow sequence that starts here does not end with a ] where it should'],
    // A quote left open is named where it opens, as in a rules file, not at the end of the file (QA).
    ['rules: [a.yaml]\noutputs:\n  dir: "reports\n\ngates:\n  fail-on: error\n', '.attack-cov.yaml:3:8: YAML syntax error: the "quoted" string that starts here is not closed'],
    ['suppressions:\n  - code: x\n    reason: y\n    until: 2027-02-30\n', '.attack-cov.yaml:4:12: until must be a date like 2027-01-31, not 2027-02-30'],
    ['suppressions:\n  - code: x\n    reason: y\n    until: 2027-13-01\n', '.attack-cov.yaml:4:12: until must be a date like 2027-01-31, not 2027-13-01'],
    ['gates: {min-coverage: 150}\n', '.attack-cov.yaml:1:23: min-coverage takes a percentage from 0 to 100, not 150'],
    ['gates: {min-coverage: [25, execution=abc]}\n', '.attack-cov.yaml:1:28: min-coverage takes a percentage from 0 to 100, not abc'],
    ['gates: {min-coverage: [25, "=5"]}\n', '.attack-cov.yaml:1:28: min-coverage =5: no tactic before the ='],
    ['gates: {max-coverage-drop: -1}\n', '.attack-cov.yaml:1:28: max-coverage-drop takes percentage points (>= 0), not -1'],
    ['outputs: {formats: [heatmap, nope]}\n', '.attack-cov.yaml:1:30: unknown format: nope; formats: all, json, heatmap'],
    ['outputs: {formats: "csv,nope"}\n', '.attack-cov.yaml:1:20: unknown format: nope; formats'],
    // Every unknown name of one value, listed apart.
    ['outputs: {formats: "nope,csv,naw"}\n', '.attack-cov.yaml:1:20: unknown format: nope, naw; formats'],
  ])('refuses %j', (text, message) => {
    expect(() => parse(text)).toThrow(message);
  });

  it.each([
    ['outputs: {out: ""}\n', '.attack-cov.yaml:1:16: out must be a non-empty text or number'],
    ['outputs: {out: [a]}\n', '.attack-cov.yaml:1:16: out must be a non-empty text or number'],
    ['outputs: {out: }\n', '.attack-cov.yaml:1:16: out must be a non-empty text or number'],
    ['attack: {a: 1}\n', '.attack-cov.yaml:1:9: attack must be a non-empty text or number'],
    ['rules: [[]]\n', '.attack-cov.yaml:1:9: rules must be a non-empty text or number'],
    ['threats: [{}]\n', '.attack-cov.yaml:1:11: threats must be a non-empty text or number'],
    ['source-root: []\n', '.attack-cov.yaml:1:14: source-root must be a non-empty text or number'],
    ['scope: {platforms: [[]]}\n', '.attack-cov.yaml:1:21: platforms must be a non-empty text or number'],
    // A bool is no path, version or name (QA: rules: [true] was read as a file named true, with no line).
    ['rules: [true]\n', '.attack-cov.yaml:1:9: rules must be a non-empty text or number, not true'],
    ['attack: True\n', '.attack-cov.yaml:1:9: attack must be a non-empty text or number, not True'],
    // An empty list would leave the default in silence (QA: rules: [] read the official rules).
    ['rules: []\n', '.attack-cov.yaml:1:8: rules is an empty list'],
    ['threats: []\n', '.attack-cov.yaml:1:10: threats is an empty list'],
    ['outputs: {formats: [[]]}\n', '.attack-cov.yaml:1:21: formats must be a non-empty text or number'],
    ['outputs: {score: []}\n', '.attack-cov.yaml:1:18: score must be a non-empty text or number'],
    ['gates: {fail-on: []}\n', '.attack-cov.yaml:1:18: fail-on must be a non-empty text or number'],
    ['gates: {min-coverage: [[]]}\n', '.attack-cov.yaml:1:24: min-coverage must be a non-empty text or number'],
    ['gates: {max-coverage-drop: []}\n', '.attack-cov.yaml:1:28: max-coverage-drop must be a non-empty text or number'],
    ['suppressions: {a: 1}\n', '.attack-cov.yaml:1:15: suppressions must be a list of entries with code, rule, tag or file, and a reason'],
    ['suppressions:\n  - code: x\n    reason: []\n', '.attack-cov.yaml:3:13: reason must be a non-empty text or number'],
    ['suppressions:\n  - code: x\n    reason: y\n    until: []\n', '.attack-cov.yaml:4:12: until must be a non-empty text or number'],
    ['suppressions:\n  - code: x\n    reason: y\n    until: x2027-01-31\n', '.attack-cov.yaml:4:12: until must be a date like 2027-01-31, not x2027-01-31'],
    ['suppressions:\n  - code: x\n    reason: y\n    until: 2027-01-31x\n', '.attack-cov.yaml:4:12: until must be a date like 2027-01-31, not 2027-01-31x'],
    ['suppressions:\n  - code: [[]]\n    reason: y\n', '.attack-cov.yaml:2:12: code must be a non-empty text or number'],
    ['suppressions:\n  - rule: [[]]\n    reason: y\n', '.attack-cov.yaml:2:12: rule must be a non-empty text or number'],
    ['suppressions:\n  - tag: [[]]\n    reason: y\n', '.attack-cov.yaml:2:11: tag must be a non-empty text or number'],
    ['suppressions:\n  - file: [[]]\n    reason: y\n', '.attack-cov.yaml:2:12: file must be a non-empty text or number'],
    ['- a\n', '.attack-cov.yaml:1:1: the file must be a mapping'],
    ['scope: []\n', '.attack-cov.yaml:1:8: scope must be a mapping'],
    ['outputs: 3\n', '.attack-cov.yaml:1:10: outputs must be a mapping'],
    ['outputs: {out: "  "}\n', '.attack-cov.yaml:1:16: out must be a non-empty text or number'],
    ['? [a]\n: 1\n', '.attack-cov.yaml:1:3: unknown key ""'],
    ['rules: a\nrules: b\n', '.attack-cov.yaml:2:1: YAML syntax error: Map keys must be unique'],
  ])('names the key and the place of a value of the wrong kind: %j', (text, message) => {
    expect(() => parse(text)).toThrow(expect.objectContaining({ message }));
  });

  it('tells how to mend an empty list: name one, or leave the key out for its default', () => {
    expect(() => parse('rules: []\n')).toThrow(expect.objectContaining({ hint: 'name at least one, or leave rules out for the default' }));
  });

  it('suggests a known key only when it is close (3 edits at most), and always lists the known keys', () => {
    const refusal = (text: string) => {
      try {
        parse(text);
      } catch (error) {
        return { message: (error as Error).message, hint: (error as { hint?: string }).hint };
      }
      throw new Error('not refused');
    };
    expect(refusal('zzzzzzzz: 1\n')).toEqual({ message: '.attack-cov.yaml:1:1: unknown key "zzzzzzzz"', hint: 'known keys: rules, attack, attack-sha256, scope, threats, outputs, gates, source-root, suppressions' });
    expect(refusal('outputs: {zzzzzzz: 1}\n')).toEqual({ message: '.attack-cov.yaml:1:11: unknown key "zzzzzzz" in outputs', hint: 'known keys: formats, out, score' });
    expect(refusal('outputs: {fromats: 1}\n').message).toBe('.attack-cov.yaml:1:11: unknown key "fromats" in outputs; did you mean "formats"?');
    // Three edits from "score" and "out" alike: the closest first, and the nearer of a tie by the list's order.
    expect(refusal('outputs: {scxyz: 1}\n').message).toBe('.attack-cov.yaml:1:11: unknown key "scxyz" in outputs; did you mean "score"?');
    expect(refusal('outputs: {scxyzw: 1}\n').message).toBe('.attack-cov.yaml:1:11: unknown key "scxyzw" in outputs');
  });

  it('reads an empty file or one of comments as no settings, and a number as its text', () => {
    expect(parse('')).toEqual({ file: '.attack-cov.yaml', dir: '/repo', suppressions: [], valueAt: {} });
    expect(parse('# only a comment\n')).toEqual({ file: '.attack-cov.yaml', dir: '/repo', suppressions: [], valueAt: {} });
    expect(parse('outputs: {out: 0}\n').out).toBe('0');
  });

  it('takes every format, alias and all, and a leap day in until', () => {
    expect(parse('outputs: {formats: [all, "csv,md", html, navigator, threat-layers, suggestions-csv]}\n').formats).toHaveLength(6);
    expect(parse('outputs: {formats: "json,"}\n').formats).toEqual(['json,']);
    expect(parse('suppressions:\n  - code: x\n    reason: y\n    until: 2028-02-29\n').suppressions[0]!.until).toBe('2028-02-29');
  });

  it('has a starter that validates, with the detected rules or the official ones', () => {
    expect(parse(starterConfig({ paths: ['falco_rules.local.yaml', 'rules.d/'], officialFirst: [] }, '18.1'))).toMatchObject({ rules: ['falco_rules.local.yaml', 'rules.d/'], attack: '18.1', failOn: 'error', formats: ['all'], suppressions: [] });
    // The pin is offered commented out: uncommented, it reads as the sha256 given.
    const withPin = starterConfig({ paths: ['rules.d/'], officialFirst: [] }, '18.1', 'ab'.repeat(32));
    expect(withPin).toContain(`\n# attack-sha256: ${'ab'.repeat(32)}\n`);
    expect(parse(withPin).attackSha256).toBeUndefined();
    expect(parse(withPin.replace('# attack-sha256:', 'attack-sha256:')).attackSha256).toBe('ab'.repeat(32));
    expect(starterConfig({ paths: ['rules.d/'], officialFirst: [] }, '18.1')).not.toContain('attack-sha256');
    // Without rules of the repository: the official rules, gated on error all the same (their own findings are never gated).
    expect(parse(starterConfig({ paths: [], officialFirst: [] }, '18.1'))).toMatchObject({ rules: ['official'], failOn: 'error', suppressions: [] });
    // Rules that load only after the official ones: those come first; nothing to suppress for the gate.
    const afterOfficial = parse(starterConfig({ paths: ['official', 'rules/'], officialFirst: ['official'], skipped: ['rules/falco.yaml'] }, '18.1'));
    expect(afterOfficial).toMatchObject({ rules: ['official', 'rules/'], failOn: 'error', suppressions: [] });
  });

  it('has a starter that reads back to the same file names, whatever they start with or hold', () => {
    // Each first character YAML reserves or gives a meaning, names YAML would read as null, a boolean or a number,
    // and names holding what a line of YAML must not (a line break, controls, a separator).
    const reserved = ['@', '`', '- ', '-', '?', '? ', ':', ': ', '!', '&', '*', '%', '|', '>', '#', "'", '"', '[', ']', '{', '}', ','];
    const names = [
      ...reserved.map((first) => `${first}acme_rules.yaml`),
      '-', 'null', 'true', 'False', '~', '1.5', '0x1F', '1e5', '.inf', 'a #b_rules.yaml', 'a: b_rules.yaml', ' lead_rules.yaml', 'trail_rules.yaml ',
      'x_rules.yaml\nerror: forged\u001b[31m_rules.yaml', 'cr\rtab\t_rules.yaml', 'del\u007f\u0085\u009b_rules.yaml', 'ls\u2028ps\u2029_rules.yaml', '\ufeffbom_rules.yaml',
      'a@b_rules.yaml', 'rules.d/@a.yaml', 'falco-rules/', '日本_rules.yaml',
    ];
    for (const name of names) {
      // Named among the rules and in the comment on what was left out (a line break there would start a line of YAML).
      const config = parse(starterConfig({ paths: [name], officialFirst: [], skipped: [name] }, '18.1'));
      expect(config.rules, JSON.stringify(name)).toEqual([name]);
    }
    // Plain where that reads back the same, as a person would write them.
    expect(starterConfig({ paths: ['falco_rules.local.yaml', 'a@b_rules.yaml', 'rules.d/'], officialFirst: [] }, '18.1')).toContain('rules:\n  - falco_rules.local.yaml\n  - a@b_rules.yaml\n  - rules.d/\n');
  });

  it('lies under the command line: a flag given there wins, paths resolve against the config folder', () => {
    const config = parse('rules: [rules/]\ngates: { fail-on: warning }\noutputs: { out: out }\nthreats: [G0096]\n');
    const fromCli = new Set(['failOn']);
    const merged = mergeConfig({ failOn: 'none', out: 'reports' }, config, { isFromCli: (k) => fromCli.has(k), takes: (k) => k !== 'threat' });
    expect(merged).toMatchObject({ failOn: 'none', out: '/repo/out', rules: ['/repo/rules'], configFile: '.attack-cov.yaml', suppressions: [] });
    expect(merged).not.toHaveProperty('threat');
    // Where the rules it gave are written, for an error about one of them; nothing for what the command line gave.
    expect(merged.configAt).toEqual({ rules: ['.attack-cov.yaml:1:9'] });
  });

  it('keeps where each platform and threat is written, and passes it on only for values the command line did not override', () => {
    const config = parse('scope:\n  platforms: [Linux, "Containers,IaaS"]\nthreats: G0096\n');
    expect(config.valueAt).toEqual({ platforms: ['.attack-cov.yaml:2:15', '.attack-cov.yaml:2:22'], threats: ['.attack-cov.yaml:3:10'] });
    expect(parse('rules: [a]\n').valueAt).toEqual({ rules: ['.attack-cov.yaml:1:9'] });
    expect(parse('gates: {min-coverage: [10, execution=5]}\n').valueAt).toEqual({ minCoverage: ['.attack-cov.yaml:1:24', '.attack-cov.yaml:1:28'] });
    const gated = parse('gates:\n  min-coverage: 25\n');
    expect([gated.minCoverage, gated.valueAt]).toEqual([['25'], { minCoverage: ['.attack-cov.yaml:2:17'] }]);
    // Handed on where the config's value is taken, not where --min-coverage overrides it.
    expect(mergeConfig({}, gated, { isFromCli: () => false, takes: () => true }).configAt).toEqual({ minCoverage: ['.attack-cov.yaml:2:17'] });
    expect(mergeConfig({}, gated, { isFromCli: (k) => k === 'minCoverage', takes: () => true }).configAt).toEqual({});
    expect(parse('scope:\n  platforms: Linux\n').valueAt).toEqual({ platforms: ['.attack-cov.yaml:2:14'] });
    const takes = () => true;
    expect(mergeConfig({}, config, { isFromCli: () => false, takes }).configAt).toEqual({ platform: config.valueAt.platforms, threat: config.valueAt.threats });
    expect(mergeConfig({}, config, { isFromCli: (k) => k === 'platform', takes }).configAt).toEqual({ threat: config.valueAt.threats });
    expect(mergeConfig({}, config, { isFromCli: () => false, takes: (k) => k !== 'threat' }).configAt).toEqual({ platform: config.valueAt.platforms });
  });

  it('reads attack-sha256 in lower case, keeps where it is written, and hands both on unless --attack-sha256 is given', () => {
    const pinned = 'ABCDEF0123456789'.repeat(4);
    const config = parse(`attack: "17.1"\nattack-sha256: ${pinned}\n`);
    expect(config.attackSha256).toBe(pinned.toLowerCase());
    expect(config.valueAt).toEqual({ attack: '.attack-cov.yaml:1:9', attackSha256: '.attack-cov.yaml:2:16' });
    const takes = () => true;
    const merged = mergeConfig({}, config, { isFromCli: () => false, takes });
    expect(merged).toMatchObject({ attack: '17.1', attackSha256: pinned.toLowerCase(), configAt: { attack: '.attack-cov.yaml:1:9', attackSha256: '.attack-cov.yaml:2:16' } });
    const overridden = mergeConfig({ attackSha256: 'a'.repeat(64) }, config, { isFromCli: (k) => k === 'attackSha256', takes });
    expect(overridden.attackSha256).toBe('a'.repeat(64));
    expect(overridden.configAt).toEqual({ attack: '.attack-cov.yaml:1:9' });
    // A command without the option (attack diff) takes neither.
    expect(mergeConfig({}, config, { isFromCli: () => false, takes: (k) => k !== 'attackSha256' && k !== 'attack' })).not.toHaveProperty('attackSha256');
  });

  it("reads the README's example, whose pin is the embedded bundle's sha256", () => {
    const readme = readFileSync(path.join(repoRoot, 'README.md'), 'utf8');
    const example = /## Project configuration[\s\S]*?```yaml\n([\s\S]*?)```/.exec(readme)![1]!;
    const config = parse(example);
    expect(config).toMatchObject({ attack: '18.1', attackSha256: embeddedAttack().sha256, platforms: ['Linux', 'Containers'], threats: ['G0096'] });
  });

  it.each([
    ['attack-sha256: sha256:' + 'a'.repeat(64) + '\n', '.attack-cov.yaml:1:16: expected the 64 hexadecimal digits alone, without "sha256:"'],
    ['attack-sha256: abc\n', '.attack-cov.yaml:1:16: expected a sha256: 64 hexadecimal digits, not "abc" (3 characters)'],
    ['attack-sha256: []\n', '.attack-cov.yaml:1:16: attack-sha256 must be a non-empty text or number'],
    ['attack_sha256: abc\n', '.attack-cov.yaml:1:1: unknown key "attack_sha256"; did you mean "attack-sha256"?'],
  ])('refuses %j', (text, message) => {
    expect(() => parse(text)).toThrow(message);
  });
});
