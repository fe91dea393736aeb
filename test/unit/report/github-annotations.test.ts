// lint --format github: the findings as GitHub Actions workflow commands, read back here as the runner reads them (the
// command, its properties split at commas, the message after the second `::`, each unescaped), so the tests see what
// GitHub would annotate: one command per finding whatever the rules' text holds, on the file of the repository, at the
// finding's line and column; findings about other files counted in one notice.
import { describe, expect, it } from 'vitest';
import type { CoverageReport, Finding } from '../../../src/coverage-report.js';
import { escapeData, escapeProperty, githubAnnotations, inputErrorCommand, validationAnnotations } from '../../../src/report/github-annotations.js';
import { InputError } from '../../../src/errors.js';
import type { ValidationIssue } from '../../../src/validate/types.js';
import { LINK_OUTSIDE_ROOT_NOTE, OUTSIDE_ROOT_NOTE } from '../../../src/source-root.js';

type Inputs = Pick<CoverageReport, 'inputs'>;
const inputs = (rules: CoverageReport['inputs']['rules']): Inputs => ({ inputs: { attack: { version: '18.1', domain: 'enterprise-attack', stixVersion: '2.1', source: 'x', sha256: 'x' }, rules, rulesOrigin: 'option' } });
const REPORT = inputs([{ path: 'rules/a.yaml', sha256: 'x' }]);

const finding = (patch: Partial<Finding> = {}): Finding => ({
  code: 'tactic-mismatch',
  severity: 'error',
  rule: 'Run shell',
  file: 'rules/a.yaml',
  line: 12,
  column: 40,
  tag: 'T1059',
  message: 'T1059 belongs to execution, but the rule\'s tactic tags name persistence',
  ...patch,
});

/** The runner's reading of @actions/core's escaping. */
const unescapeData = (text: string) => text.replace(/%0D/g, '\r').replace(/%0A/g, '\n').replace(/%25/g, '%');
const unescapeProperty = (text: string) => unescapeData(text.replace(/%3A/g, ':').replace(/%2C/g, ','));

/** Each line as the runner takes a workflow command: `::name props::data`; a line that is none is an error here. */
function commands(output: string): { name: string; props: Record<string, string>; message: string }[] {
  expect(output === '' || output.endsWith('\n')).toBe(true);
  return output.split('\n').slice(0, -1).map((line) => {
    const match = /^::([a-z]+)(?: ([^:]*))?::(.*)$/.exec(line);
    expect(match, line).not.toBeNull();
    const props = Object.fromEntries((match![2] ?? '').split(',').filter(Boolean).map((p) => {
      const at = p.indexOf('=');
      return [p.slice(0, at), unescapeProperty(p.slice(at + 1))];
    }));
    return { name: match![1]!, props, message: unescapeData(match![3]!) };
  });
}

describe('escapeData and escapeProperty (as @actions/core escapes, as the runner unescapes)', () => {
  it('escape %, CR and LF in a message, and : and , besides in a property', () => {
    expect(escapeData('50% a\r\nb: c, d')).toBe('50%25 a%0D%0Ab: c, d');
    expect(escapeProperty('50% a\r\nb: c, d')).toBe('50%25 a%0D%0Ab%3A c%2C d');
    // % first: an escape already in the text is escaped again, and reads back as written.
    expect(unescapeData(escapeData('%0A%25'))).toBe('%0A%25');
    expect(unescapeProperty(escapeProperty('%3A,:%2C'))).toBe('%3A,:%2C');
  });
});

