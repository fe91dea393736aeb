// gates.ts: the CI gates (--fail-on, --min-coverage, --max-coverage-drop) on hand-made reports: each
// gate's pass/fail at and around its threshold, the sentence it prints, and the usage errors of its options.
import { describe, expect, it } from 'vitest';
import { evaluateGates, findingsAtOrAbove, gatedFindings, minCoveragePercent, parseDrop, parseFailOn, parseMinCoverage, quietGateLine, shownAgainst, type GateSettings } from '../../../src/analysis/gates.js';
import type { Comparison, CoverageReport, Finding, FindingRef, Severity } from '../../../src/coverage-report.js';
import { InputError, UsageError } from '../../../src/errors.js';
import { thrown } from '../../helpers/errors.js';
import { usageError } from '../../helpers/analysis-builders.js';

const TACTICS = [
  { id: 'TA0002', shortname: 'execution', name: 'Execution' },
  { id: 'TA0004', shortname: 'privilege-escalation', name: 'Privilege Escalation' },
  // A display name that is not its shortname spelt out (and has a run of spaces, as a custom bundle may), so
  // lookups by name are told apart from those by shortname.
  { id: 'TA0008', shortname: 'lateral-movement', name: 'Moving  Sideways' },
];

function finding(severity: Severity, n = 1): Finding {
  return { code: `code-${severity}`, severity, rule: `rule ${n}`, file: 'rules.yaml', line: n, column: 1, message: 'm' };
}

function ref(n: number): FindingRef {
  return { fingerprint: `f${n}`, code: 'unknown-technique', severity: 'error', rule: `Rule ${n}`, file: 'r.yaml', line: 10 + n, message: 'm' };
}

/** Counts that give `covered / total` (as partial + covered, half each way), with the percent the report shows. */
function counts(covered: number, total: number) {
  const partial = Math.floor(covered / 2);
  return { total, covered: covered - partial, partial, gap: total - covered, percent: total === 0 ? 0 : Math.round((1000 * covered) / total) / 10 };
}

function report(extra: { counted?: [number, number]; findings?: Finding[]; tactics?: { shortname: string; counted: [number, number] }[]; comparison?: Partial<Comparison> } = {}): CoverageReport {
  const comparison: Comparison | undefined = extra.comparison
    ? { baseline: { generatedAt: '', attackVersion: '18.1', rules: [] }, crossesAttackVersions: false, newlyCovered: [], newlyUncovered: [], statusChanges: [], newFindings: [], fixedFindings: [], coverage: { before: 50, after: 50, delta: 0, counted: counts(5, 10) }, tactics: [], ...extra.comparison }
    : undefined;
  return {
    summary: { techniques: counts(...(extra.counted ?? [4, 10])) },
    tactics: (extra.tactics ?? []).map((t) => ({ shortname: t.shortname, ...counts(...t.counted) })),
    findings: extra.findings ?? [],
    ...(comparison ? { comparison } : {}),
  } as unknown as CoverageReport;
}

const settings = (extra: Partial<GateSettings>): GateSettings => ({ failOn: 'none', minTacticCoverage: {}, ...extra });

describe('parseFailOn', () => {
  it('takes each severity, new and none, in any case, and off as none', () => {
    for (const v of ['error', 'warning', 'info', 'new', 'none']) expect(parseFailOn(v.toUpperCase(), 'none')).toBe(v);
    expect(parseFailOn('off', 'error')).toBe('none');
    expect(parseFailOn('OFF', 'error')).toBe('none');
  });

  it('uses the fallback when not given', () => {
    expect(parseFailOn(undefined, 'error')).toBe('error');
    expect(parseFailOn(undefined, 'none')).toBe('none');
  });

  it('rejects anything else, naming the choices and the value', () => {
    expect(usageError(() => parseFailOn('errors', 'none')).message).toBe('--fail-on must be error, warning, info, new or none, not errors');
    expect(() => parseFailOn('', 'none')).toThrow(UsageError);
  });
});

