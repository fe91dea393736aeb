// Reads a baseline report.json for `report --baseline`, refusing what cannot be compared.
import { SCHEMA_VERSION, type CoverageReport } from '../coverage-report.js';
import { InputError } from '../errors.js';
import { readJsonInput } from './read-json.js';
import { baselineShapeProblem } from './baseline-shape.js';

/** The baseline `file` (resolved against `cwd`), named in errors as given. */
export async function readBaseline(file: string, cwd: string): Promise<CoverageReport> {
  const value = readJsonInput(file, cwd, { what: 'a report.json', hint: 'pass the report.json of an earlier run', missing: 'no such baseline file' }) as Partial<CoverageReport>;
  if (typeof value !== 'object' || value === null || Array.isArray(value) || value.schemaVersion === undefined) {
    throw new InputError(file, 'not an attack-cov report.json (no schemaVersion)', 'pass the report.json of an earlier run');
  }
  if (typeof value.schemaVersion !== 'number') {
    throw new InputError(file, `not an attack-cov report.json (schemaVersion ${JSON.stringify(value.schemaVersion)} is no number)`, 'pass the report.json of an earlier run');
  }
  if (value.schemaVersion !== SCHEMA_VERSION) {
    throw new InputError(file, `report schema version ${value.schemaVersion} cannot be compared with this attack-cov's version ${SCHEMA_VERSION}`, 'make a new baseline with this version of attack-cov');
  }
  const problem = baselineShapeProblem(value);
  if (problem) throw new InputError(file, `not a usable report.json: ${problem}`, 'pass the report.json of an earlier run, as attack-cov wrote it');
  return value as CoverageReport;
}
