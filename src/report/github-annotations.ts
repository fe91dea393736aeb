// `lint --format github` and `validate --format github`: findings and validation issues as GitHub Actions workflow
// commands (`::warning file=…,line=…,col=…,title=…::…`), which the runner turns into annotations on the rules' lines in
// the pull request and the run. Code scanning (the SARIF upload) shows lint's findings as alerts, but on a private
// repository only with GitHub Advanced Security; these need nothing but a step's output. Every value from the inputs (a
// file name, a rule name, a tag in a message) is escaped as the runner unescapes it, so no text of the rules can end a
// command or start another. Pure.
import type { CoverageReport, Finding, Severity } from '../coverage-report.js';
import type { InputError } from '../errors.js';
import type { ValidationIssue } from '../validate/types.js';
import { describeFix, ruleSuffix } from './messages.js';
import { cutName } from './sarif-text.js';
import { repositoryFileTest, repositoryPath } from './sarif.js';
import { cutAt, escapeForTerminal, escapeLines } from '../terminal-text.js';
import { firstNames, plural, verb } from './words.js';

/** The workflow command of each severity: GitHub has error, warning and notice annotations. */
const COMMAND: Record<Severity, 'error' | 'warning' | 'notice'> = { error: 'error', warning: 'warning', info: 'notice' };

/** A command's message as the runner reads it back (@actions/core's escapeData): `%`, CR and LF escaped, so a line
 * break in the text cannot end the command. */
