// .attack-cov.yaml: the project configuration, parsed and validated with file:line:col errors. Pure: text
// in, ProjectConfig out; unknown keys are refused with the closest known one.
import type { LineCounter, Node, YAMLMap } from 'yaml';
import { yamlLib } from '../falco/yaml-lib.js';
import { firstYamlError } from '../falco/yaml-errors.js';

// yaml is loaded only when a config file is there to read (a run without one never pays for it).
type Yaml = typeof import('yaml');
const isMap = ((node: unknown) => yamlLib().isMap(node)) as Yaml['isMap'];
const isScalar = ((node: unknown) => yamlLib().isScalar(node)) as Yaml['isScalar'];
const isSeq = ((node: unknown) => yamlLib().isSeq(node)) as Yaml['isSeq'];
import type { SuppressionRule } from '../analysis/suppress.js';
import { InputError } from '../errors.js';
import { minCoveragePercent, parseDrop } from '../analysis/gates.js';
import { FORMAT_VALUES } from '../report/format-names.js';
import { splitCommaList } from '../collections.js';
import { editDistance } from '../falco/tags.js';
import { normalizedSha256, sha256PinProblem } from '../attack/sha256-pin.js';

export { CONFIG_FILE_NAME } from '../paths.js';

export interface ProjectConfig {
  /** The config file as shown to the user. */
  file: string;
  /** Paths are resolved against this folder (the config's own). */
  dir: string;
  rules?: string[];
  attack?: string;
  /** The sha256 the ATT&CK bundle must have (lower case). */
  attackSha256?: string;
  platforms?: string[];
  threats?: string[];
  formats?: string[];
  out?: string;
  score?: string;
  failOn?: string;
  minCoverage?: string[];
  maxCoverageDrop?: string;
  sourceRoot?: string;
  suppressions: SuppressionRule[];
  /** Where each value of `platforms` and `threats` is written ("file:line:col"), in order: they are checked only once
   * ATT&CK is loaded, and an unknown one is named there. */
  valueAt: { platforms?: string[]; threats?: string[]; attackSha256?: string; attack?: string; rules?: string[]; minCoverage?: string[] };
}

const FAIL_ON = ['error', 'warning', 'info', 'new', 'none'];
const SCORES = ['count', 'priority', 'maturity'];
const KEYS: Record<string, string[]> = {
  '': ['rules', 'attack', 'attack-sha256', 'scope', 'threats', 'outputs', 'gates', 'source-root', 'suppressions'],
  scope: ['platforms'],
  outputs: ['formats', 'out', 'score'],
  gates: ['fail-on', 'min-coverage', 'max-coverage-drop'],
  suppression: ['code', 'rule', 'tag', 'file', 'reason', 'until'],
};

/** What is wrong with a config value, or undefined. */
type Check = (value: string) => string | undefined;

/** A Check from a parser that throws (the one the command line's flags go through): its message is the problem. */
function problemOf(parse: (value: string) => unknown): Check {
  return (value) => {
    try {
      parse(value);
      return undefined;
    } catch (error) {
      return (error as Error).message;
    }
  };
}

class Reader {
  constructor(
    readonly file: string,
    readonly lines: LineCounter,
  ) {}

  where(node: Node | null | undefined): string {
    const { line, col } = this.lines.linePos(node?.range?.[0] ?? 0);
    return `${this.file}:${line}:${col}`;
  }

  fail(node: Node | null | undefined, detail: string, hint?: string): never {
    throw new InputError(this.where(node), detail, hint);
  }

  map(node: unknown, where: string): YAMLMap {
    if (!isMap(node)) this.fail(node as Node, `${where} must be a mapping`);
    const known = KEYS[where === 'the file' ? '' : where]!;
    for (const pair of node.items) {
      const key = isScalar(pair.key) ? String(pair.key.value) : '';
      if (known.includes(key)) continue;
      const near = known.map((k) => ({ k, d: editDistance(k, key) })).sort((a, b) => a.d - b.d)[0];
      this.fail(pair.key as Node, `unknown key "${key}"${where === 'the file' ? '' : ` in ${where}`}${near && near.d <= 3 ? `; did you mean "${near.k}"?` : ''}`, `known keys: ${known.join(', ')}`);
    }
    return node;
  }

  /** `check` says what is wrong with a value (undefined: nothing), for values with more rules than a list of words. */
  scalar(node: unknown, key: string, allowed?: string[], check?: Check): string {
    // typeof null is 'object': an empty value is refused here too; so is a bool, which no key takes (QA: `rules: [true]`
    // was read as a path named true, with no line in the error).
    if (!isScalar(node) || typeof node.value === 'object' || typeof node.value === 'boolean' || String(node.value).trim() === '') {
      this.fail(node as Node, `${key} must be a non-empty text or number${isScalar(node) && typeof node.value === 'boolean' ? `, not ${String(node.source ?? node.value)}` : ''}`);
    }
    const value = String(node.value);
    if (allowed && !allowed.includes(value)) this.fail(node, `${key} must be one of ${allowed.join(', ')}, not ${value}`);
    const problem = check?.(value);
    if (problem !== undefined) this.fail(node, problem);
    return value;
  }

  /** A scalar or a list of scalars. */
  list(node: unknown, key: string, check?: Check): string[] {
    // An empty list would leave the key's default in silence (QA: `rules: []` read the official rules).
    if (isSeq(node) && node.items.length === 0) this.fail(node, `${key} is an empty list`, `name at least one, or leave ${key} out for the default`);
    if (isSeq(node)) return node.items.map((item) => this.scalar(item, key, undefined, check));
    return [this.scalar(node, key, undefined, check)];
  }

