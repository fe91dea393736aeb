// The second voice of the ranker and its inputs, on hand-made reference rules: cosine similarity over
// IDF-weighted terms, who may vote (not the rule itself, not untagged rules, not the barely alike), the
// order and cap of neighbours, each technique's share of the vote; then Atomic Red Team text per
// platform, and which Falco source an ATT&CK log source stands for.
import { describe, expect, it } from 'vitest';
import { isLogSourceOf } from '../../../src/suggest/log-sources.js';
import { buildNeighbourIndex, MIN_SIMILARITY, nearestRules, neighbourVotes, NEIGHBOURS, type Neighbour, type ReferenceRule } from '../../../src/suggest/neighbours.js';
import { procedureText } from '../../../src/suggest/procedures.js';
import { alikeSources } from '../../../src/suggest/suggest.js';
import type { QueryTerm } from '../../../src/suggest/types.js';

const terms = (spec: Record<string, number>): QueryTerm[] => Object.entries(spec).map(([term, weight]) => ({ term, weight, origins: [] }));
const reference = (name: string, techniques: string[], spec: Record<string, number>): ReferenceRule => ({ name, file: 'ref.yaml', source: 'syscall', techniques, terms: terms(spec) });

const SYSCALL = new Set(['syscall']);

describe('nearestRules', () => {
  const refs = [
    reference('Shell in container', ['T1059'], { shell: 1, contain: 1 }),
    reference('Shell spawned', ['T1059', 'T1609'], { shell: 1, spawn: 1 }),
    reference('Untagged shell', [], { shell: 1, contain: 1 }),
    reference('Kernel module', ['T1547'], { kernel: 1, modul: 1 }),
    reference('Common word', ['T1000'], { common: 1, zzz: 1 }),
  ];

  it('weighs terms by how rare they are among the references (log(1 + n / df))', () => {
    // built in each test, not once for the file: a mutant of the builder must be active when it runs
    const index = buildNeighbourIndex(refs);
    expect(index.idf.get('shell')).toBeCloseTo(Math.log(1 + 5 / 3), 12);
    expect(index.idf.get('kernel')).toBeCloseTo(Math.log(1 + 5 / 1), 12);
    const v = index.vectors.get(refs[0]!)!;
    expect(Math.hypot(...v.values())).toBeCloseTo(1, 12);
    expect(v.get('shell')! / v.get('contain')!).toBeCloseTo(Math.log(1 + 5 / 3) / Math.log(1 + 5 / 2), 12);
  });
  it('finds the alike tagged rules, most alike first, with the terms they share by weight', () => {
    const near = nearestRules({ name: 'Mine' }, terms({ shell: 1, contain: 2 }), buildNeighbourIndex(refs), SYSCALL);
    expect(near.map((n) => n.rule.name)).toEqual(['Shell in container', 'Shell spawned']);
    expect(near[0]!.shared).toEqual(['contain', 'shell']);
    expect(near[1]!.shared).toEqual(['shell']);
    expect(near[0]!.similarity).toBeGreaterThan(near[1]!.similarity);
    expect(near[0]!.similarity).toBe(Math.round(near[0]!.similarity * 1000) / 1000);
  });
  it('never returns the rule itself, nor a rule sharing nothing', () => {
    const index = buildNeighbourIndex(refs);
    expect(nearestRules({ name: 'Shell in container' }, terms({ shell: 1, contain: 1 }), index, SYSCALL).map((n) => n.rule.name)).toEqual(['Shell spawned']);
    expect(nearestRules({ name: 'X' }, terms({ other: 1 }), index, SYSCALL)).toEqual([]);
    expect(nearestRules({ name: 'X' }, [], index, SYSCALL)).toEqual([]);
    expect(nearestRules({ name: 'X' }, terms({ shell: 0 }), index, SYSCALL)).toEqual([]); // a zero vector stays zero, not 0 / 0
  });
  // Review finding: a CloudTrail CreateAccessKey rule got T1098.004 SSH Authorized Keys from a syscall rule's vote.
  it('lets only rules of the sources given vote', () => {
    const index = buildNeighbourIndex([...refs, { ...reference('Access key created', ['T1098.001'], { shell: 1, contain: 1 }), source: 'aws_cloudtrail' }]);
    expect(nearestRules({ name: 'Mine' }, terms({ shell: 1, contain: 2 }), index, new Set(['aws_cloudtrail'])).map((n) => n.rule.name)).toEqual(['Access key created']);
    expect(nearestRules({ name: 'Mine' }, terms({ shell: 1, contain: 2 }), index, SYSCALL).map((n) => n.rule.name)).toEqual(['Shell in container', 'Shell spawned']);
  });
  it('takes the voters\' sources from the platforms they observe in common with the rule\'s', () => {
    const platforms = { syscall: ['Linux', 'Containers'], k8s_audit: ['Containers'], aws_cloudtrail: ['IaaS'], gcp_auditlog: ['IaaS'] };
    expect([...alikeSources('k8s_audit', platforms)].sort()).toEqual(['k8s_audit', 'syscall']);
    expect([...alikeSources('aws_cloudtrail', platforms)].sort()).toEqual(['aws_cloudtrail', 'gcp_auditlog']);
    expect([...alikeSources('my_plugin', platforms)]).toEqual(['my_plugin']); // a source the map does not know: its own rules only
  });
  it('drops neighbours below MIN_SIMILARITY and keeps the NEIGHBOURS best, ties by name', () => {
    const many = buildNeighbourIndex([
      ...Array.from({ length: 7 }, (_, i) => reference(`R${7 - i}`, ['T1'], { alpha: 1 })),
      reference('Faint', ['T2'], { alpha: 0.01, beta: 1, gamma: 1, delta: 1, eps: 1 }),
    ]);
    const near = nearestRules({ name: 'Q' }, terms({ alpha: 1 }), many, SYSCALL);
    expect(near.map((n) => n.rule.name)).toEqual(['R1', 'R2', 'R3', 'R4', 'R5'].slice(0, NEIGHBOURS));
    const faint = nearestRules({ name: 'Q' }, terms({ alpha: 1 }), buildNeighbourIndex([reference('Faint', ['T2'], { alpha: 0.01, beta: 1 }), reference('Other', ['T3'], { beta: 1 })]), SYSCALL);
    expect(faint).toEqual([]);
    // cosine 1 / √(1 + 399) = 0.05 exactly (the two terms weigh alike by IDF): at the threshold, it still votes
    const edge = nearestRules({ name: 'Q' }, terms({ a: 1, b: Math.sqrt(399) }), buildNeighbourIndex([reference('A', ['T1'], { a: 1 }), reference('B', ['T2'], { b: 1 })]), SYSCALL);
    expect(edge.map((n) => [n.rule.name, n.similarity])).toEqual([['B', 0.999], ['A', 0.05]]);
    expect(MIN_SIMILARITY).toBe(0.05);
  });
  it('keeps the five heaviest shared terms', () => {
    const wide = buildNeighbourIndex([reference('Wide', ['T1'], { a: 1, b: 2, c: 3, d: 4, e: 5, f: 6 }), reference('Other', ['T2'], { z: 1 })]);
    expect(nearestRules({ name: 'Q' }, terms({ a: 1, b: 1, c: 1, d: 1, e: 1, f: 1 }), wide, SYSCALL)[0]!.shared).toEqual(['f', 'e', 'd', 'c', 'b']);
    const even = buildNeighbourIndex([reference('Even', ['T1'], { zeta: 1, alpha: 1 }), reference('Other', ['T2'], { z: 1 })]);
    expect(nearestRules({ name: 'Q' }, terms({ zeta: 1, alpha: 1 }), even, SYSCALL)[0]!.shared).toEqual(['alpha', 'zeta']); // equal weights: by term
  });
});

