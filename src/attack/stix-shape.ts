// Checks that the fields attack-cov reads from a STIX object have the types STIX gives them, so that a
// bundle with a description that is an object or tactic_refs that is a string is refused with a clear
// message instead of crashing normalize. Pure.

type Check = (value: unknown) => boolean;

const isString: Check = (v) => typeof v === 'string';
const isBoolean: Check = (v) => typeof v === 'boolean';
const isStringArray: Check = (v) => Array.isArray(v) && v.every(isString);
const isArrayOf =
  (fields: Record<string, { check: Check; isOptional?: boolean }>): Check =>
  (v) =>
    Array.isArray(v) &&
    v.every((item) => typeof item === 'object' && item !== null && !Array.isArray(item) && Object.entries(fields).every(([key, { check, isOptional }]) => (isOptional && (item as Record<string, unknown>)[key] === undefined) || (Object.hasOwn(item, key) && check((item as Record<string, unknown>)[key]))));

const FIELDS: [string, Check, string][] = [
  ...['id', 'name', 'description', 'spec_version', 'x_mitre_shortname', 'x_mitre_version', 'relationship_type', 'source_ref', 'target_ref', 'x_mitre_detection'].map((k): [string, Check, string] => [k, isString, 'a string']),
  ...['revoked', 'x_mitre_deprecated', 'x_mitre_is_subtechnique'].map((k): [string, Check, string] => [k, isBoolean, 'true or false']),
  ...['x_mitre_platforms', 'x_mitre_domains', 'tactic_refs', 'x_mitre_analytic_refs'].map((k): [string, Check, string] => [k, isStringArray, 'a list of strings']),
  ['kill_chain_phases', isArrayOf({ kill_chain_name: { check: isString }, phase_name: { check: isString } }), 'a list of {kill_chain_name, phase_name}'],
  ['external_references', isArrayOf({ source_name: { check: isString }, external_id: { check: isString, isOptional: true }, url: { check: isString, isOptional: true } }), 'a list of {source_name, external_id, url}'],
  ['x_mitre_log_source_references', isArrayOf({ name: { check: isString }, channel: { check: isString } }), 'a list of {name, channel}'],
];

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

/** The first field of `object` with the wrong type, as a sentence; undefined when the object is usable. */
export function stixShapeProblem(object: unknown): string | undefined {
  if (typeof object !== 'object' || object === null || Array.isArray(object)) return `an element of "objects" is ${describe(object)}, not a STIX object`;
  const record = object as Record<string, unknown>;
  if (typeof record.type !== 'string') return `an object has ${record.type === undefined ? 'no "type"' : `a "type" that is ${describe(record.type)}`}`;
  for (const [key, check, expected] of FIELDS) {
    if (!Object.hasOwn(record, key) || record[key] === undefined) continue;
    if (!check(record[key])) return `${typeof record.id === 'string' ? record.id : record.type}: "${key}" is ${describe(record[key])}, expected ${expected}`;
  }
  return undefined;
}