describe('findingsAtOrAbove', () => {
  const all = [finding('info', 1), finding('warning', 2), finding('error', 3)];
  it('keeps findings at or above the severity', () => {
    expect(findingsAtOrAbove(all, 'error').map((f) => f.severity)).toEqual(['error']);
    expect(findingsAtOrAbove(all, 'warning').map((f) => f.severity)).toEqual(['warning', 'error']);
    expect(findingsAtOrAbove(all, 'info').map((f) => f.severity)).toEqual(['info', 'warning', 'error']);
  });
  it('keeps none for none and new', () => {
    expect(findingsAtOrAbove(all, 'none')).toEqual([]);
    expect(findingsAtOrAbove(all, 'new')).toEqual([]);
  });
});

describe('parseMinCoverage', () => {
  it('reads an overall percentage, with or without %', () => {
    expect(parseMinCoverage(['40'], TACTICS)).toEqual({ minCoverage: 40, minTacticCoverage: {} });
    expect(parseMinCoverage(['12.5%'], TACTICS)).toEqual({ minCoverage: 12.5, minTacticCoverage: {} });
    expect(parseMinCoverage([], TACTICS)).toEqual({ minTacticCoverage: {} });
  });

  it('reads a tactic by shortname, ID or display name, in any case and spacing', () => {
    expect(parseMinCoverage(['execution=50'], TACTICS).minTacticCoverage).toEqual({ execution: 50 });
    expect(parseMinCoverage(['ta0004=20'], TACTICS).minTacticCoverage).toEqual({ 'privilege-escalation': 20 });
    expect(parseMinCoverage(['Privilege Escalation=30'], TACTICS).minTacticCoverage).toEqual({ 'privilege-escalation': 30 });
    expect(parseMinCoverage([' privilege_escalation =30'], TACTICS).minTacticCoverage).toEqual({ 'privilege-escalation': 30 });
    expect(parseMinCoverage(['PRIVILEGE  ESCALATION=31'], TACTICS).minTacticCoverage).toEqual({ 'privilege-escalation': 31 });
    expect(parseMinCoverage(['lateral-movement=7'], TACTICS).minTacticCoverage).toEqual({ 'lateral-movement': 7 });
    expect(parseMinCoverage(['moving sideways=5'], TACTICS).minTacticCoverage).toEqual({ 'lateral-movement': 5 });
    expect(parseMinCoverage(['Moving_Sideways=6'], TACTICS).minTacticCoverage).toEqual({ 'lateral-movement': 6 });
  });

  it('reads several values, overall and per tactic together', () => {
    expect(parseMinCoverage(['execution=50', '30', 'TA0004=10'], TACTICS)).toEqual({ minCoverage: 30, minTacticCoverage: { execution: 50, 'privilege-escalation': 10 } });
  });

  it('accepts 0 and 100 and rejects what is no percentage', () => {
    expect(parseMinCoverage(['0'], TACTICS).minCoverage).toBe(0);
    expect(parseMinCoverage(['100'], TACTICS).minCoverage).toBe(100);
    expect(usageError(() => parseMinCoverage(['100.1'], TACTICS)).message).toBe('--min-coverage takes a percentage from 0 to 100, not 100.1');
    expect(usageError(() => parseMinCoverage(['-1'], TACTICS)).message).toBe('--min-coverage takes a percentage from 0 to 100, not -1');
    expect(usageError(() => parseMinCoverage(['1%0'], TACTICS)).message).toBe('--min-coverage takes a percentage from 0 to 100, not 1%0');
    expect(usageError(() => parseMinCoverage(['%'], TACTICS)).message).toBe('--min-coverage takes a percentage from 0 to 100, not %');
    // An empty value is no 0: `--min-coverage execution=` must not silently pass; said as "" (QA: "not " ended the line).
    expect(usageError(() => parseMinCoverage([''], TACTICS)).message).toBe('--min-coverage takes a percentage from 0 to 100, not ""');
    expect(usageError(() => parseMinCoverage(['execution='], TACTICS)).message).toBe('--min-coverage takes a percentage from 0 to 100, not ""');
    expect(usageError(() => parseMinCoverage(['execution= '], TACTICS)).message).toBe('--min-coverage takes a percentage from 0 to 100, not ""');
    expect(usageError(() => parseMinCoverage(['1e1'], TACTICS)).message).toBe('--min-coverage takes a percentage from 0 to 100, not 1e1');
    expect(parseMinCoverage(['execution= 50% '], TACTICS).minTacticCoverage).toEqual({ execution: 50 });
    expect(parseMinCoverage(['33.33'], TACTICS).minCoverage).toBe(33.33);
    for (const bad of ['x40', '40x', '40%%', '4 0']) expect(usageError(() => parseMinCoverage([bad], TACTICS)).message).toBe(`--min-coverage takes a percentage from 0 to 100, not ${bad}`);
    expect(usageError(() => parseMinCoverage(['lots'], TACTICS)).message).toBe('--min-coverage takes a percentage from 0 to 100, not lots');
    expect(usageError(() => parseMinCoverage(['execution=Infinity'], TACTICS)).message).toBe('--min-coverage takes a percentage from 0 to 100, not Infinity');
  });

  it('rejects an unknown tactic, listing the known ones', () => {
    const error = usageError(() => parseMinCoverage(['exfil=10'], TACTICS));
    expect(error.message).toBe('--min-coverage: unknown tactic exfil');
    expect(error.hint).toBe('tactics: execution, privilege-escalation, lateral-movement');
  });

  it('names an unknown tactic the project config gave at its place there, not as a flag never given (QA)', () => {
    const error = thrown(() => parseMinCoverage(['10', 'exfil=5'], TACTICS, ['.attack-cov.yaml:3:18', '.attack-cov.yaml:3:22']), InputError);
    expect([error.message, error.hint]).toEqual(['.attack-cov.yaml:3:22: min-coverage: unknown tactic exfil', 'tactics: execution, privilege-escalation, lateral-movement']);
    // Values the command line gave have no place: the flag's words.
    expect(usageError(() => parseMinCoverage(['exfil=5'], TACTICS, [])).message).toBe('--min-coverage: unknown tactic exfil');
    expect(parseMinCoverage(['10', 'execution=5'], TACTICS, ['c:1:1', 'c:1:5'])).toEqual({ minCoverage: 10, minTacticCoverage: { execution: 5 } });
  });

  it('rejects a value with nothing before its = as no tactic, not as "unknown tactic " (QA)', () => {
    for (const value of ['=5', ' =5']) {
      const error = usageError(() => parseMinCoverage([value], TACTICS));
      expect(error.message).toBe(`--min-coverage ${value}: no tactic before the =`);
      expect(error.hint).toBe('write <tactic>=<percent> (execution=50), or a percentage alone for the whole matrix');
    }
  });
});