export function escapeData(text: string): string {
  return text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

/** A command's property value (escapeProperty): as escapeData, and `:` and `,`, which end a value. */
export function escapeProperty(text: string): string {
  return escapeData(text).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

/** Whether the runner reads `value` back as given in a property: it splits each property at its first `=` with .NET's
 * RemoveEmptyEntries, which may drop a value's leading `=` (escapeProperty has no escape for it), and an empty value
 * leaves the property out. Nor may it hold what a terminal acts on (QA: a file named with `ESC[8m` reached the log
 * raw, hiding the rest of the line): escaped, it names no file of the repository, so it is said in the message. */
function isPropertySafe(value: string): boolean {
  return value !== '' && !value.startsWith('=') && escapeForTerminal(value) === value;
}

/** Annotations of one kind (error, warning, notice) GitHub makes per step; it logs the commands past them without one
 * (actions/toolkit's docs: 10 of each kind per step, 50 per job). */
export const ANNOTATIONS_PER_KIND = 10;

/** One thing to annotate: where, how severe, its code (the title) and its sentence as the listing says it. */
export interface Annotation {
  severity: Severity;
  file: string;
  line: number;
  column: number;
  /** The column after the tag (Finding.endColumn), when known. */
  endColumn?: number;
  code: string;
  message: string;
}

/** The rules files as outputs name them, with where a symlink's lines are (`target`) or why a file is none of the
 * repository's (`note`): report.json's `inputs.rules`. */
type RulesFiles = { path: string; target?: string; note?: string }[];

/** A command about the run rather than a place in the rules (Falco's own verdict, what -q left out), printed first. */
export interface RunNote {
  severity: Severity;
  /** After "attack-cov " in the title. */
  about?: string;
  text: string;
}

/** A note's lines are kept (Falco's output has several): escaped each, and joined by the runner's %0A. */
const command = ({ severity, about, text }: RunNote) => `::${COMMAND[severity]} title=${escapeProperty(about ? `attack-cov ${about}` : 'attack-cov')}::${escapeData(escapeLines(text))}\n`;
const notice = (text: string): RunNote => ({ severity: 'info', text });

/** "13 of 23 errors": the items of one kind past `shown`, or nothing when none is. */
function past(count: number, shown: number, noun: string): string[] {
  return count > shown ? [`${count - shown} of ${plural(count, noun)}`] : [];
}

/**
 * One line per item about a file of the repository (a symlink's at the file it points to), in the given order. Before
 * them, the run's own notes (`run`: Falco's verdict, what -q left out), then notices of how many items (`noun`s) are
 * about other files (the official rules, a URL, a file outside the source root), which have no line in the pull request
 * to annotate and are left out, and, since GitHub annotates only the first ANNOTATIONS_PER_KIND of each kind (the notes
 * first, so none of them is lost), how many of each kind it will only log. Paths are from the repository's top, which is
 * what the runner takes them relative to: from the source root, under its folder there (`inRepository`, repositoryPath).
 */
export function workflowCommands(items: Annotation[], files: RulesFiles, noun: string, run: RunNote[], inRepository?: string): string {
  const isInRepository = repositoryFileTest(files);
  const pathOf = repositoryPath(files, inRepository);
  const annotated = items.filter((i) => isInRepository(i.file));
  const elsewhere = items.filter((i) => !isInRepository(i.file));
  const notes = [...run];
  if (elsewhere.length > 0) {
    const names = firstNames([...new Set(elsewhere.map((i) => i.file))].map(cutName));
    notes.push(notice(`${plural(elsewhere.length, noun)} about ${names} ${verb(elsewhere.length, 'is', 'are')} not annotated: no file of the repository (--format stylish or json lists them)`));
  }
  // What GitHub has left of each kind after the notes (the one about the limit, when it is needed, takes a notice's).
  const left = (severity: Severity, extra = 0) => ANNOTATIONS_PER_KIND - notes.filter((n) => n.severity === severity).length - extra;
  const count = (severity: Severity) => annotated.filter((i) => i.severity === severity).length;
  const [errors, warnings, infos] = [count('error'), count('warning'), count('info')];
  if (errors > left('error') || warnings > left('warning') || infos > left('info')) {
    const logged = [...past(errors, left('error'), 'error'), ...past(warnings, left('warning'), 'warning'), ...past(infos, left('info', 1), `info ${noun}`)];
    notes.push(notice(`GitHub annotates at most ${ANNOTATIONS_PER_KIND} errors, ${ANNOTATIONS_PER_KIND} warnings and ${ANNOTATIONS_PER_KIND} notices per step; in this step's log only: ${logged.join(', ')} (--format json has them all)`));
  }
  const lines = annotated.map((i) => {
    const path = pathOf(i.file);
    const title = `title=${escapeProperty(`attack-cov ${i.code}`)}`;
    // A path the runner may not read back is said in the message: the annotation lands on the run, not the line.
    if (!isPropertySafe(path)) return `::${COMMAND[i.severity]} ${title}::${escapeData(escapeForTerminal(`${path}:${i.line}:${i.column}: ${i.message}`))}\n`;
    // GitHub's endColumn is the tag's last column (it defaults to col: one character), not the one after it.
    const end = i.endColumn === undefined ? '' : `,endColumn=${i.endColumn - 1}`;
    return `::${COMMAND[i.severity]} file=${escapeProperty(path)},line=${i.line},col=${i.column}${end},${title}::${escapeData(escapeForTerminal(i.message))}\n`;
  });
  return [...notes.map(command), ...lines].join('');
}

/** lint's findings: each finding's sentence, its rule and its fix, as the SARIF result says it, each name cut. */
export function githubAnnotations(report: Pick<CoverageReport, 'inputs'>, findings: Finding[], run: RunNote[] = []): string {
  const annotations = findings.map((f) => {
    const fix = describeFix(f);
    return { ...f, message: `${cutAt(f.message, 1000)}${ruleSuffix(f.rule, cutName)}${fix ? `; fix: ${cutAt(fix, 1000)}` : ''}` };
  });
  return workflowCommands(annotations, report.inputs.rules, 'finding', run, report.inputs.rootInRepository);
}

/** validate's issues: `[item] sentence`, as the listing says it. */
export function validationAnnotations(issues: ValidationIssue[], files: RulesFiles, run: RunNote[] = [], inRepository?: string): string {
  return workflowCommands(issues.map((i) => ({ ...i, message: `[${cutName(i.item)}] ${cutAt(i.message, 1000)}` })), files, 'issue', run, inRepository);
}

/** An input the command could not read (a YAML syntax error, a missing file) as one error annotation at its place, so
 * that the most common mistake of a pull request lands on its line too: `file:line:col` or `file` when the location is
 * a path of the repository (relative, not above the source root; `locate` names it from the repository's top, where it
 * can: repositoryPlace), else without a place. */
export function inputErrorCommand(error: InputError, locate?: (file: string) => string | undefined): string {
  // Matches every location, from its start: the place is the last :line:col, if any.
  const at = /(.*?)(?::(\d+):(\d+))?$/.exec(error.location)!;
  const file = at[1]!;
  const placed = locate?.(file) ?? file;
  const isOurs = isPropertySafe(placed) && !file.startsWith('/') && !file.startsWith('../') && !/^[a-z][a-z0-9+.-]*:/i.test(file);
  const where = isOurs ? `file=${escapeProperty(placed)}${at[2] ? `,line=${at[2]},col=${at[3]}` : ''},` : '';
  const text = `${isOurs ? '' : `${error.location}: `}${error.detail}${error.hint ? ` (${error.hint})` : ''}`;
  return `::error ${where}title=${escapeProperty('attack-cov cannot read')}::${escapeData(escapeForTerminal(text))}\n`;
}