describe('githubAnnotations', () => {
  it('writes one command per finding: error, warning and notice (info), file, line, column and the code as its title', () => {
    const findings = [finding(), finding({ severity: 'warning', code: 'unjustified-tactic', line: 3, column: 1, message: 'tactic x is tagged' }), finding({ severity: 'info', code: 'untagged-rule', tag: undefined, line: 7, column: 3, message: 'no tag' })];
    const output = githubAnnotations(REPORT, findings);
    expect(output).toBe(
      "::error file=rules/a.yaml,line=12,col=40,title=attack-cov tactic-mismatch::T1059 belongs to execution, but the rule's tactic tags name persistence (rule \"Run shell\")\n"
      + '::warning file=rules/a.yaml,line=3,col=1,title=attack-cov unjustified-tactic::tactic x is tagged (rule "Run shell")\n'
      + '::notice file=rules/a.yaml,line=7,col=3,title=attack-cov untagged-rule::no tag (rule "Run shell")\n',
    );
    expect(commands(output).map((c) => c.name)).toEqual(['error', 'warning', 'notice']);
  });

  it('names files from the repository\'s top: under the source root\'s folder there, when report.json has one (QA)', () => {
    const report = { inputs: { ...REPORT.inputs, rootInRepository: 'deploy/falco' } };
    expect(commands(githubAnnotations(report, [finding()]))[0]!.props.file).toBe('deploy/falco/rules/a.yaml');
    const issue: ValidationIssue = { severity: 'error', code: 'x', item: 'rule R', message: 'm', file: 'rules/a.yaml', line: 2, column: 3 };
    expect(commands(validationAnnotations([issue], REPORT.inputs.rules, [], 'deploy/falco'))[0]!.props.file).toBe('deploy/falco/rules/a.yaml');
  });

  it('marks the tag alone where the finding knows its end: GitHub\'s endColumn is the tag\'s last column', () => {
    // T1059 at columns 40–44: the finding's endColumn (SARIF's, the column after it) is 45.
    expect(githubAnnotations(REPORT, [finding({ endColumn: 45, message: 'm' })])).toBe('::error file=rules/a.yaml,line=12,col=40,endColumn=44,title=attack-cov tactic-mismatch::m (rule "Run shell")\n');
    // A one-character tag is col=endColumn, as GitHub reads an annotation without endColumn.
    expect(commands(githubAnnotations(REPORT, [finding({ column: 7, endColumn: 8 })]))[0]!.props).toMatchObject({ col: '7', endColumn: '7' });
  });

  it('says the fix where the finding has one', () => {
    const [command] = commands(githubAnnotations(REPORT, [finding({ fix: { tag: 'mitre_persistence', with: ['mitre_execution'] } })]));
    expect(command!.message).toBe('T1059 belongs to execution, but the rule\'s tactic tags name persistence (rule "Run shell"); fix: replace mitre_persistence with mitre_execution');
  });

  it('writes nothing for no findings', () => {
    expect(githubAnnotations(REPORT, [])).toBe('');
  });

  it('keeps the rules\' text inside its command: a line break, a `::`, a % escape, commas and colons in a rule or file name', () => {
    // QA-style hostile names: a rule name that would start a command of its own on the next line, a file name that would
    // end the file property early and add a line= of its own.
    const rule = 'x\n::error file=evil.yaml,line=1::pwned %0A\r::add-mask::';
    const file = 'rules/team,line=1:a%2C.yaml';
    const output = githubAnnotations(inputs([{ path: file, sha256: 'x' }]), [finding({ rule, file, message: 'tag "a\nb" 100%' })]);
    expect(output.split('\n')).toHaveLength(2);
    const [command] = commands(output);
    expect(command!.props).toEqual({ file, line: '12', col: '40', title: 'attack-cov tactic-mismatch' });
    // The message as the listing shows it: control characters written as escapes, the text otherwise as it is.
    expect(command!.message).toBe('tag "a\\nb" 100% (rule "x\\n::error file=evil.yaml,line=1::pwned %0A\\r::add-mask::")');
  });

  it('says a path that begins with = in the message, without file=: the runner may drop a value\'s leading =', () => {
    // The runner splits `file==x.yaml` at its first = with .NET's RemoveEmptyEntries, and no escape stands for =: it
    // would annotate x.yaml, a file that is not there, or another file of that name. At the run instead, named in full.
    const file = '=team.yaml';
    const [command] = commands(githubAnnotations(inputs([{ path: file, sha256: 'x' }]), [finding({ file, message: 'm' })]));
    expect(command).toEqual({ name: 'error', props: { title: 'attack-cov tactic-mismatch' }, message: '=team.yaml:12:40: m (rule "Run shell")' });
    // An = further on is kept in the property, as the runner keeps it.
    expect(commands(githubAnnotations(inputs([{ path: 'a=b.yaml', sha256: 'x' }]), [finding({ file: 'a=b.yaml' })]))[0]!.props.file).toBe('a=b.yaml');
    expect(commands(inputErrorCommand(new InputError('=r.yaml:3:4', 'bad')))[0]).toEqual({ name: 'error', props: { title: 'attack-cov cannot read' }, message: '=r.yaml:3:4: bad' });
  });

  it('says a path holding what a terminal acts on in the message, escaped, without file= (QA: ESC[8m reached the log raw)', () => {
    // Colour and conceal sequences pass the output's last guard (they are how attack-cov colours its own text), so a
    // file name must not bring one: escaped, it names no file of the repository, so the annotation lands on the run.
    for (const file of ['rules/a\u001b[8mb.yaml', 'rules/a\u001b[31mb.yaml', 'rules/a\u0007b.yaml', 'rules/a\u202eb.yaml']) {
      const output = githubAnnotations(inputs([{ path: file, sha256: 'x' }]), [finding({ file, message: 'm' })]);
      expect(output).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f\u202e]/);
      const [command] = commands(output);
      expect(command!.props, JSON.stringify(file)).toEqual({ title: 'attack-cov tactic-mismatch' });
      expect(command!.message).toMatch(/^rules\/a\\(u001b|u0007|u202e).*b\.yaml:12:40: m \(rule "Run shell"\)$/);
    }
    const error = inputErrorCommand(new InputError('r/a\u001b[31mb.yaml:3:1', 'YAML syntax error'));
    expect(error).not.toContain('\u001b');
    expect(commands(error)[0]).toEqual({ name: 'error', props: { title: 'attack-cov cannot read' }, message: 'r/a\\u001b[31mb.yaml:3:1: YAML syntax error' });
  });

  it('cuts a long rule name as the SARIF messages do', () => {
    const [command] = commands(githubAnnotations(REPORT, [finding({ rule: 'r'.repeat(5000), message: 'm' })]));
    expect(command!.message).toBe(`m (rule "${'r'.repeat(299)}…")`);
  });

  it('annotates a symlink\'s finding at the file of the repository it points to', () => {
    const report = inputs([{ path: 'link.yaml', sha256: 'x', target: 'rules/real.yaml' }]);
    expect(commands(githubAnnotations(report, [finding({ file: 'link.yaml' })]))[0]!.props.file).toBe('rules/real.yaml');
  });

  it('counts findings about files that are none of the repository\'s in one notice, without a file', () => {
    const report = inputs([
      { path: 'rules/a.yaml', sha256: 'x' },
      { path: 'outside.yaml', sha256: 'x', note: OUTSIDE_ROOT_NOTE },
      { path: 'link-out.yaml', sha256: 'x', note: LINK_OUTSIDE_ROOT_NOTE },
    ]);
    const findings = [finding(), finding({ file: 'official:falco_rules.yaml@c72713e' }), finding({ file: 'https://example.com/r.yaml' }), finding({ file: 'outside.yaml' }), finding({ file: 'link-out.yaml' }), finding({ file: 'official:falco_rules.yaml@c72713e', line: 2 })];
    // The notice first: GitHub annotates the first 10 notices of a step.
    const [notice, first, ...rest] = commands(githubAnnotations(report, findings));
    expect(first!.props.file).toBe('rules/a.yaml');
    expect(notice).toEqual({ name: 'notice', props: { title: 'attack-cov' }, message: '5 findings about official:falco_rules.yaml@c72713e, https://example.com/r.yaml, outside.yaml and 1 more are not annotated: no file of the repository (--format stylish or json lists them)' });
    expect(rest).toEqual([]);
    expect(commands(githubAnnotations(report, [finding({ file: 'outside.yaml' })]))).toEqual([{ name: 'notice', props: { title: 'attack-cov' }, message: '1 finding about outside.yaml is not annotated: no file of the repository (--format stylish or json lists them)' }]);
  });

  it('says first how many of each kind GitHub will only log: past 10 errors, 10 warnings, or the notices left beside its own', () => {
    const many = (n: number, severity: Finding['severity']) => Array.from({ length: n }, (_, i) => finding({ severity, line: i + 1 }));
    const elsewhere = finding({ file: 'official:falco_rules.yaml@c72713e' });
    const noticesOf = (findings: Finding[]) => commands(githubAnnotations(REPORT, findings)).filter((c) => c.props.title === 'attack-cov').map((c) => c.message);
    const limit = (logged: string) => `GitHub annotates at most 10 errors, 10 warnings and 10 notices per step; in this step's log only: ${logged} (--format json has them all)`;
    // At the limits: nothing to say. 9 info findings and the notice about the official rules' findings make 10 notices.
    expect(noticesOf([...many(10, 'error'), ...many(10, 'warning'), ...many(10, 'info')])).toEqual([]);
    expect(noticesOf([...many(9, 'info'), elsewhere])).toHaveLength(1);
    // One past: the limit's own notice takes a notice's place too.
    expect(noticesOf([...many(11, 'error'), ...many(10, 'warning')])).toEqual([limit('1 of 11 errors')]);
    expect(noticesOf([...many(10, 'error'), ...many(12, 'warning'), ...many(9, 'info')])).toEqual([limit('2 of 12 warnings')]);
    expect(noticesOf([...many(11, 'info')])).toEqual([limit('2 of 11 info findings')]);
    expect(noticesOf([...many(10, 'info'), elsewhere])[1]).toBe(limit('2 of 10 info findings'));
    const all = commands(githubAnnotations(REPORT, [...many(11, 'error'), ...many(11, 'warning'), ...many(9, 'info'), elsewhere]));
    expect(all.slice(0, 2).map((c) => c.message)).toEqual([expect.stringMatching(/^1 finding about official/), limit('1 of 11 errors, 1 of 11 warnings, 1 of 9 info findings')]);
    expect(all).toHaveLength(2 + 31);
  });

  it('puts what lint has to say first, as notices that count toward the 10 (what -q left out that fails the gate)', () => {
    const said = [{ severity: 'info' as const, text: '1 warning at or above --fail-on warning (not listed with -q)' }];
    const output = commands(githubAnnotations(REPORT, [finding()], said));
    expect(output.map((c) => [c.name, c.props.title, c.message.slice(0, 9)])).toEqual([['notice', 'attack-cov', '1 warning'], ['error', 'attack-cov tactic-mismatch', 'T1059 bel']]);
    // 9 info findings and lint's notice make 10 notices; with 10, lint's notice and the limit's leave room for 8.
    const infos = Array.from({ length: 10 }, () => finding({ severity: 'info' }));
    expect(commands(githubAnnotations(REPORT, infos, said))[1]!.message).toMatch(/in this step's log only: 2 of 10 info findings /);
    expect(commands(githubAnnotations(REPORT, infos.slice(1), said)).filter((c) => c.props.title === 'attack-cov')).toHaveLength(1);
  });

});

