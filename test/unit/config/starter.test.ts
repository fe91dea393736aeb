// The starter .attack-cov.yaml that `attack-cov init` writes, read as its users read it: through the project's own
// config reader it gives the documented defaults; every commented-out example, uncommented, is a value the reader
// takes, with the value it shows, and together they name every key the reader knows; the choices its comments list
// are the ones the reader accepts; the comments on what init found are there exactly when it found something to say,
// and name each thing; and each key comes with the comment that says what it takes.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CHECKS } from '../../../src/analysis/checks/index.js';
import { configOptionValues } from '../../../src/config/apply-config.js';
import { parseProjectConfig } from '../../../src/config/project-config.js';
import { starterConfig, type StarterRules } from '../../../src/config/starter.js';
import { InputError } from '../../../src/errors.js';
import { isOfficialSpec } from '../../../src/falco/load.js';
import { readIgnoreComments } from '../../../src/falco/ignore-comments.js';
import { yamlLib } from '../../../src/falco/yaml-lib.js';
import { thrown } from '../../helpers/errors.js';
import { embedded, repoRoot } from '../../helpers/paths.js';

const CONFIG = '.attack-cov.yaml';
const SHA256 = 'ab'.repeat(32);
const RULES_HERE: StarterRules = { paths: ['rules/'], officialFirst: [] };

const parse = (text: string) => parseProjectConfig(text, CONFIG, '/repo');
const lines = (text: string) => text.split('\n');

/** What the reader says about `text` when it refuses it. */
const refusal = (text: string) => thrown(() => parse(text), InputError);

/** The keys the reader knows at a place, as its refusal of an unknown key there lists them. */
const knownKeys = (text: string): string[] => /^known keys: (.*)$/.exec(refusal(text).hint!)![1]!.split(', ');

/** The words a reader's "must be one of a, b, c, not x" lists. */
const oneOf = (text: string): string[] => /must be one of (.*), not /.exec(refusal(text).message)![1]!.split(', ');

/** The choices a comment lists, "a, b (note) or c", without the notes. */
const choices = (comment: string): string[] => comment.replace(/\s*\([^)]*\)/g, '').split(/, | or /);

/** A commented-out key line: `# key: value`, `  # key: value`, `#  - key: value` (the comment's own `# ` goes). */
const COMMENTED_KEY = /^(\s*)# ?((?:\s*- )?\s*[a-z][a-z0-9-]*:(?: |$).*)$/;

/** The starter with every commented-out key uncommented, the example suppression in place of the empty list. */
const uncommented = (text: string): string =>
  lines(text)
    .map((line) => line.replace(COMMENTED_KEY, '$1$2'))
    .join('\n')
    .replace('\nsuppressions: []\n', '\nsuppressions:\n');

