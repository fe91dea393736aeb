// What a draft is grounded in: the technique's ATT&CK text and detection guidance, the rule source,
// the ruleset's relevant macros and lists, example rules in its idiom, the fields and events that
// exist. Pure: catalog and ruleset in, plain data out.
import type { Catalog, DetectionStrategy, Technique } from '../attack/types.js';
import { listedFields, type FieldCatalog } from '../falco/field-catalog.js';
import type { FalcoRule, Ruleset } from '../falco/types.js';
import { own } from '../own.js';
import { analyticsFor, falcoSourceFor } from '../analysis/detectability.js';
import type { LogSourceMapping } from '../upstream.js';

export interface Grounding {
  technique: Technique;
  tactics: { shortname: string; name: string; id: string }[];
  source: string;
  detections: DetectionStrategy[];
  macros: { name: string; condition: string }[];
  lists: { name: string; items: string[] }[];
  examples: FalcoRule[];
  fields: string[];
  /** Event names that the technique's text or detection guidance mentions. */
  suggestedEvents: string[];
}

/** Macros a rule in the ruleset's idiom almost always needs, when the ruleset has them. */
const CORE_MACROS = ['spawned_process', 'container', 'shell_procs', 'open_write', 'open_read', 'never_true', 'proc_name_exists'];
/** Event names that are also everyday words in ATT&CK's prose ("access", "shutdown" is the socket call). */
const AMBIGUOUS_EVENT_WORDS = new Set(['access', 'shutdown', 'syslog', 'read', 'write', 'open', 'close', 'kill', 'link', 'pipe', 'signal', 'sync', 'time', 'times', 'select', 'poll', 'send', 'recv', 'connect', 'accept', 'bind', 'listen', 'socket', 'container', 'switch', 'drop', 'mount', 'umount', 'chown', 'chmod', 'rename', 'unlink', 'clone', 'fork', 'pause', 'alarm', 'brk', 'dup', 'procinfo']);
const STOP_WORDS = new Set(['the', 'and', 'for', 'with', 'that', 'this', 'from', 'may', 'use', 'are', 'can', 'such', 'other', 'into', 'not', 'any', 'via', 'their', 'or', 'of', 'to', 'in', 'on', 'a', 'an', 'is', 'be', 'by', 'as', 'e.g', 'etc']);

export function words(text: string): Set<string> {
  return new Set((text.toLowerCase().match(/[a-z][a-z0-9_]{2,}/g) ?? []).flatMap((w) => [w, ...w.split('_')]).filter((w) => w.length > 2 && !STOP_WORDS.has(w)));
}

function overlap(a: Set<string>, b: Set<string>): number {
  let n = 0;
  for (const w of a) if (b.has(w)) n++;
  return n;
}

/**
 * The Falco source to draft for: the first one ATT&CK's analytics for the technique name a log source of
 * (data/log-sources.json; loaded sources first), else the source whose platforms match the technique.
 */
export function chooseSource(technique: Technique, sourcePlatforms: Record<string, string[]>, catalog?: Catalog, logSources: LogSourceMapping[] = [], loaded: string[] = []): string {
  const named = catalog
    ? analyticsFor(catalog, technique.id, technique.platforms).flatMap(({ analytic }) => analytic.logSources.flatMap((l) => falcoSourceFor(l.name, logSources)?.source ?? []))
    : [];
  const fromAnalytics = named.find((s) => loaded.includes(s)) ?? named[0];
  if (fromAnalytics) return fromAnalytics;
  const order = ['syscall', 'k8s_audit', 'aws_cloudtrail', 'gcp_auditlog', 'okta', 'github'];
  return order.find((s) => (own(sourcePlatforms, s) ?? []).some((p) => technique.platforms.includes(p))) ?? 'syscall';
}

/** The technique's detection strategies with the analytics for `platforms` (the ones detectability reads), or two of any when none match. */
function groundingStrategies(technique: Technique, catalog: Catalog, platforms: string[]): DetectionStrategy[] {
  const matching = analyticsFor(catalog, technique.id, platforms);
  return (catalog.detections?.get(technique.id) ?? []).map((d) => {
    const mine = matching.filter((m) => m.strategy.id === d.id).map((m) => m.analytic);
    return { ...d, analytics: mine.length > 0 ? mine : d.analytics.slice(0, 2) };
  });
}

