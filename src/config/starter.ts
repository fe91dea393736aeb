// The commented .attack-cov.yaml that `attack-cov init` writes. Pure: what was found in the repository in,
// text out; every value it sets is valid (parseProjectConfig accepts the result).
import { yamlLib } from '../falco/yaml-lib.js';
import { escapeForTerminal } from '../terminal-text.js';

/** YAML for a string: plain when YAML reads it back as the same string, else double-quoted (JSON's quoting is YAML's).
 * A plain value may not start with a character YAML reserves (`@`, a backtick) or gives a meaning (`-`, `?`, `:`,
 * `!`, `&`, `*`, `%`, `|`, `>`, `#`, quotes, brackets, braces, `,`), nor read as null, a boolean or a number. */
function yamlString(value: string): string {
  return /^[\w./][\w./@-]*$/.test(value) && yamlLib().parse(value) === value ? value : JSON.stringify(value);
}

/** Names in a comment: a line break in one would end the comment and start a line of YAML. */
const commented = (names: string[]): string => names.map(escapeForTerminal).join(', ');

/** What `init` found: the rules to name, in load order. */
export interface StarterRules {
  /** Rules files, folders and official specs, in load order. */
  paths: string[];
  /** The official specs at the head of `paths` that the repository's rules load only after (they append to, override
   * or disable what those define). */
  officialFirst: string[];
  /** YAML files next to the rules that are not rules files (Falco's falco.yaml), left out. */
  skipped?: string[];
}

function rulesLines({ paths, officialFirst, skipped = [] }: StarterRules): string[] {
  if (paths.length === 0) return ['# No Falco rules files were found here; the embedded official rules stand in until you name yours.', 'rules:', '  - official'];
  return [
    ...(officialFirst.length > 0 ? [`# ${commented(officialFirst)} first: the rules here append to, override or disable lists, macros or rules defined there.`] : []),
    ...(skipped.length > 0 ? [`# Left out, not rules files: ${commented(skipped)}.`] : []),
    'rules:',
    ...paths.map((p) => `  - ${yamlString(p)}`),
  ];
}

export function starterConfig(found: StarterRules, attackVersion: string, attackSha256?: string): string {
  const rules = rulesLines(found);
  return `${[
    '# attack-cov project configuration (README: Project configuration).',
    '# Found from the working directory upward; flags on the command line override every value.',
    '# Paths are relative to this file.',
    '',
    '# Falco rules files or directories, loaded in this order (official, official:all … name the embedded ones).',
    ...rules,
    '',
    '# ATT&CK Enterprise: a version, latest, a bundle file or an https:// URL.',
    `attack: "${attackVersion}"`,
    ...(attackSha256 ? ['# Pin the bundle: any other is refused (this is the embedded one\'s; a report.json says a bundle\'s as inputs.attack.sha256).', `# attack-sha256: ${attackSha256}`] : []),
    '',
    '# ATT&CK platforms in scope (default: what the rules\' sources can observe).',
    '# scope:',
    '#   platforms: [Linux, Containers]',
    '',
    '# Threat profiles (groups, software, campaigns) the coverage is weighed against (consumed by --threat).',
    '# threats: [G0096, S0601]',
    '',
    'outputs:',
    '  formats: [all]',
    '  out: reports',
    '  # score: count          # Navigator layer score: count, priority or maturity',
    '',
    'gates:',
    // The official rules' own findings are never gated (no one here can change them), so error holds with or without them.
    '  fail-on: error          # error, warning, info, new (with --baseline) or none; the official rules\' own findings are not counted',
    '  # min-coverage: [25, execution=50]',
    '  # max-coverage-drop: 0  # with --baseline',
    '',
    // With a config the default is its own folder, not --source-root's (configOptionValues): say that one.
    '# The folder outputs name files relative to (default: the one this file is in, as `.` below).',
    '# source-root: .',
    '',
    '# Deliberate findings, each with a reason. Criteria: code, rule (* wildcards), tag, file (glob); all given must match.',
    '# A suppression past `until` stops suppressing and is reported; one that matches nothing is reported too.',
    '# In a rules file, a comment on the rule or tag line does the same: # attack-cov-ignore platform-mismatch: why',
    'suppressions: []',
    '#  - code: platform-mismatch',
    '#    rule: Contact EC2 Instance Metadata Service From Container',
    '#    reason: watches IMDS from containers; T1552.005 is the technique it serves',
    '#    until: 2027-01-31',
  ].join('\n')}\n`;
}