/** Each key line of `text` (commented out or not), in order, with the comment lines right above it. */
function keysWithComments(text: string): [string, string[]][] {
  const entries: [string, string[]][] = [];
  let above: string[] = [];
  for (const line of lines(text)) {
    const key = /^\s*(?:# ?)?\s*(?:- )?([a-z][a-z0-9-]*):(?: |$)/.exec(line)?.[1];
    if (key !== undefined) {
      entries.push([key, above]);
      above = [];
    } else if (line.startsWith('#')) above.push(line);
    else above = [];
  }
  return entries;
}

/** The lines of the rules section after its first comment, up to the blank line that ends it. */
function rulesSection(found: StarterRules): string[] {
  const all = lines(starterConfig(found, '18.1'));
  const start = all.findIndex((line) => line.startsWith('# Falco rules files or directories'));
  return all.slice(start + 1, all.indexOf('', start));
}

/** 1-based number of the line of `text` that starts with `prefix`. */
const lineOf = (text: string, prefix: string): number => lines(text).findIndex((line) => line.startsWith(prefix)) + 1;

describe('the starter config', () => {
  it('reads back as the rules found, the ATT&CK version given, every output format into reports/, and the error gate', () => {
    const text = starterConfig(RULES_HERE, '18.1');
    const at = (prefix: string, column: number) => `${CONFIG}:${lineOf(text, prefix)}:${column}`;
    const expected = { file: CONFIG, dir: '/repo', rules: ['rules/'], attack: '18.1', formats: ['all'], out: 'reports', failOn: 'error', suppressions: [], valueAt: { rules: [at('  - rules/', 5)], attack: at('attack:', 9) } };
    expect(parse(starterConfig(RULES_HERE, '18.1'))).toEqual(expected);
    // The pin is offered, commented out: it does not pin until uncommented.
    expect(parse(starterConfig(RULES_HERE, '18.1', SHA256))).toEqual(expected);
  });

  it('has every commented-out example read, uncommented, as the value it shows', () => {
    const text = uncommented(starterConfig(RULES_HERE, '18.1', SHA256));
    const at = (prefix: string, column: number) => `${CONFIG}:${lineOf(text, prefix)}:${column}`;
    expect(parse(text)).toEqual({
      file: CONFIG,
      dir: '/repo',
      rules: ['rules/'],
      attack: '18.1',
      attackSha256: SHA256,
      platforms: ['Linux', 'Containers'],
      threats: ['G0096', 'S0601'],
      formats: ['all'],
      out: 'reports',
      score: 'count',
      failOn: 'error',
      minCoverage: ['25', 'execution=50'],
      maxCoverageDrop: '0',
      sourceRoot: '.',
      suppressions: [
        {
          codes: ['platform-mismatch'],
          rules: ['Contact EC2 Instance Metadata Service From Container'],
          reason: 'watches IMDS from containers; T1552.005 is the technique it serves',
          until: '2027-01-31',
          file: CONFIG,
          line: lineOf(text, ' - code:'),
          column: 4,
        },
      ],
      valueAt: {
        rules: [at('  - rules/', 5)],
        attack: at('attack:', 9),
        minCoverage: [at('  min-coverage:', 18), at('  min-coverage:', 22)],
        attackSha256: at('attack-sha256:', 16),
        platforms: [at('  platforms:', 15), at('  platforms:', 22)],
        threats: [at('threats:', 11), at('threats:', 18)],
      },
    });
  });

  it('names every key the reader knows, set or commented out, in the order the reader lists them', () => {
    const text = starterConfig(RULES_HERE, '18.1', SHA256);
    const values = yamlLib().parse(uncommented(text)) as Record<string, Record<string, unknown>> & { suppressions: Record<string, unknown>[] };
    expect(Object.keys(values)).toEqual(knownKeys('zz: 1\n'));
    expect(Object.keys(values.scope!)).toEqual(knownKeys('scope: {zz: 1}\n'));
    expect(Object.keys(values.outputs!)).toEqual(knownKeys('outputs: {zz: 1}\n'));
    expect(Object.keys(values.gates!)).toEqual(knownKeys('gates: {zz: 1}\n'));
    // A suppression's criteria are named in the comment above it (all of them: the reader needs one at least); the
    // example shows two, with the reason and the until it takes.
    const criteria = choices(/ Criteria: (.*?); all given must match\./.exec(text)![1]!);
    expect(criteria).toEqual(/needs at least one of (.*)$/.exec(refusal('suppressions:\n  - reason: why\n').message)![1]!.split(', '));
    expect(criteria).toEqual(['code', 'rule', 'tag', 'file']);
    expect(Object.keys(values.suppressions[0]!)).toEqual(['code', 'rule', 'reason', 'until']);
    expect([...new Set([...criteria, ...Object.keys(values.suppressions[0]!)])].sort()).toEqual(knownKeys('suppressions: [{zz: 1}]\n').sort());
  });

  it('lists as the choices of score and fail-on the values the reader takes, the one it sets among them', () => {
    const text = starterConfig(RULES_HERE, '18.1');
    const score = /^ {2}# score: (\w+) +# Navigator layer score: (.*)$/m.exec(text)!;
    expect(choices(score[2]!)).toEqual(oneOf('outputs: {score: x}\n'));
    expect(choices(score[2]!)).toContain(score[1]);
    const failOn = /^ {2}fail-on: (\w+) +# (.*?); the official rules' own findings are not counted$/m.exec(text)!;
    expect(choices(failOn[2]!)).toEqual(oneOf('gates: {fail-on: x}\n'));
    expect(choices(failOn[2]!)).toContain(failOn[1]);
  });

  it('names as examples of the embedded rules specs the loader takes as official', () => {
    const comment = /^# Falco rules files or directories, loaded in this order \((.*) … name the embedded ones\)\.$/m.exec(starterConfig(RULES_HERE, '18.1'))!;
    expect(comment[1]!.split(', ')).toEqual(['official', 'official:all']);
    expect(comment[1]!.split(', ').every(isOfficialSpec)).toBe(true);
  });

  it('shows a suppression that would suppress something: known finding codes, a rule of the embedded official rules', () => {
    const text = starterConfig(RULES_HERE, '18.1');
    const codes = new Set(CHECKS.map((check) => check.code));
    const [entry] = parse(uncommented(text)).suppressions;
    expect(entry!.codes!.every((code) => codes.has(code))).toBe(true);
    const incubating = readFileSync(embedded('falco-rules', 'falco-incubating_rules.yaml'), 'utf8');
    expect(lines(incubating)).toContain(`- rule: ${entry!.rules![0]}`);
    // The comment that does the same in a rules file, on the rule's line, is one attack-cov reads, for the same code.
    const inSource = /^# In a rules file, a comment on the rule or tag line does the same: (# attack-cov-ignore .*)$/m.exec(text)![1]!;
    const ruleLine = `- rule: ${entry!.rules![0]}  `;
    expect(readIgnoreComments(`${ruleLine}${inSource}\n`, 'rules.yaml')).toEqual([
      { file: 'rules.yaml', line: 1, column: ruleLine.length + 1, targetLine: 1, codes: ['platform-mismatch'], reason: 'why' },
    ]);
  });

  // QA: the comment said the default was the git work tree holding the rules, which is --source-root's without a
  // config; with one, outputs name files relative to the config's folder (README: Project configuration).
  it('gives as the default source root the one a config without source-root has: its own folder, as the example `.`', () => {
    const text = starterConfig(RULES_HERE, '18.1');
    expect(configOptionValues(parse(text)).sourceRoot).toBe('/repo');
    expect(configOptionValues(parse(uncommented(text))).sourceRoot).toBe('/repo');
    expect(lines(text)[lines(text).indexOf('# source-root: .') - 1]).toBe('# The folder outputs name files relative to (default: the one this file is in, as `.` below).');
  });

  // The exact words matter: they are what a user reads on opening the file, and the README's "Project configuration"
  // says the same. Each key comes right after the comment that explains it (none for the self-explaining ones).
  it('opens by saying what the file is, where it is found, that flags override it and that its paths are relative to it', () => {
    const text = starterConfig(RULES_HERE, '18.1');
    expect(lines(text).slice(0, 4)).toEqual([
      '# attack-cov project configuration (README: Project configuration).',
      '# Found from the working directory upward; flags on the command line override every value.',
      '# Paths are relative to this file.',
      '',
    ]);
    const section = /\(README: (.*)\)\.$/m.exec(text)![1]!;
    expect(lines(readFileSync(path.join(repoRoot, 'README.md'), 'utf8'))).toContain(`## ${section}`);
  });

  it('introduces each key with the comment that says what it takes, in the order of the file', () => {
    expect(keysWithComments(starterConfig(RULES_HERE, '18.1', SHA256))).toEqual([
      ['rules', ['# Falco rules files or directories, loaded in this order (official, official:all … name the embedded ones).']],
      ['attack', ['# ATT&CK Enterprise: a version, latest, a bundle file or an https:// URL.']],
      ['attack-sha256', ["# Pin the bundle: any other is refused (this is the embedded one's; a report.json says a bundle's as inputs.attack.sha256)."]],
      ['scope', ["# ATT&CK platforms in scope (default: what the rules' sources can observe)."]],
      ['platforms', []],
      ['threats', ['# Threat profiles (groups, software, campaigns) the coverage is weighed against (consumed by --threat).']],
      ['outputs', []],
      ['formats', []],
      ['out', []],
      ['score', []],
      ['gates', []],
      ['fail-on', []],
      ['min-coverage', []],
      ['max-coverage-drop', []],
      ['source-root', ['# The folder outputs name files relative to (default: the one this file is in, as `.` below).']],
      [
        'suppressions',
        [
          '# Deliberate findings, each with a reason. Criteria: code, rule (* wildcards), tag, file (glob); all given must match.',
          '# A suppression past `until` stops suppressing and is reported; one that matches nothing is reported too.',
          '# In a rules file, a comment on the rule or tag line does the same: # attack-cov-ignore platform-mismatch: why',
        ],
      ],
      ['code', []],
      ['rule', []],
      ['reason', []],
      ['until', []],
    ]);
    // Without a sha256 to pin, neither the pin nor its comment.
    expect(keysWithComments(starterConfig(RULES_HERE, '18.1')).map(([key]) => key)).not.toContain('attack-sha256');
    expect(starterConfig(RULES_HERE, '18.1')).not.toContain('# Pin the bundle');
  });
});

describe('the starter config’s rules', () => {
  it('says when no rules files were found, and names the official rules instead', () => {
    const section = rulesSection({ paths: [], officialFirst: [] });
    expect(section).toEqual(['# No Falco rules files were found here; the embedded official rules stand in until you name yours.', 'rules:', '  - official']);
    expect(parse(section.join('\n')).rules).toEqual(['official']);
  });

  it.each([
    ['nothing left out given', RULES_HERE],
    ['nothing left out', { ...RULES_HERE, skipped: [] }],
  ])('names only the rules found when they load alone and nothing was left out (%s)', (_what, found) => {
    expect(rulesSection(found)).toEqual(['rules:', '  - rules/']);
  });

  it('says which official rules come first and why, and which YAML files it left out, naming each one', () => {
    const found = { paths: ['official', 'official:k8saudit', 'rules/'], officialFirst: ['official', 'official:k8saudit'], skipped: ['rules/falco.yaml', 'rules/values.yaml'] };
    const section = rulesSection(found);
    expect(section).toEqual([
      '# official, official:k8saudit first: the rules here append to, override or disable lists, macros or rules defined there.',
      '# Left out, not rules files: rules/falco.yaml, rules/values.yaml.',
      'rules:',
      '  - official',
      '  - "official:k8saudit"',
      '  - rules/',
    ]);
    // Read back from the comments: the names first are the head of the rules, and the files left out are the ones given.
    const first = /^# (.*) first: /.exec(section[0]!)![1]!.split(', ');
    expect(first).toEqual(found.officialFirst);
    expect(parse(section.join('\n')).rules!.slice(0, first.length)).toEqual(first);
    expect(/^# Left out, not rules files: (.*)\.$/.exec(section[1]!)![1]!.split(', ')).toEqual(found.skipped);
  });

  it('says so for the official rules first alone, or the files left out alone', () => {
    expect(rulesSection({ paths: ['official:all', 'rules/'], officialFirst: ['official:all'] })).toEqual([
      '# official:all first: the rules here append to, override or disable lists, macros or rules defined there.',
      'rules:',
      '  - "official:all"',
      '  - rules/',
    ]);
    expect(rulesSection({ paths: ['rules/a_rules.yaml'], officialFirst: [], skipped: ['rules/falco.yaml'] })).toEqual([
      '# Left out, not rules files: rules/falco.yaml.',
      'rules:',
      '  - rules/a_rules.yaml',
    ]);
  });
});
