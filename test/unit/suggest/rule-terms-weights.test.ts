// A rule's query, term by term: the weight each word gets from where it was found (name 3, desc 1, output
// 0.5, macro names and event types 1.5, …), 0.8 less per macro or list followed, the origins it keeps, what
// is left out (negated checks, %output fields, field operands), and the caps that stop runaway expansion.
import { describe, expect, it } from 'vitest';
import { rulesetFromTexts } from '../../../src/falco/load.js';
import { namedValues, ORIGIN_WEIGHTS, ruleTerms } from '../../../src/suggest/rule-terms.js';
import type { QueryTerm } from '../../../src/suggest/types.js';

const rulesOf = (text: string) => rulesetFromTexts([{ path: 'r.yaml', text }]);
const rule = (condition: string, extra = '', name = 'R', output = 'o') => `${extra}- rule: ${name}\n  desc: d\n  condition: ${condition}\n  output: ${output}\n  priority: WARNING\n`;
function termsOf(text: string): Map<string, QueryTerm> {
  const ruleset = rulesOf(text);
  return new Map(ruleTerms(ruleset.rules.at(-1)!, ruleset).map((t) => [t.term, t]));
}
const weights = (terms: Map<string, QueryTerm>): Record<string, number> => Object.fromEntries([...terms].map(([k, v]) => [k, Math.round(v.weight * 10000) / 10000]));

// A rule whose meaning is two macros and two lists deep (inner_list inside tools), with an exception.
const RECON = `- list: inner_list
  items: [nmap]
- list: tools
  items: [ncat, inner_list]
- macro: net_tool
  condition: proc.name in (tools)
- macro: spawned
  condition: evt.type = execve and net_tool
- rule: Recon Thing
  desc: Scanner started
  condition: spawned and fd.sport = 4444 and proc.pname = sshd and not user.name = trusteduser
  output: Scan seen (user=%user.name cmd=%proc.cmdline) by reconbot
  priority: WARNING
`;

