// Checks each rules-file item against the shape Falco accepts: keys, required keys, priority, source. Pure.
import { OTHER_ITEM_KEYS } from '../falco/parse.js';
import type { RawItem } from '../falco/types.js';
import { scalarText } from '../falco/yaml-cst.js';
import { tagsAsList } from '../falco/tags.js';
import { falcoBool, isDefinitionItem, isEnableItem, isLegacyAppend } from '../falco/ruleset.js';
import { closeSource, misnamedSource, skipsSource } from '../falco/source-names.js';
import type { ValidationIssue } from './types.js';

const PRIORITIES = ['emergency', 'alert', 'critical', 'error', 'warning', 'notice', 'info', 'informational', 'debug'];
const KEYS: Record<string, string[]> = {
  // capture_events and capture_filesize: Falco 0.44 (falco#3824).
  rule: ['rule', 'desc', 'condition', 'output', 'priority', 'tags', 'enabled', 'source', 'exceptions', 'append', 'override', 'warn_evttypes', 'skip-if-unknown-filter', 'capture', 'capture_duration', 'capture_events', 'capture_filesize'],
  macro: ['macro', 'condition', 'append', 'override', 'source'],
  list: ['list', 'items', 'append', 'override'],
};
/** What Falco reads of a rule item with `append: true`: the rest is ignored. */
const LEGACY_APPEND_KEYS = ['rule', 'append', 'condition', 'exceptions'];
/** What Falco reads of a rule item that enables or disables a rule (`append: false` changes nothing). */
const ENABLE_KEYS = ['rule', 'enabled', 'append'];
/** Names Falco's reader takes: RGX_IDENTIFIER for a macro, RGX_BARESTR for a list (the words a condition can hold). */
const NAME_PATTERNS = { macro: /^[a-zA-Z]+[a-zA-Z0-9_]*$/, list: /^[^()"'\t\n\v\f\r =,]+$/ };
/** A version sinsp_version parses (x.y.z); required_engine_version may also be a number (e.g. 10). */
const SEMVER = /^\d+\.\d+\.\d+/;
const REQUIRED_FOR_NEW_RULE = ['condition', 'output', 'desc', 'priority'];

function issue(item: RawItem, code: string, severity: ValidationIssue['severity'], message: string, key?: string): ValidationIssue {
  const at = (key && item.keyPositions[key]) || item.position;
  return { code, severity, file: at.file, line: at.line, column: at.column, item: item.name, message };
}

/** `knownSources`: sources attack-cov has fields for (and their aliases). */
export function checkItemSchema(item: RawItem, knownSources: Set<string>): ValidationIssue[] {
  const issues: ValidationIssue[] = (item.duplicateKeys ?? []).map((d) => ({
    code: 'duplicate-key',
    severity: 'warning',
    file: d.position.file,
    line: d.position.line,
    column: d.position.column,
    item: item.name,
    message: `key "${d.key}" is written again; Falco uses the first one, at line ${d.first.line}:${d.first.column}, and ignores this one`,
  }));
  if (item.kind === 'other') {
    if (OTHER_ITEM_KEYS.some((key) => key in item.fields)) return [...issues, ...versionIssues(item)];
    const keys = Object.keys(item.fields).join(', ') || 'none';
    return [...issues, issue(item, 'unknown-item', 'warning', `not a rule, macro or list (keys: ${keys}); Falco warns ("Unknown rules file item") and loads past it`)];
  }
  for (const key of Object.keys(item.fields)) {
    // Falco's reader reads only the keys it knows; its rules schema check reports the rest, and loading goes on.
    if (!KEYS[item.kind]!.includes(key)) issues.push(issue(item, 'unknown-key', 'warning', `${item.kind} "${item.name}" has an unknown key "${key}", which Falco ignores`, key));
  }
  const isModification = !isDefinitionItem(item);
  if (item.kind === 'rule' && !isModification) {
    for (const key of REQUIRED_FOR_NEW_RULE) {
      if (item.fields[key] === undefined || item.fields[key] === null || item.fields[key] === '') issues.push(issue(item, 'missing-key', 'error', `rule "${item.name}" has no ${key}`));
    }
  }
  if (item.kind === 'macro' && !isModification && (item.fields.condition === undefined || item.fields.condition === '')) issues.push(issue(item, 'missing-key', 'error', `macro "${item.name}" has no condition`));
  if (item.kind === 'list' && item.fields.items === undefined) issues.push(issue(item, 'missing-key', 'error', `list "${item.name}" has no items`));
  if (item.kind !== 'rule' && !NAME_PATTERNS[item.kind].test(item.name)) {
    // A warning since Falco 0.38 (falco#3167), which loads the item; no condition can name it.
    issues.push(issue(item, 'bad-name', 'warning', `${item.kind} name "${item.name}" is not one a condition can use (${item.kind === 'macro' ? 'a letter, then letters, digits or _' : 'no blank, quote, parenthesis, = or ,'}); Falco warns and loads it`, item.kind));
  }
  const priority = item.fields.priority;
  if (priority !== undefined && !PRIORITIES.includes(scalarText(priority).toLowerCase())) {
    issues.push(issue(item, 'bad-priority', 'error', `priority "${scalarText(priority)}" is not one of ${PRIORITIES.map((p) => p.toUpperCase()).join(', ')}`, 'priority'));
  }
  // No source, or an empty one (bad-value's finding), is no unknown source: scalarText gives '' for undefined and null.
  const source = scalarText(item.fields.source);
  if (source.trim() !== '' && !knownSources.has(source)) {
    // A plugin's name or a known source's other case: Falco skips the rule; a near miss (sycall) gets a hint.
    const close = closeSource(source);
    const unchecked = `source "${source}" is not one attack-cov knows the fields of; its fields are not checked`;
    const misnamed = misnamedSource(source);
    const message = misnamed ? `${misnamed}: ${skipsSource(source)}` : close ? `${unchecked}; did you mean ${close}? (${skipsSource(source)} unless a loaded plugin has that source)` : unchecked;
    issues.push(issue(item, 'unknown-source', 'warning', message, 'source'));
  }
  const enabled = item.fields.enabled;
  if (item.kind === 'rule' && enabled !== undefined && falcoBool(enabled) === undefined) issues.push(badBool(item, 'enabled'));
  if (item.fields.append !== undefined && falcoBool(item.fields.append) === undefined) issues.push(badBool(item, 'append'));
  if (item.kind === 'rule') issues.push(...OTHER_BOOLS.filter((key) => item.fields[key] !== undefined && falcoBool(item.fields[key]) === undefined).map((key) => badBool(item, key)));
  issues.push(...ignoredKeys(item), ...deprecationIssues(item));
  if (item.fields.tags !== undefined && !Array.isArray(item.fields.tags)) {
    const list = tagsAsList(item.fields.tags);
    issues.push(issue(item, 'bad-tags', 'error', `tags must be a list${list ? `: write tags: ${list}` : ''}`, 'tags'));
  }
  if (item.kind === 'list' && item.fields.items !== undefined && !Array.isArray(item.fields.items)) issues.push(issue(item, 'bad-items', 'error', 'items must be a list', 'items'));
  issues.push(...shapeIssues(item));
  return issues;
}

/** Keys Falco's reader reads as one scalar (decode_val: "Value is not a scalar value" for a list or map). */
const SCALAR_KEYS = ['condition', 'output', 'desc', 'priority', 'source'];

/** What Falco's reader refuses in the shape of an item's values: a list or map where one scalar goes, a list, map
 * or null among the tags or a list's items ("sequence value is not scalar"), an empty source ("Value must be non-empty"). */
function shapeIssues(item: RawItem): ValidationIssue[] {
  const isCollection = (value: unknown): boolean => typeof value === 'object' && value !== null;
  const kindOf = (value: unknown): string => (Array.isArray(value) ? 'a list' : 'a map');
  const issues = SCALAR_KEYS.filter((key) => isCollection(item.fields[key])).map((key) =>
    issue(item, 'bad-value', 'error', `${key} is ${kindOf(item.fields[key])}, not one value (Falco: "Value is not a scalar value")`, key));
  const source = item.fields.source;
  if (source === null || (typeof source === 'string' && source.trim() === '')) issues.push(issue(item, 'bad-value', 'error', 'source is empty (Falco refuses it: "Value must be non-empty"); leave the key out for syscall', 'source'));
  for (const [key, code] of [['tags', 'bad-tags'], ['items', 'bad-items']] as const) {
    const values = item.fields[key];
    // null: a plain null, ~ or an empty entry, which yaml-cpp reads as a Null node, not a scalar.
    const bad = Array.isArray(values) ? values.find((value: unknown) => value === null || isCollection(value)) : undefined;
    if (bad !== undefined) {
      const what = bad === null ? 'an empty value (null, ~ or nothing)' : kindOf(bad);
      issues.push(issue(item, code, 'error', `${key} holds ${what} among its values (Falco: "sequence value is not scalar")`, key));
    }
  }
  return issues;
}

/** Keys of a rule item that Falco's reader does not read, each a warning. */
function ignoredKeys(item: RawItem): ValidationIssue[] {
  const reads = keysFalcoReads(item);
  if (!reads) return [];
  return Object.keys(item.fields)
    .filter((key) => !reads.keys.includes(key) && KEYS.rule!.includes(key))
    .map((key) => issue(item, 'ignored-key', 'warning', `${reads.why}; ${key} ignored`, key));
}

/** For a rule item Falco reads only part of: that part, and why. */
function keysFalcoReads(item: RawItem): { keys: string[]; why: string } | undefined {
  if (isEnableItem(item)) return { keys: ENABLE_KEYS, why: 'enabled without condition, output, desc or priority only enables or disables the rule' };
  if (item.kind === 'rule' && isLegacyAppend(item) && item.fields.override === undefined) return { keys: LEGACY_APPEND_KEYS, why: 'append: true appends only condition and exceptions' };
  return undefined;
}

/** bad-version: a required_engine_version or plugin version Falco cannot parse ("Unable to parse engine version
 * '…' as a semver string", "Invalid required version '…' for plugin '…'"). */
function versionIssues(item: RawItem): ValidationIssue[] {
  // The item has no name: the issue names its key.
  const error = (message: string, key: string): ValidationIssue => ({ ...issue(item, 'bad-version', 'error', message, key), item: key });
  const bad = (what: string, value: unknown, key: string): ValidationIssue => error(`${what} "${scalarText(value)}" is not a version Falco reads (x.y.z)`, key);
  const engine = item.fields.required_engine_version;
  if (engine !== undefined) return /^\d+$/.test(scalarText(engine)) || SEMVER.test(scalarText(engine)) ? [] : [bad('required_engine_version', engine, 'required_engine_version')];
  const key = 'required_plugin_versions';
  if (!Object.hasOwn(item.fields, key)) return [];
  const plugins = item.fields[key];
  // Falco's reader (rule_loader_reader.cpp) refuses the file for each of these, in these words.
  if (!Array.isArray(plugins)) return [error('the value of required_plugin_versions must be a list', key)];
  const issues: ValidationIssue[] = [];
  // Whether the entry is a mapping (its alternatives are checked then, even when its own version is wrong).
  const requirement = (entry: unknown, what: string): entry is Record<string, unknown> => {
    if (!isMapping(entry)) {
      issues.push(error(`${what} must be a mapping (name: and version:)`, key));
      return false;
    }
    if (!present(entry.name)) issues.push(error(`${what} has no name`, key));
    else if (!present(entry.version)) issues.push(error(`${what} "${scalarText(entry.name)}" has no version: Falco refuses an entry without one`, key));
    else if (!SEMVER.test(scalarText(entry.version))) issues.push(bad(`plugin ${scalarText(entry.name)}: version`, entry.version, key));
    return true;
  };
  for (const plugin of plugins) {
    if (!requirement(plugin, 'a required plugin')) continue;
    const alternatives = plugin.alternatives;
    if (alternatives === undefined) continue;
    if (!Array.isArray(alternatives)) {
      issues.push(error(`the alternatives of plugin ${scalarText(plugin.name)} must be a list`, key));
      continue;
    }
    for (const alternative of alternatives) requirement(alternative, `an alternative of plugin ${scalarText(plugin.name)}`);
    // The requirement and its alternatives are one set to Falco's collector: each name at most once.
    const names = [plugin, ...alternatives].filter(isMapping).map((entry) => scalarText(entry.name)).filter((name) => name !== '');
    const repeated = names.find((name, index) => names.indexOf(name) !== index);
    if (repeated !== undefined) issues.push(error(`plugin ${repeated} is named twice among a requirement and its alternatives: Falco refuses it ("Defined multiple alternative version requirements for plugin '${repeated}'")`, key));
  }
  return issues;
}

const isMapping = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
// Falco's decode_val: a missing key, an empty value and an empty string are each refused (scalarText gives '' for all three).
const present = (value: unknown): boolean => scalarText(value) !== '';

/** What an append item appends to, as `override:` writes it: a list's items, a macro's condition, and of a rule the
 * condition and exceptions it carries (its condition when it carries neither, which Falco refuses anyway). */
function appendOverride(item: RawItem): string {
  if (item.kind === 'list') return 'items: append';
  const keys = item.kind === 'rule' ? ['condition', 'exceptions'].filter((key) => Object.hasOwn(item.fields, key)) : [];
  return (keys.length > 0 ? keys : ['condition']).map((key) => `${key}: append`).join(', ');
}

/** deprecated-append, deprecated-enabled: what Falco 0.44 loads with a LOAD_DEPRECATED_ITEM warning. */
function deprecationIssues(item: RawItem): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  if (falcoBool(item.fields.append) === true) {
    issues.push(issue(item, 'deprecated-append', 'warning', `'append' is deprecated (Falco warns on load): write override: {${appendOverride(item)}} instead`, 'append'));
  }
  if (isEnableItem(item)) {
    issues.push(issue(item, 'deprecated-enabled', 'warning', "'enabled' alone is deprecated (Falco warns on load): add override: {enabled: replace}", 'enabled'));
  }
  return issues;
}

/** A rule's other keys Falco decodes as a bool, or refuses the file: `skip-if-unknown-filter: maybe` is an error,
 * not a rule Falco keeps, and so is an empty value (its reader's decode_val: "Mapping for key '…' is empty"). */
const OTHER_BOOLS = ['skip-if-unknown-filter', 'warn_evttypes', 'capture'] as const;

/** bad-enabled, bad-append, bad-boolean (the other keys): a value Falco refuses to read as a bool ("Can't decode
 * YAML scalar value"). */
function badBool(item: RawItem, key: 'enabled' | 'append' | (typeof OTHER_BOOLS)[number]): ValidationIssue {
  const code = key === 'enabled' || key === 'append' ? `bad-${key}` : 'bad-boolean';
  if (item.fields[key] === null) return issue(item, code, 'error', `${key} is empty: Falco refuses the file ("Mapping for key '${key}' is empty"); write true or false`, key);
  return issue(item, code, 'error', `${key} "${scalarText(item.fields[key])}" is not a boolean Falco reads (true/false, yes/no, on/off, y/n)`, key);
}