/**
 * The macro and list names a draft for `source` can use: those its rules name (and the macros those name, through
 * any depth), and macros whose condition names one of its fields. Macros and lists carry no source of their own;
 * without this a syscall draft was offered k8s audit lists, and a CloudTrail one spawned_process.
 */
export function namesOfSource(ruleset: Ruleset, source: string, sourceFields: readonly string[]): Set<string> {
  const tokens = (condition: string): string[] => condition.match(/[A-Za-z_][\w.]*/g) ?? [];
  const fields = new Set(sourceFields);
  const pending = [
    ...ruleset.rules.filter((r) => r.source === source).flatMap((r) => tokens(r.condition)),
    ...[...ruleset.macros.values()].filter((m) => tokens(m.condition).some((t) => fields.has(t))).map((m) => m.name),
  ];
  const names = new Set<string>();
  for (let name = pending.pop(); name !== undefined; name = pending.pop()) {
    if (names.has(name) || !(ruleset.macros.has(name) || ruleset.lists.has(name))) continue;
    names.add(name);
    pending.push(...tokens(ruleset.macros.get(name)?.condition ?? ''));
  }
  return names;
}

export function buildGrounding(technique: Technique, catalog: Catalog, ruleset: Ruleset, fieldCatalog: FieldCatalog, source: string, sourcePlatforms: Record<string, string[]>): Grounding {
  const strategies = groundingStrategies(technique, catalog, own(sourcePlatforms, source) ?? []);
  const guidance = words([technique.detection ?? '', ...strategies.flatMap((d) => d.analytics.flatMap((a) => [a.description, ...a.logSources.map((l) => l.channel)]))].join(' '));
  const text = [technique.name, technique.description, technique.detection ?? '', ...strategies.flatMap((d) => [d.name, ...d.analytics.flatMap((a) => [a.description, ...a.logSources.map((l) => l.channel)])])].join(' ');
  const topic = words(text);
  const fields = listedFields(fieldCatalog, source);
  const usable = namesOfSource(ruleset, source, fields);
  const macros = [...ruleset.macros.values()]
    .filter((m) => usable.has(m.name))
    .map((m) => ({ m, score: CORE_MACROS.includes(m.name) ? 100 : overlap(topic, words(`${m.name} ${m.condition}`)) }))
    .filter((x) => x.score > 0)
    .sort((a, b) => b.score - a.score || (a.m.name < b.m.name ? -1 : 1))
    .slice(0, 14)
    .map(({ m }) => ({ name: m.name, condition: m.condition }));
  const referenced = new Set(macros.flatMap((m) => m.condition.match(/[a-z_][a-z0-9_]*/g) ?? []));
  const lists = [...ruleset.lists.values()]
    .filter((l) => usable.has(l.name))
    .map((l) => ({ l, score: referenced.has(l.name) ? 50 : overlap(topic, words(`${l.name} ${l.items.join(' ')}`)) }))
    .filter((x) => x.score > 0)
    .sort((a, b) => b.score - a.score || (a.l.name < b.l.name ? -1 : 1))
    .slice(0, 10)
    .map(({ l }) => ({ name: l.name, items: l.items.slice(0, 15) }));
  const sameSource = ruleset.rules.filter((r) => r.source === source && r.isEnabled);
  const examples = sameSource
    .map((r) => ({ r, score: overlap(topic, words(`${r.name} ${r.desc} ${r.condition}`)) + (r.tags.some((t) => technique.tactics.some((s) => t.value === `mitre_${s.replace(/-/g, '_')}`)) ? 5 : 0) }))
    .sort((a, b) => b.score - a.score || (a.r.name < b.r.name ? -1 : 1))
    .slice(0, 2)
    .map(({ r }) => r);
  return {
    technique,
    tactics: technique.tactics.map((s) => catalog.tactics.find((t) => t.shortname === s)!).filter(Boolean).map((t) => ({ shortname: t.shortname, name: t.name, id: t.id })),
    source,
    detections: strategies,
    macros,
    lists,
    examples,
    fields,
    suggestedEvents: source === 'syscall' ? [...fieldCatalog.events.keys()].filter((e) => guidance.has(e) && !AMBIGUOUS_EVENT_WORDS.has(e)) : [],
  };
}