describe('ruleTerms', () => {
  it('weighs every word by where it was found and how deep', () => {
    const ruleset = rulesOf(RECON);
    const terms = ruleTerms(ruleset.rules[0]!, ruleset);
    expect(terms.map((t) => t.term)).toEqual(['execv', 'inner', 'ncat', 'net', 'nmap', 'pname', 'proc', 'recon', 'reconbot', 'scan', 'scanner', 'seen', 'spawn', 'sport', 'sshd', 'start', 'thing', 'tool', 'type']);
    expect(weights(new Map(terms.map((t) => [t.term, t])))).toEqual({
      recon: 3, thing: 3, // the name
      scanner: 1, start: 1, // the description
      scan: 0.5, seen: 0.5, reconbot: 0.5, // the output's words, not its %fields or key=
      spawn: 1.5, // a macro named by the rule
      execv: 1.2, type: 0.24, net: 1.2, // inside it: 0.8 × (event 1.5, field 0.3, macro 1.5)
      tool: 1.2, // the macro net_tool (1.2) outweighs the list tools two levels down (1 × 0.8²)
      proc: 0.3, pname: 0.3, sport: 0.3, // fields, the heaviest place each was found
      sshd: 1.5, // a process name
      ncat: 0.256, inner: 0.512, nmap: 0.2048, // list items (values) and a list inside a list
    });
    const byTerm = new Map(terms.map((t) => [t.term, t]));
    expect(byTerm.get('recon')!.origins).toEqual([{ kind: 'name', value: 'recon' }]);
    expect(byTerm.get('start')!.origins).toEqual([{ kind: 'desc', value: 'started' }]);
    expect(byTerm.get('reconbot')!.origins).toEqual([{ kind: 'output', value: 'reconbot' }]);
    expect(byTerm.get('tool')!.origins).toEqual([{ kind: 'macro', value: 'net_tool' }, { kind: 'list', value: 'tools' }]);
    expect(byTerm.get('proc')!.origins).toEqual([{ kind: 'field', value: 'proc.name' }, { kind: 'field', value: 'proc.pname' }]);
    expect(byTerm.get('ncat')!.origins).toEqual([{ kind: 'list', value: 'tools' }]);
    expect(byTerm.get('execv')!.origins).toEqual([{ kind: 'event', value: 'execve' }]);
    expect(byTerm.get('sshd')!.origins).toEqual([{ kind: 'process', value: 'sshd' }]);
    expect(byTerm.has('trusteduser')).toBe(false);
  });

  it('names a value by the field it was compared with', () => {
    const terms = termsOf(rule('fd.name startswith /etc/shadow and evt.asynctype = container'));
    expect(terms.get('shadow')).toEqual({ term: 'shadow', weight: 0.5, origins: [{ kind: 'value', value: 'fd.name' }] });
    expect(terms.get('contain')).toEqual({ term: 'contain', weight: 1.5, origins: [{ kind: 'event', value: 'container' }] });
  });

  it('treats the process-name fields as processes, and only those', () => {
    const kinds = (field: string) => termsOf(rule(`${field} = zzzproc`)).get('zzzproc')!.origins[0]!.kind;
    expect(['proc.name', 'proc.pname', 'proc.aname', 'proc.exe', 'proc.pexe', 'proc.aexe'].map(kinds)).toEqual(Array(6).fill('process'));
    expect(['proc.exepath', 'proc.cname', 'xproc.name', 'proc.names', 'proc.pexepath', 'proc.aexepath', 'proc.exeline'].map(kinds)).toEqual(Array(7).fill('value'));
  });

  it('keeps one origin per place, the word itself for name, description and output', () => {
    const terms = termsOf(rule('proc.name = shell and proc.pname = shell', '', 'Shell shells', 'shell shelling'));
    expect(terms.get('shell')!.origins).toEqual([{ kind: 'name', value: 'shell' }, { kind: 'name', value: 'shells' }, { kind: 'output', value: 'shell' }, { kind: 'output', value: 'shelling' }, { kind: 'process', value: 'shell' }]);
    expect(terms.get('shell')!.weight).toBe(ORIGIN_WEIGHTS.name);
  });

  it('leaves out a field compared with another field, and everything under a not', () => {
    const terms = termsOf(rule('proc.name = val(proc.pname) and not (proc.cmdline contains hidden or nasty_macro)', '- macro: nasty_macro\n  condition: proc.name = evilbin\n'));
    expect([...terms.keys()].sort()).toEqual(['proc']);
  });

  it('reads the words of a rule whose condition does not parse, and of a macro that does not', () => {
    expect([...termsOf(rule('proc.name = (')).keys()]).toEqual([]);
    expect([...termsOf(rule('broken_macro', '- macro: broken_macro\n  condition: proc.name = (\n')).keys()].sort()).toEqual(['broken']);
    expect([...termsOf(rule('nosuch_macro')).keys()]).toEqual([]);
  });

  it('follows a macro and a list once however often they are named, and stops at cycles', () => {
    const lists = '- list: loop_a\n  items: [loop_b, alpha]\n- list: loop_b\n  items: [loop_a, beta]\n- macro: mac_one\n  condition: proc.name in (loop_a) and mac_one\n';
    const terms = termsOf(rule('mac_one and mac_one and proc.name in (loop_b)', lists));
    // loop_b is read inside loop_a first (two levels down): naming it in the rule later adds its name only
    expect(weights(terms)).toEqual({ mac: 1.5, loop: 1, alpha: 0.32, beta: 0.256, proc: 0.3 });
  });

  it('expands a macro where it is first met: named again nearer the rule, its words keep the deeper weight', () => {
    const macros = '- macro: target_m\n  condition: proc.name = zzz\n- macro: chain_b\n  condition: target_m\n- macro: chain_a\n  condition: chain_b\n';
    const terms = termsOf(rule('chain_a and target_m', macros));
    expect(weights(terms).zzz).toBe(Math.round(1.5 * 0.8 ** 3 * 10000) / 10000); // three macros down, not one
  });
  it('stops six macros deep', () => {
    const chain = Array.from({ length: 9 }, (_, i) => `- macro: m${i}\n  condition: ${i === 8 ? 'proc.name = deepest' : `m${i + 1} and proc.name = level${'x'.repeat(i)}`}\n`).join('');
    const terms = termsOf(rule('m0', chain));
    const levels = [...terms.keys()].filter((t) => t.startsWith('level')).sort();
    expect(levels).toEqual(['level', 'levelx', 'levelxx', 'levelxxx', 'levelxxxx', 'levelxxxxx']);
    expect(terms.has('deepest')).toBe(false);
  });

  it('stops six lists deep', () => {
    const chain = Array.from({ length: 9 }, (_, i) => `- list: l${i}\n  items: [${i === 8 ? 'deepest' : `l${i + 1}, item${'x'.repeat(i)}`}]\n`).join('');
    const items = [...termsOf(rule('proc.name in (l0)', chain)).keys()].filter((t) => t.startsWith('item')).sort();
    expect(items).toEqual(['item', 'itemx', 'itemxx', 'itemxxx', 'itemxxxx', 'itemxxxxx', 'itemxxxxxx']);
  });

  it('reads the first forty items of a list', () => {
    const items = Array.from({ length: 45 }, (_, i) => `word${String.fromCharCode(97 + (i % 26))}${String.fromCharCode(97 + Math.floor(i / 26))}`);
    const terms = termsOf(rule('proc.name in (big)', `- list: big\n  items: [${items.join(', ')}]\n`));
    expect([...terms.keys()].filter((t) => t.startsWith('word')).length).toBe(40);
    expect(terms.has(items[39]!)).toBe(true);
    expect(terms.has(items[40]!)).toBe(false);
  });
});