  /** Where each value `list` reads is written. */
  listAt(node: unknown): string[] {
    return isSeq(node) ? node.items.map((item) => this.where(item as Node)) : [this.where(node as Node)];
  }
}

function readSuppression(r: Reader, node: unknown): SuppressionRule {
  const map = r.map(node, 'suppression');
  const get = (key: string) => map.get(key, true) as Node | undefined;
  const reason = get('reason');
  if (!reason) r.fail(map, 'a suppression needs a reason: say why the finding is deliberate');
  const until = get('until');
  const untilText = until ? r.scalar(until, 'until') : undefined;
  // A day of the calendar, written YYYY-MM-DD: Date.parse would roll 2027-02-30 over to March 2 and take it, so the
  // day it parses to must be written back the same.
  const isDay = (text: string) => !Number.isNaN(Date.parse(text)) && new Date(text).toISOString().slice(0, 10) === text;
  if (untilText !== undefined && !isDay(untilText)) r.fail(until, `until must be a date like 2027-01-31, not ${untilText}`);
  const criteria = { codes: get('code'), rules: get('rule'), tags: get('tag'), files: get('file') };
  const keyOf = { codes: 'code', rules: 'rule', tags: 'tag', files: 'file' };
  if (Object.values(criteria).every((v) => v === undefined)) r.fail(map, 'a suppression needs at least one of code, rule, tag, file');
  const range = map.range?.[0] ?? 0;
  const pos = r.lines.linePos(range);
  const entry: SuppressionRule = { reason: r.scalar(reason, 'reason'), file: r.file, line: pos.line, column: pos.col, ...(untilText ? { until: untilText } : {}) };
  for (const [field, value] of Object.entries(criteria)) if (value !== undefined) entry[field as 'codes'] = r.list(value, keyOf[field as 'codes']);
  return entry;
}

function readSections(r: Reader, root: YAMLMap, config: ProjectConfig): void {
  const section = (key: string) => {
    const node = root.get(key, true);
    return node === undefined ? undefined : r.map(node, key);
  };
  const scope = section('scope');
  if (scope?.has('platforms')) {
    const platforms = scope.get('platforms', true);
    config.platforms = r.list(platforms, 'platforms');
    config.valueAt.platforms = r.listAt(platforms);
  }
  const outputs = section('outputs');
  // As --format reads them: comma-separated, blanks between commas skipped.
  const unknownFormats = (value: string) => splitCommaList([value]).filter((f) => !FORMAT_VALUES.includes(f));
  if (outputs?.has('formats')) {
    config.formats = r.list(outputs.get('formats', true), 'formats', (value) => {
      const unknown = unknownFormats(value);
      return unknown.length === 0 ? undefined : `unknown format: ${unknown.join(', ')}; formats: ${FORMAT_VALUES.join(', ')}`;
    });
  }
  if (outputs?.has('out')) config.out = r.scalar(outputs.get('out', true), 'out');
  if (outputs?.has('score')) config.score = r.scalar(outputs.get('score', true), 'score', SCORES);
  const gates = section('gates');
  if (gates?.has('fail-on')) config.failOn = r.scalar(gates.get('fail-on', true), 'fail-on', FAIL_ON);
  // Checked here as the gates will read them, so that a bad value is named at its line, not as a flag never given.
  if (gates?.has('min-coverage')) {
    const minCoverage = gates.get('min-coverage', true);
    config.minCoverage = r.list(minCoverage, 'min-coverage', problemOf((v) => minCoveragePercent(v, 'min-coverage')));
    config.valueAt.minCoverage = r.listAt(minCoverage);
  }
  if (gates?.has('max-coverage-drop')) config.maxCoverageDrop = r.scalar(gates.get('max-coverage-drop', true), 'max-coverage-drop', undefined, problemOf((v) => parseDrop(v, 'max-coverage-drop')));
}

/** Parses and validates a config file's text; throws InputError with file:line:col. */
export function parseProjectConfig(text: string, file: string, dir: string): ProjectConfig {
  const lines = new (yamlLib().LineCounter)();
  const doc = yamlLib().parseDocument(text, { lineCounter: lines, prettyErrors: false });
  const r: Reader = new Reader(file, lines);
  // A quote left open is named where it opens, as in a rules file (QA: the config's said 7:1, the end of the file).
  const refused = firstYamlError(text, file, doc.errors, lines, 'YAML syntax error');
  if (refused) throw refused;
  const config: ProjectConfig = { file, dir, suppressions: [], valueAt: {} };
  if (doc.contents === null) return config;
  const root = r.map(doc.contents, 'the file');
  const node = (key: string) => root.get(key, true) as Node | undefined;
  if (root.has('rules')) {
    config.rules = r.list(node('rules'), 'rules');
    config.valueAt.rules = r.listAt(node('rules'));
  }
  if (root.has('attack')) {
    config.attack = r.scalar(node('attack'), 'attack');
    config.valueAt.attack = r.where(node('attack'));
  }
  if (root.has('attack-sha256')) {
    config.attackSha256 = normalizedSha256(r.scalar(node('attack-sha256'), 'attack-sha256', undefined, sha256PinProblem));
    config.valueAt.attackSha256 = r.where(node('attack-sha256'));
  }
  if (root.has('threats')) {
    const threats = node('threats');
    config.threats = r.list(threats, 'threats');
    config.valueAt.threats = r.listAt(threats);
  }
  if (root.has('source-root')) config.sourceRoot = r.scalar(node('source-root'), 'source-root');
  readSections(r, root, config);
  if (root.has('suppressions')) {
    const list = node('suppressions');
    if (!isSeq(list)) r.fail(list, 'suppressions must be a list of entries with code, rule, tag or file, and a reason');
    config.suppressions = list.items.map((item) => readSuppression(r, item));
  }
  return config;
}
