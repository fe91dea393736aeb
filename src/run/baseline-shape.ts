// The shape a baseline report.json must have for compareReports to read it: every field it touches,
// with its type. A schemaVersion 1 file with the wrong shapes inside is refused, never half-compared. Pure.

type Shape = 'string' | 'number' | 'boolean' | 'string[]' | { [key: string]: Shape | `${string}?` } | [Shape];

const FINDING: Shape = { code: 'string', severity: 'string', rule: 'string', file: 'string', line: 'number', message: 'string' };
const BASELINE: Shape = {
  generatedAt: 'string',
  inputs: { attack: { version: 'string' }, rules: [{ path: 'string' }] },
  // Which platforms it counted: another scope counts other techniques, and the comparison says so.
  scope: { platforms: 'string[]' },
  // The counts too: deltas and --max-coverage-drop are made from the exact shares.
  summary: { techniques: { percent: 'number', covered: 'number', partial: 'number', total: 'number' } },
  tactics: [{ shortname: 'string', name: 'string', percent: 'number', covered: 'number', partial: 'number', total: 'number' }],
  techniques: [{ id: 'string', name: 'string', inScope: 'boolean', status: 'string', rules: 'string[]' }],
  findings: [FINDING],
};
const OPTIONAL_FINDING_FIELDS = ['tag', 'technique', 'tactic'];

function typeName(value: unknown): string {
  return value === undefined ? 'missing' : value === null ? 'null' : Array.isArray(value) ? 'a list' : typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

function problemAt(value: unknown, shape: Shape, where: string): string | undefined {
  if (shape === 'string[]') return Array.isArray(value) && value.every((v) => typeof v === 'string') ? undefined : `${where} is ${typeName(value)}, expected a list of strings`;
  if (typeof shape === 'string') return typeof value === shape ? undefined : `${where} is ${typeName(value)}, expected a ${shape}`;
  if (Array.isArray(shape)) {
    if (!Array.isArray(value)) return `${where} is ${typeName(value)}, expected a list`;
    for (const [i, item] of value.entries()) {
      const problem = problemAt(item, shape[0], `${where}[${i}]`);
      if (problem) return problem;
    }
    return undefined;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return `${where} is ${typeName(value)}, expected an object`;
  for (const [key, inner] of Object.entries(shape)) {
    const problem = problemAt((value as Record<string, unknown>)[key], inner as Shape, where ? `${where}.${key}` : key);
    if (problem) return problem;
  }
  return undefined;
}

/** The first place where `value` is not a report.json compareReports can read, as "techniques[3].rules is …"; undefined when it is. */
export function baselineShapeProblem(value: unknown): string | undefined {
  const problem = problemAt(value, BASELINE, '');
  if (problem) return problem;
  const findings = (value as { findings: Record<string, unknown>[] }).findings;
  for (const [i, finding] of findings.entries()) {
    for (const key of OPTIONAL_FINDING_FIELDS) {
      if (finding[key] !== undefined && typeof finding[key] !== 'string') return `findings[${i}].${key} is ${typeName(finding[key])}, expected a string`;
    }
  }
  return undefined;
}