describe('evaluateGates: fail-on a severity', () => {
  it('passes with no finding at or above it, fails otherwise, and counts them', () => {
    const r = report({ findings: [finding('warning'), finding('info'), finding('warning', 2)] });
    expect(evaluateGates(r, settings({ failOn: 'error' }))).toEqual([{ gate: 'fail-on', isPassed: true, message: '0 finding(s) at or above error' }]);
    expect(evaluateGates(r, settings({ failOn: 'warning' }))).toEqual([{ gate: 'fail-on', isPassed: false, message: '2 finding(s) at or above warning' }]);
  });

  it('has no gate at all for none', () => {
    expect(evaluateGates(report({ findings: [finding('error')] }), settings({}))).toEqual([]);
  });

  it('leaves the official rules\' own findings out, and says how many (the user cannot change those files)', () => {
    const official = (n: number): Finding => ({ ...finding('error', n), file: 'official:falco_rules.yaml@c72713e' });
    const r = report({ findings: [official(1), official(2), finding('warning', 3)] });
    expect(evaluateGates(r, settings({ failOn: 'error' }))).toEqual([{ gate: 'fail-on', isPassed: true, message: '0 finding(s) at or above error; 2 more in the official rules, not gated (suppress them in .attack-cov.yaml to hide them)' }]);
    expect(evaluateGates(r, settings({ failOn: 'warning' }))).toEqual([{ gate: 'fail-on', isPassed: false, message: '1 finding(s) at or above warning; 2 more in the official rules, not gated (suppress them in .attack-cov.yaml to hide them)' }]);
    // A file of the user's whose name merely holds "official" is the user's.
    expect(evaluateGates(report({ findings: [{ ...finding('error'), file: 'rules/official:x.yaml' }] }), settings({ failOn: 'error' }))[0]!.isPassed).toBe(false);
    expect(gatedFindings([official(1), finding('error', 2), finding('info', 3)], 'error')).toEqual({ failing: [finding('error', 2)], official: [official(1)] });
  });
});