describe('namedValues', () => {
  it('lists the API and event names the condition tests, with their fields, through macros and lists', () => {
    const text = `- list: key_events
  items: [CreateAccessKey, CreateLoginProfile, inner_events, shutdown]
- list: inner_events
  items: [UpdateAccessKey]
- macro: key_change
  condition: ct.name in (key_events)
- rule: R
  desc: d
  condition: okta.evt.type = CreateAccessKey or key_change or ct.name = "ConsoleLogin"
  output: o
  priority: WARNING
  source: aws_cloudtrail
`;
    const ruleset = rulesOf(text);
    expect(namedValues(ruleset.rules[0]!, ruleset)).toEqual([
      { value: 'ConsoleLogin', fields: ['ct.name'] },
      { value: 'CreateAccessKey', fields: ['ct.name', 'okta.evt.type'] },
      { value: 'CreateLoginProfile', fields: ['ct.name'] },
      { value: 'UpdateAccessKey', fields: ['ct.name'] },
    ]);
  });

  it('leaves out negated checks and values that are no API name', () => {
    const ruleset = rulesOf(rule('ct.name = DeleteTrail and not ct.name = StopLogging and proc.name = bash and fd.name = /etc/shadow'));
    expect(namedValues(ruleset.rules[0]!, ruleset)).toEqual([{ value: 'DeleteTrail', fields: ['ct.name'] }]);
  });

  it('takes values compared by =, ==, in and intersects only: != and contains say what the event is not, or where it came from', () => {
    const text = `- list: automation
  items: [TerraformDeployer]
${rule('ct.name == CreateAccessKey and ct.user.identitytype != "AssumedRole" and ct.useragent contains "PowerShell" and not ct.user in (automation) and ct.src startswith SignInX and ct.other intersects (PutBucketPolicy) and ct.x pmatch (GetObjectAcl)')}`;
    const ruleset = rulesOf(text);
    expect(namedValues(ruleset.rules.at(-1)!, ruleset)).toEqual([
      { value: 'CreateAccessKey', fields: ['ct.name'] },
      { value: 'PutBucketPolicy', fields: ['ct.other'] },
    ]);
    const listed = rulesOf(`${text.split('- rule:')[0]}${rule('ct.user != x and ct.name in (automation)')}`);
    expect(namedValues(listed.rules.at(-1)!, listed)).toEqual([{ value: 'TerraformDeployer', fields: ['ct.name'] }]);
  });
});
