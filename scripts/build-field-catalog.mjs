#!/usr/bin/env node
// Builds attack-cov's own field and event catalogues (data/falco-fields.json, data/falco-events.json)
// from Falco's field and event references: `falco --list=syscall --markdown`, `falco --list-events
// --markdown` and the plugins' README field tables (test/data/falco-reference, kept in the repository). Only names, types and
// argument kinds are kept. Run again when Falco adds fields: node scripts/build-field-catalog.mjs [dir]
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const dir = process.argv[2] ?? path.join(root, 'test', 'data', 'falco-reference');
const read = (name) => readFileSync(path.join(dir, name), 'utf8');

/** Fields of the syscall reference, by "Field Class" section. */
function syscallSections(text) {
  const sections = new Map();
  let current;
  for (const line of text.split('\n')) {
    const heading = /^### Field Class: (.+)$/.exec(line);
    if (heading) sections.set((current = heading[1].trim()), []);
    const row = /^`([^`]+)` \| ([A-Z0-9_()]+) \|/.exec(line);
    if (row && current) sections.get(current).push({ name: row[1], type: row[2] });
  }
  return sections;
}

/** Fields of a plugin README table: name, type, arg column. */
function pluginFields(text) {
  return text.split('\n').flatMap((line) => {
    const cells = line.split('|').map((c) => c.trim());
    const name = /^`([^`]+)`$/.exec(cells[1] ?? '');
    if (!name) return [];
    return [{ name: name[1], type: (cells[2] ?? '').replace(/`/g, ''), arg: cells[3] ?? 'None' }];
  });
}

/** Argument kinds of syscall-reference fields, which that reference gives only in prose. */
const SYSCALL_ARGS = {
  'evt.arg': 'key!', 'evt.rawarg': 'key!', 'evt.type.is': 'key!', 'evt.around': 'index!',
  'proc.aname': 'index', 'proc.apid': 'index', 'proc.aexe': 'index', 'proc.aexepath': 'index', 'proc.aargs': 'index', 'proc.acmdline': 'index',
  'proc.aenv': 'key', 'proc.env': 'key', 'fd.types': 'index',
  'container.mount': 'key', 'container.mount.source': 'key', 'container.mount.dest': 'key', 'container.mount.mode': 'key', 'container.mount.rdwr': 'key', 'container.mount.propagation': 'key',
  'container.label': 'key!', 'k8s.pod.label': 'key!', 'k8s.ns.label': 'key!', 'k8s.rc.label': 'key!', 'k8s.rs.label': 'key!', 'k8s.svc.label': 'key!', 'k8s.deployment.label': 'key!',
};

/**
 * Fields Falco deprecated and hides from `falco --list` but still loads, with a warning (falco_load_result.h,
 * deprecated_field): [type, the Falco version that deprecated it]. Since 0.42.0 Falco drops enter events, so
 * `evt.dir = <` matches every event and `evt.dir = >` none (falco.org/docs/concepts/rules/conditions).
 */
const DEPRECATED_SYSCALL = {
  'evt.dir': ['CHARBUF', '0.42.0'],
  'evt.latency': ['RELTIME', '0.43.0'],
  'evt.latency.s': ['RELTIME', '0.43.0'],
  'evt.latency.ns': ['RELTIME', '0.43.0'],
  'evt.latency.human': ['CHARBUF', '0.43.0'],
  'evt.wait.latency': ['RELTIME', '0.43.0'],
};

/** "Key, Required" → key!, "Index" → index, "None" → none. */
function pluginArg(arg) {
  const text = arg.toLowerCase();
  if (text === 'none' || text === '') return undefined;
  const kind = text.includes('key') ? 'key' : 'index';
  return text.includes('required') ? `${kind}!` : kind;
}

function add(target, fields, argOf) {
  for (const f of fields) {
    const arg = argOf(f);
    target[f.name] = arg ? [f.type, arg] : [f.type];
  }
}

const sections = syscallSections(read('supported-fields.md'));
const generalEvt = sections.get('evt') ?? [];
const plugin = (name) => pluginFields(read(`plugin-fields/${name}.md`));
const sources = {};
const syscall = (sources.syscall = {});
for (const fields of sections.values()) add(syscall, fields, (f) => SYSCALL_ARGS[f.name]);
for (const name of ['container', 'k8smeta']) add(syscall, plugin(name), (f) => pluginArg(f.arg) ?? SYSCALL_ARGS[f.name]);
// The json plugin is an extractor for every plugin source (it declares none, and reads any JSON payload): the
// official k8saudit rules require it and use its jevt.* fields.
const json = plugin('json');
for (const [source, file] of [['k8s_audit', 'k8saudit'], ['aws_cloudtrail', 'cloudtrail'], ['okta', 'okta'], ['github', 'github'], ['gcp_auditlog', 'gcpaudit']]) {
  sources[source] = {};
  add(sources[source], generalEvt, () => undefined);
  add(sources[source], json, (f) => pluginArg(f.arg));
  add(sources[source], plugin(file), (f) => pluginArg(f.arg));
}
const sorted = (object) => Object.fromEntries(Object.entries(object).sort(([a], [b]) => (a < b ? -1 : 1)));
writeFileSync(
  path.join(root, 'data', 'falco-fields.json'),
  `${JSON.stringify({
    $comment: 'attack-cov field catalogue: [type, arg] per field and source; arg is index or key, ! when required; deprecated: [type, deprecated since] of fields Falco still loads with a warning but leaves out of --list. Built by scripts/build-field-catalog.mjs from Falco 0.44.0 field references.',
    sources: Object.fromEntries(Object.entries(sources).map(([k, v]) => [k, sorted(v)])),
    deprecated: { syscall: DEPRECATED_SYSCALL },
  }, null, 1)}\n`,
);

// Events: every syscall, tracepoint and meta event name, and the parameter names each has (evt.arg.<name>), in
// their order, so that evt.arg[N] names the Nth. Those of the exit event (`<`): since Falco 0.42 it is the only one
// Falco evaluates, and it carries the enter event's parameters too; the enter event's for an event without one.
// And how many event codes each name has (libsinsp names_to_event_set: every code of Falco's event table with that
// name), for the event types a syscall rule's condition selects: a syscall has its enter and exit code (the reference
// lists most syscalls' exit event alone since Falco 0.42; the table still has both), any other event a code per row,
// and the syscalls whose row is the generic event's (SYSCALLID ID, nativeID) share its two codes. The table's old
// versions of an event are not in the reference (execve has 8 pairs there): a count here is at most Falco's.
const events = {};
const hasExit = new Set();
const generic = new Set();
const codes = {};
let section = '';
for (const line of read('supported-events.md').split('\n')) {
  section = /^## (.*)$/.exec(line)?.[1] ?? section;
  const row = /^(?:Yes|No) \| `([<>])` \| `([a-z_0-9]+)` \| (.*)$/.exec(line);
  if (!row) continue;
  const [, direction, name, rest] = row;
  if (rest.startsWith('SYSCALLID **ID**')) generic.add(name);
  else codes[name] = section === 'Syscall events' ? 2 : (codes[name] ?? 0) + 1;
  const params = [...new Set([...rest.matchAll(/\*\*([a-z_0-9]+)\*\*/g)].map((m) => m[1]))];
  if (direction === '<' && !hasExit.has(name)) {
    hasExit.add(name);
    events[name] = params;
  } else if (!hasExit.has(name)) events[name] ??= params;
}
writeFileSync(
  path.join(root, 'data', 'falco-events.json'),
  `${JSON.stringify({
    $comment: 'Falco event names with their parameter names in order (those of the exit event); generic: the syscalls of the generic event, whose two codes they share; codes: how many event codes each other name has in the event table of Falco (a syscall has an enter and an exit code), old versions left out. Built by scripts/build-field-catalog.mjs from `falco --list-events --markdown` (Falco 0.44.0).',
    events: sorted(events),
    generic: [...generic].sort(),
    codes: sorted(codes),
  }, null, 1)}\n`,
);
console.log(`fields: ${Object.entries(sources).map(([k, v]) => `${k} ${Object.keys(v).length}`).join(', ')}; events: ${Object.keys(events).length}`);