describe('evaluateGates: fail-on new', () => {
  it('needs a baseline, as does --max-coverage-drop', () => {
    expect(usageError(() => evaluateGates(report(), settings({ failOn: 'new' }))).message).toBe('--fail-on new (or gates.fail-on: new in .attack-cov.yaml) needs --baseline <previous report.json>');
    expect(usageError(() => evaluateGates(report(), settings({ maxCoverageDrop: 1 }))).message).toBe('--max-coverage-drop (or gates.max-coverage-drop in .attack-cov.yaml) needs --baseline <previous report.json>');
    expect(usageError(() => evaluateGates(report(), settings({ failOn: 'error', maxCoverageDrop: 0 }))).message).toBe('--max-coverage-drop (or gates.max-coverage-drop in .attack-cov.yaml) needs --baseline <previous report.json>');
    expect(usageError(() => evaluateGates(report(), settings({ maxCoverageDrop: 1 }))).hint).toBe("pass the previous run's report.json with --baseline, or leave this gate out of runs that have none");
  });

  it('passes when nothing got worse', () => {
    expect(evaluateGates(report({ comparison: {} }), settings({ failOn: 'new' }))).toEqual([{ gate: 'fail-on', isPassed: true, message: 'nothing new since the baseline' }]);
  });

  it('fails on techniques no longer covered and new findings, naming them', () => {
    const r = report({ comparison: { newlyUncovered: [{ id: 'T1059', name: 'Shell', rules: ['A', 'B'] }, { id: 'T1611', name: 'Escape', rules: [] }], newFindings: [ref(1)] } });
    expect(evaluateGates(r, settings({ failOn: 'new' }))).toEqual([
      {
        gate: 'fail-on',
        isPassed: false,
        message: '3 new since the baseline: T1059 Shell is no longer covered (was: A, B); T1611 Escape is no longer covered (was: sub-techniques); new unknown-technique in "Rule 1" (r.yaml:11)',
      },
    ]);
  });

  it('fails on a technique that went from covered to partial (its own rules gone), not on partial to covered', () => {
    const statusChanges = [
      { id: 'T1496', name: 'Resource Hijacking', rules: ['Miner', 'Crypto'], before: 'covered' as const, after: 'partial' as const },
      { id: 'T1059', name: 'Shell', rules: ['Bash'], before: 'partial' as const, after: 'covered' as const },
    ];
    expect(evaluateGates(report({ comparison: { statusChanges } }), settings({ failOn: 'new' }))).toEqual([
      { gate: 'fail-on', isPassed: false, message: '1 new since the baseline: T1496 Resource Hijacking is only partly covered now (was covered by: Miner, Crypto)' },
    ]);
    expect(evaluateGates(report({ comparison: { statusChanges: statusChanges.slice(1) } }), settings({ failOn: 'new' }))[0]!.isPassed).toBe(true);
  });

  it('does not count a new finding in the official rules (a new official tag), and says so', () => {
    const officialRef = { ...ref(2), file: 'official:falco_rules.yaml@falco-rules-5.0.0' };
    expect(evaluateGates(report({ comparison: { newFindings: [officialRef] } }), settings({ failOn: 'new' }))).toEqual([
      { gate: 'fail-on', isPassed: true, message: 'nothing new since the baseline; 1 more in the official rules, not gated (suppress them in .attack-cov.yaml to hide them)' },
    ]);
    expect(evaluateGates(report({ comparison: { newFindings: [ref(1), officialRef] } }), settings({ failOn: 'new' }))[0]!.message).toBe(
      '1 new since the baseline: new unknown-technique in "Rule 1" (r.yaml:11); 1 more in the official rules, not gated (suppress them in .attack-cov.yaml to hide them)',
    );
  });

  it('names the first five and counts the rest', () => {
    const five = evaluateGates(report({ comparison: { newFindings: [1, 2, 3, 4, 5].map(ref) } }), settings({ failOn: 'new' }))[0]!.message;
    expect(five).toMatch(/^5 new since the baseline: /);
    expect(five).toMatch(/\(r\.yaml:15\)$/);
    const six = evaluateGates(report({ comparison: { newFindings: [1, 2, 3, 4, 5, 6].map(ref) } }), settings({ failOn: 'new' }))[0]!.message;
    expect(six).toMatch(/^6 new since the baseline: /);
    expect(six).toContain('"Rule 5" (r.yaml:15); and 1 more');
    expect(six.endsWith('; and 1 more')).toBe(true);
    expect(six).not.toContain('Rule 6');
  });
});