describe('validationAnnotations', () => {
  const issue = (patch: Partial<ValidationIssue> = {}): ValidationIssue => ({ code: 'unknown-field', severity: 'error', file: 'rules/a.yaml', line: 2, column: 3, item: 'm', message: 'condition 1:1: unknown field proc.nam', ...patch });
  const FILES = [{ path: 'rules/a.yaml' }];

  it('says an issue as the listing does, [item] and sentence, at its place', () => {
    expect(validationAnnotations([issue(), issue({ severity: 'warning', code: 'no-event-type', line: 9, item: 'r', message: 'every event' })], FILES)).toBe(
      '::error file=rules/a.yaml,line=2,col=3,title=attack-cov unknown-field::[m] condition 1:1: unknown field proc.nam\n'
      + '::warning file=rules/a.yaml,line=9,col=3,title=attack-cov no-event-type::[r] every event\n',
    );
  });

  it('cuts the item\'s name at 300 characters and the sentence at 1,000, and counts the others\' issues as issues', () => {
    const [command] = commands(validationAnnotations([issue({ item: 'i'.repeat(400), message: 'x'.repeat(1200) })], FILES));
    expect(command!.message).toBe(`[${'i'.repeat(299)}…] ${'x'.repeat(999)}…`);
    expect(commands(validationAnnotations([issue({ file: 'official:falco_rules.yaml@c72713e' })], FILES, [{ severity: 'info', text: 'said' }]))).toEqual([
      { name: 'notice', props: { title: 'attack-cov' }, message: 'said' },
      { name: 'notice', props: { title: 'attack-cov' }, message: '1 issue about official:falco_rules.yaml@c72713e is not annotated: no file of the repository (--format stylish or json lists them)' },
    ]);
  });

  it('puts the run\'s own error or warning first, counted in its kind: Falco\'s refusal is never the one GitHub only logs', () => {
    const falco = { severity: 'error' as const, about: 'falco -V', text: 'falco -V: INVALID\nLOAD_ERR' };
    const errors = Array.from({ length: 10 }, (_, i) => issue({ line: i + 1 }));
    const all = commands(validationAnnotations(errors, FILES, [falco]));
    expect(all[0]).toEqual({ name: 'error', props: { title: 'attack-cov falco -V' }, message: 'falco -V: INVALID\nLOAD_ERR' });
    // 10 issues and Falco's error: 11 errors, the last issue only in the log, and said so.
    expect(all[1]!.message).toMatch(/in this step's log only: 1 of 10 errors /);
    expect(all).toHaveLength(12);
    expect(commands(validationAnnotations(errors.slice(1), FILES, [falco])).filter((c) => c.name === 'notice')).toEqual([]);
    const warning = { severity: 'warning' as const, about: 'falco -V', text: 'falco -V did not answer within 120 s; only the offline checks count' };
    expect(commands(validationAnnotations(Array.from({ length: 10 }, () => issue({ severity: 'warning' })), FILES, [warning]))[1]!.message).toMatch(/log only: 1 of 10 warnings /);
  });
});

describe('inputErrorCommand', () => {
  it('puts an input the command could not read at its place when it is a path of the repository, with the hint', () => {
    expect(inputErrorCommand(new InputError('rules/a.yaml:3:1', 'YAML syntax error: unclosed', 'close the quote'))).toBe('::error file=rules/a.yaml,line=3,col=1,title=attack-cov cannot read::YAML syntax error: unclosed (close the quote)\n');
    expect(inputErrorCommand(new InputError('rules/a,b.yaml', 'not UTF-8'))).toBe('::error file=rules/a%2Cb.yaml,title=attack-cov cannot read::not UTF-8\n');
    // Lines and columns of several digits; a colon inside a file name of the repository is no scheme.
    expect(inputErrorCommand(new InputError('rules/team:a.yaml:123:45', 'x'))).toBe('::error file=rules/team%3Aa.yaml,line=123,col=45,title=attack-cov cannot read::x\n');
  });
  it('names the file where `locate` places it from the repository\'s top (a project config in a subfolder), else as it is', () => {
    const locate = (file: string) => (file === 'elsewhere.yaml' ? undefined : `deploy/falco/${file}`);
    expect(inputErrorCommand(new InputError('rules/a.yaml:3:1', 'broken'), locate)).toBe('::error file=deploy/falco/rules/a.yaml,line=3,col=1,title=attack-cov cannot read::broken\n');
    expect(inputErrorCommand(new InputError('elsewhere.yaml:3:1', 'broken'), locate)).toBe('::error file=elsewhere.yaml,line=3,col=1,title=attack-cov cannot read::broken\n');
    // A place the runner could not read back: it goes into the message.
    expect(inputErrorCommand(new InputError('a.yaml:3:1', 'broken'), () => 'odd\nfolder/a.yaml')).toBe(`::error title=attack-cov cannot read::${escapeData('a.yaml:3:1: broken')}\n`);
  });
  it('puts it nowhere, its location said in the message, when it is no path of the repository', () => {
    for (const location of ['/tmp/x.yaml:3:1', '../up.yaml', 'official:falco_rules.yaml@c72713e', 'https://example.com/r.yaml', '']) {
      const line = inputErrorCommand(new InputError(location, 'broken'));
      expect(line, location).toBe(`::error title=attack-cov cannot read::${escapeData(`${location}: broken`)}\n`);
    }
  });
  it('keeps the error\'s text inside its command', () => {
    const [command] = commands(inputErrorCommand(new InputError('r.yaml:1:1', 'a\n::error::forged 100%')));
    expect(command).toEqual({ name: 'error', props: { file: 'r.yaml', line: '1', col: '1', title: 'attack-cov cannot read' }, message: 'a\\n::error::forged 100%' });
  });
});