describe('neighbourVotes', () => {
  const neighbour = (similarity: number, techniques: string[]): Neighbour => ({ rule: reference(`r${similarity}`, techniques, {}), similarity, shared: [] });
  it('gives each technique its share of the similarity, scaled by the best neighbour', () => {
    const votes = neighbourVotes([neighbour(0.6, ['T1', 'T1', 'T2']), neighbour(0.2, ['T2'])]);
    expect(votes.get('T1')).toBeCloseTo(0.75 * 0.6, 12);
    expect(votes.get('T2')).toBeCloseTo(1 * 0.6, 12);
    expect([...votes.keys()]).toEqual(['T1', 'T2']);
  });
  it('is empty with no neighbours or no similarity', () => {
    expect(neighbourVotes([])).toEqual(new Map());
    expect(neighbourVotes([neighbour(0, ['T1'])])).toEqual(new Map());
  });
});

describe('procedureText', () => {
  const atomic = (platforms: string, extra = '') => `attack_technique: T1053.003\ndisplay_name: Cron\natomic_tests:\n- name: Edit crontab\n  description: adds a job\n  supported_platforms: [${platforms}]\n  executor:\n    command: 'crontab -e #{file} #{other}'\n${extra}`;
  it('joins the display name, test names, descriptions and commands for the platforms asked, placeholders dropped', () => {
    expect(procedureText(atomic('linux'), ['Linux'])).toEqual({ technique: 'T1053.003', text: 'Cron\nEdit crontab\nadds a job\ncrontab -e    ' });
    expect(procedureText(atomic('containers'), ['Containers'])?.text).toContain('crontab -e');
    expect(procedureText(atomic('linux'), ['Containers'])?.text).toContain('crontab -e'); // containers run linux tests too
    expect(procedureText(atomic('iaas:aws'), ['IaaS'])?.text).toContain('crontab');
    expect(procedureText(atomic('iaas:gcp'), ['IaaS'])?.text).toContain('crontab');
    expect(procedureText(atomic('iaas:azure'), ['IaaS'])?.text).toContain('crontab');
    expect(procedureText(atomic('iaas'), ['IaaS'])?.text).toContain('crontab');
    expect(procedureText(atomic('azure-ad'), ['Identity Provider'])?.text).toContain('crontab');
    expect(procedureText(atomic('google-workspace'), ['Identity Provider'])?.text).toContain('crontab');
    expect(procedureText(atomic('office-365'), ['SaaS'])?.text).toContain('crontab');
    expect(procedureText(atomic('google-workspace'), ['SaaS'])?.text).toContain('crontab');
    expect(procedureText(atomic('windows, linux'), ['Linux'])?.text).toContain('crontab'); // one of its platforms is enough
  });
  it('is empty text for a file without tests on those platforms, and undefined for what is not an atomics file', () => {
    expect(procedureText(atomic('windows'), ['Linux'])).toEqual({ technique: 'T1053.003', text: '' });
    expect(procedureText(atomic('linux'), ['Nowhere'])).toEqual({ technique: 'T1053.003', text: '' });
    expect(procedureText('attack_technique: T1053\natomic_tests: []\n', ['Linux'])).toEqual({ technique: 'T1053', text: '' });
    expect(procedureText('attack_technique: X1053\natomic_tests: []\n', ['Linux'])).toBeUndefined();
    expect(procedureText('attack_technique: T1053.0031\natomic_tests: []\n', ['Linux'])).toBeUndefined();
    expect(procedureText('attack_technique: xT1053\natomic_tests: []\n', ['Linux'])).toBeUndefined();
    expect(procedureText('attack_technique: T1053\n', ['Linux'])).toBeUndefined();
    expect(procedureText('attack_technique: 1053\natomic_tests: []\n', ['Linux'])).toBeUndefined();
    expect(procedureText('- a list', ['Linux'])).toBeUndefined();
    expect(procedureText('', ['Linux'])).toBeUndefined();
  });
  it('skips tests without a platform list and reads missing texts as empty', () => {
    const text = 'attack_technique: T1059\natomic_tests:\n- name: no platforms\n- supported_platforms: [linux]\n- null\n';
    expect(procedureText(text, ['Linux'])).toEqual({ technique: 'T1059', text: '\n\n\n' });
  });
});

describe('isLogSourceOf', () => {
  const mappings = [
    { name: 'auditd:*', source: 'syscall', why: '' },
    { name: 'kubernetes:audit', source: 'k8s_audit', why: '' },
  ];
  it('maps a log source to its Falco source; the k8saudit plugin’s source names count as k8s_audit', () => {
    expect(isLogSourceOf('syscall', 'auditd:SYSCALL', mappings)).toBe(true);
    expect(isLogSourceOf('k8s_audit', 'kubernetes:audit', mappings)).toBe(true);
    for (const alias of ['k8saudit', 'k8saudit-eks', 'k8saudit-gke', 'k8saudit-aks', 'k8saudit-ovh']) expect(isLogSourceOf(alias, 'kubernetes:audit', mappings)).toBe(true);
    expect(isLogSourceOf('syscall', 'kubernetes:audit', mappings)).toBe(false);
    expect(isLogSourceOf('syscall', 'WinEventLog:Security', mappings)).toBe(false);
    expect(isLogSourceOf('k8saudit-other', 'kubernetes:audit', mappings)).toBe(false);
  });
});