describe('shownAgainst', () => {
  it('shows one decimal, or as many as put the number on the side the gate decided, at most six', () => {
    expect(shownAgainst(6.9620253, 7, false)).toBe('6.96');
    expect(shownAgainst(6.9620253, 6.9, true)).toBe('7.0');
    expect(shownAgainst(6.99996, 7, false)).toBe('6.99996');
    expect(shownAgainst(6.9999999, 7, false)).toBe('7.000000');
    expect(shownAgainst(4.4304, 4.43, true)).toBe('4.43');
    expect(shownAgainst(40, 40, true)).toBe('40.0');
  });
});

describe('evaluateGates: min-coverage', () => {
  it('passes at and above the minimum and fails below it', () => {
    expect(evaluateGates(report({ counted: [4, 10] }), settings({ minCoverage: 40 }))).toEqual([{ gate: 'min-coverage', isPassed: true, message: 'overall coverage 40.0% meets 40%' }]);
    expect(evaluateGates(report({ counted: [399, 1000] }), settings({ minCoverage: 40 }))).toEqual([{ gate: 'min-coverage', isPassed: false, message: 'overall coverage 39.9% is below 40%' }]);
    expect(evaluateGates(report({ counted: [0, 10] }), settings({ minCoverage: 0 }))[0]!.isPassed).toBe(true);
    expect(evaluateGates(report({ counted: [0, 0] }), settings({ minCoverage: 0 }))[0]!.isPassed).toBe(true);
  });

  it('compares the exact share, not the one-decimal percent it shows', () => {
    // 7 of 158 is 4.4304%: it meets 4.43 (shown with the decimals that show it) and not 4.431; 1 of 3 (33.33…%) is below 33.34.
    expect(evaluateGates(report({ counted: [7, 158] }), settings({ minCoverage: 4.43 }))).toEqual([{ gate: 'min-coverage', isPassed: true, message: 'overall coverage 4.43% meets 4.43%' }]);
    // 11 of 158 is 6.96%: below 7, and never shown as "7% is below 7%".
    expect(evaluateGates(report({ counted: [11, 158] }), settings({ minCoverage: 7 }))).toEqual([{ gate: 'min-coverage', isPassed: false, message: 'overall coverage 6.96% is below 7%' }]);
    expect(evaluateGates(report({ counted: [11, 158] }), settings({ minCoverage: 6.9 }))[0]!.message).toBe('overall coverage 7.0% meets 6.9%');
    expect(evaluateGates(report({ counted: [7, 158] }), settings({ minCoverage: 4.431 }))[0]!.isPassed).toBe(false);
    expect(evaluateGates(report({ counted: [1, 3] }), settings({ minCoverage: 33.34 }))[0]).toMatchObject({ isPassed: false, message: 'overall coverage 33.3% is below 33.34%' });
    expect(evaluateGates(report({ counted: [1, 3], tactics: [{ shortname: 'execution', counted: [7, 158] }] }), settings({ minTacticCoverage: { execution: 4.43 } }))[0]).toMatchObject({ isPassed: true, message: 'execution coverage 4.43% meets 4.43%' });
  });

  it('refuses a tactic minimum above 0 for a tactic with no technique in scope, which no ruleset can meet', () => {
    const r = report({ tactics: [{ shortname: 'reconnaissance', counted: [0, 0] }] });
    (r as unknown as { scope: object }).scope = { platforms: ['Containers', 'Linux'] };
    const error = usageError(() => evaluateGates(r, settings({ minTacticCoverage: { reconnaissance: 10 } })));
    expect([error.message, error.hint]).toEqual([
      '--min-coverage reconnaissance=10 (or gates.min-coverage in .attack-cov.yaml): reconnaissance has no technique in scope (Containers, Linux), so no ruleset can meet it',
      'leave that tactic out of the gate, or widen the scope with --platform',
    ]);
    (r as unknown as { scope: object }).scope = { platforms: [] };
    expect(usageError(() => evaluateGates(r, settings({ minTacticCoverage: { reconnaissance: 0.1 } }))).message).toMatch(/no technique in scope \(no platform\)/);
    // A minimum of 0 is met by nothing at all.
    expect(evaluateGates(r, settings({ minTacticCoverage: { reconnaissance: 0 } }))).toEqual([{ gate: 'min-coverage', isPassed: true, message: 'reconnaissance coverage 0.0% meets 0%' }]);
  });

  it('refuses an overall minimum above 0 when nothing is in scope, which every output shows as "—", not 0% (QA)', () => {
    const r = report({ counted: [0, 0] });
    (r as unknown as { scope: object }).scope = { platforms: [] };
    const error = usageError(() => evaluateGates(r, settings({ minCoverage: 10 })));
    expect([error.message, error.hint]).toEqual([
      '--min-coverage 10 (or gates.min-coverage in .attack-cov.yaml): no technique is in scope (no platform: no enabled rule of a source attack-cov knows), so no ruleset can meet it',
      'check the rules files (an empty or cut-off file?), or set the scope with --platform',
    ]);
    (r as unknown as { scope: object }).scope = { platforms: ['Containers', 'Linux'] };
    expect(usageError(() => evaluateGates(r, settings({ minCoverage: 0.1 }))).message).toMatch(/no technique is in scope \(Containers, Linux\)/);
    // Something in scope, none of it covered: a gate that fails.
    expect(evaluateGates(report({ counted: [0, 1] }), settings({ minCoverage: 0.1 }))).toEqual([{ gate: 'min-coverage', isPassed: false, message: 'overall coverage 0.0% is below 0.1%' }]);
  });

  it('checks each tactic minimum against that tactic', () => {
    const r = report({ counted: [1, 10], tactics: [{ shortname: 'execution', counted: [5, 10] }, { shortname: 'impact', counted: [2, 10] }] });
    expect(evaluateGates(r, settings({ minTacticCoverage: { execution: 50, impact: 20.1 } }))).toEqual([
      { gate: 'min-coverage', isPassed: true, message: 'execution coverage 50.0% meets 50%' },
      { gate: 'min-coverage', isPassed: false, message: 'impact coverage 20.0% is below 20.1%' },
    ]);
  });
});

describe('parseDrop and minCoveragePercent (the flags and the config read them alike)', () => {
  it('takes percentage points with or without a trailing %, 0 included', () => {
    expect(parseDrop('2.5')).toBe(2.5);
    expect(parseDrop('5%')).toBe(5);
    expect(parseDrop('0')).toBe(0);
    expect(parseDrop('12')).toBe(12);
    expect(parseDrop(' 2.25% ')).toBe(2.25);
  });
  it('refuses a negative, a word and a % that is not at the end, naming the flag (by default --max-coverage-drop)', () => {
    expect(usageError(() => parseDrop('-1')).message).toBe('--max-coverage-drop takes percentage points (>= 0), not -1');
    expect(usageError(() => parseDrop('abc', 'max-coverage-drop')).message).toBe('max-coverage-drop takes percentage points (>= 0), not abc');
    expect(usageError(() => parseDrop('%5')).message).toBe('--max-coverage-drop takes percentage points (>= 0), not %5');
    expect(usageError(() => parseDrop('Infinity')).message).toBe('--max-coverage-drop takes percentage points (>= 0), not Infinity');
    // Number() would read these as 0 and 16.
    expect(usageError(() => parseDrop('')).message).toBe('--max-coverage-drop takes percentage points (>= 0), not ""');
    expect(usageError(() => parseDrop('  ')).message).toBe('--max-coverage-drop takes percentage points (>= 0), not ""');
    expect(usageError(() => parseDrop('0x10')).message).toBe('--max-coverage-drop takes percentage points (>= 0), not 0x10');
    expect(usageError(() => parseDrop('1e1')).message).toBe('--max-coverage-drop takes percentage points (>= 0), not 1e1');
  });
  it('reads the percentage of an overall or a per-tactic minimum', () => {
    expect(minCoveragePercent('40', 'min-coverage')).toBe(40);
    expect(minCoveragePercent('execution=50', 'min-coverage')).toBe(50);
    expect(usageError(() => minCoveragePercent('execution=150', 'min-coverage')).message).toBe('min-coverage takes a percentage from 0 to 100, not 150');
  });
});

describe('evaluateGates: max-coverage-drop', () => {
  /** A drop from `before` to `after` (covered of total, as compareReports records them) against `max` points. */
  const dropOf = (before: [number, number], after: [number, number], max: number, newlyUncovered: Comparison['newlyUncovered'] = []) => {
    const [b, a] = [counts(...before), counts(...after)];
    const exact = (c: ReturnType<typeof counts>) => (c.total === 0 ? 0 : (100 * (c.covered + c.partial)) / c.total);
    const coverage = { before: b.percent, after: a.percent, delta: Math.round((exact(a) - exact(b)) * 10) / 10, counted: { covered: b.covered, partial: b.partial, total: b.total } };
    return evaluateGates(report({ counted: after, comparison: { coverage, newlyUncovered } }), settings({ maxCoverageDrop: max }))[0]!;
  };
  const drop = (before: number, after: number, max: number, newlyUncovered: Comparison['newlyUncovered'] = []) =>
    dropOf([Math.round(before * 10), 1000], [Math.round(after * 10), 1000], max, newlyUncovered);

  it('passes a drop up to the maximum and fails a larger one', () => {
    expect(drop(50, 48, 2)).toEqual({ gate: 'max-coverage-drop', isPassed: true, message: 'coverage 50.0% → 48.0% (-2 points, at most -2 allowed)' });
    expect(drop(50, 47.9, 2)).toEqual({ gate: 'max-coverage-drop', isPassed: false, message: 'coverage 50.0% → 47.9% (-2.1 points, at most -2 allowed)' });
  });

  it('compares the exact drop, shown to a tenth of a point, with no float noise at a tie', () => {
    expect(drop(30.3, 30.1, 0.2)).toMatchObject({ isPassed: true, message: 'coverage 30.3% → 30.1% (-0.2 points, at most -0.2 allowed)' });
    // 8 of 158 → 7 of 158 is 0.633 points, shown as 0.6: it passes at 0.65 and fails at 0.63.
    expect(dropOf([8, 158], [7, 158], 0.65)).toMatchObject({ isPassed: true, message: 'coverage 5.1% → 4.4% (-0.6 points, at most -0.65 allowed)' });
    expect(dropOf([8, 158], [7, 158], 0.63).isPassed).toBe(false);
    // 8 of 12 → 5 of 12 is exactly 25 points, which floating point makes 25.000000000000007: still at most 25.
    expect(dropOf([8, 12], [5, 12], 25)).toMatchObject({ isPassed: true, message: 'coverage 66.7% → 41.7% (-25 points, at most -25 allowed)' });
    expect(dropOf([8, 12], [5, 12], 24.99).isPassed).toBe(false);
    // A failed drop is shown beyond its maximum: 0.633 points against 0.6 allowed is -0.63, not -0.6.
    expect(dropOf([8, 158], [7, 158], 0.6)).toMatchObject({ isPassed: false, message: 'coverage 5.1% → 4.4% (-0.63 points, at most -0.6 allowed)' });
    // The tolerance is inclusive: 50 points is exactly 49.999999999 + 1e-9 in floating point, and passes; 1e-8 more fails.
    expect(dropOf([1, 2], [0, 2], 49.999999999).isPassed).toBe(true);
    expect(dropOf([1, 2], [0, 2], 49.99999999).isPassed).toBe(false);
  });

  it('shows a rise as a plus and an unchanged coverage as +0', () => {
    expect(drop(40, 42.5, 0)).toMatchObject({ isPassed: true, message: 'coverage 40.0% → 42.5% (+2.5 points, no drop allowed)' });
    expect(drop(40, 40, 0)).toMatchObject({ isPassed: true, message: 'coverage 40.0% → 40.0% (+0 points, no drop allowed)' });
    // A rise is the comparison's own delta (0 → 3 of 2000 is +0.15, which it rounds to +0.2), as the other outputs show it.
    expect(dropOf([0, 2000], [3, 2000], 0).message).toMatch(/\(\+0\.2 points, no drop allowed\)$/);
  });

  it('names the techniques lost and the rules that covered them', () => {
    const lost = drop(50, 40, 5, [{ id: 'T1059', name: 'Shell', rules: ['A', 'B'] }, { id: 'T1611', name: 'Escape', rules: [] }]);
    expect(lost).toEqual({ gate: 'max-coverage-drop', isPassed: false, message: 'coverage 50.0% → 40.0% (-10 points, at most -5 allowed); lost: T1059 Shell (was covered by A, B); T1611 Escape (was covered by sub-techniques)' });
  });

  it('says when the baseline counted the techniques of other platforms (QA: a scope change failed the gate unexplained)', () => {
    const b = counts(19, 1000);
    const coverage = { before: 1.9, after: 1.6, delta: -0.3, counted: { covered: b.covered, partial: b.partial, total: b.total } };
    const across = (crossesScopes: boolean) => {
      const base = report({ counted: [16, 1000], comparison: { coverage, crossesScopes, baseline: { generatedAt: '', attackVersion: '18.1', rules: [], platforms: ['Containers', 'Linux'] } } });
      return evaluateGates({ ...base, scope: { platforms: ['IaaS', 'Linux'], from: 'option', sources: [] } }, settings({ maxCoverageDrop: 0 }))[0]!.message;
    };
    expect(across(true)).toBe('coverage 1.9% → 1.6% (-0.3 points, no drop allowed); the baseline counted the techniques of Containers, Linux, this run those of IaaS, Linux');
    expect(across(false)).toBe('coverage 1.9% → 1.6% (-0.3 points, no drop allowed)');
  });

  it('names five lost techniques and counts the rest, so the message stays one short line', () => {
    const lost = (n: number) => Array.from({ length: n }, (_, i) => ({ id: `T10${i}`, name: `N${i}`, rules: [`R${i}`] }));
    const names = (n: number) => lost(n).map((t) => `${t.id} ${t.name} (was covered by ${t.rules[0]})`).join('; ');
    expect(drop(50, 40, 5, lost(5)).message).toBe(`coverage 50.0% → 40.0% (-10 points, at most -5 allowed); lost: ${names(5)}`);
    expect(drop(50, 40, 5, lost(27)).message).toBe(`coverage 50.0% → 40.0% (-10 points, at most -5 allowed); lost: ${names(5)}; and 22 more`);
  });
});

describe('evaluateGates: several gates', () => {
  it('lists them in order: fail-on, overall minimum, tactic minimums, coverage drop', () => {
    const r = report({ counted: [5, 10], tactics: [{ shortname: 'execution', counted: [5, 10] }], comparison: {} });
    const gates = evaluateGates(r, settings({ failOn: 'new', minCoverage: 10, minTacticCoverage: { execution: 10 }, maxCoverageDrop: 1 }));
    expect(gates.map((g) => g.gate)).toEqual(['fail-on', 'min-coverage', 'min-coverage', 'max-coverage-drop']);
    expect(gates.every((g) => g.isPassed)).toBe(true);
  });
});

describe('quietGateLine', () => {
  it('says how many unlisted warnings fail the gate, in one line; nothing when none is hidden', () => {
    expect(quietGateLine(0, 'warning')).toBe('');
    expect(quietGateLine(1, 'warning')).toBe('1 warning at or above --fail-on warning (not listed with -q)\n');
    expect(quietGateLine(3, 'warning')).toBe('3 warnings at or above --fail-on warning (not listed with -q)\n');
  });
});
