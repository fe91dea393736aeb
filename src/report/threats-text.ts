// What `attack-cov threats` prints: the adversaries relevant to the scope, one block each. Pure.
import type { RankedThreat } from '../analysis/threat-ranking.js';
import type { ThreatKind } from '../attack/types.js';
import type { CoverageReport } from '../coverage-report.js';
import { printable, type TerminalStyle } from './terminal.js';

function dim(style: TerminalStyle, text: string): string {
  return style.isColor ? `\u001b[2m${text}\u001b[0m` : text;
}

const KIND_PLURAL: Record<ThreatKind, string> = { group: 'groups', software: 'software', campaign: 'campaigns' };

/** "groups, software and campaigns", "software", "groups and campaigns": the kinds listed (--kind), in ATT&CK's order. */
function kindsWords(kinds: readonly ThreatKind[]): string {
  const words = (Object.keys(KIND_PLURAL) as ThreatKind[]).filter((k) => kinds.includes(k)).map((k) => KIND_PLURAL[k]);
  // Stryker disable next-line StringLiteral: words has one element or none here, which join gives without its separator
  return words.length > 1 ? `${words.slice(0, -1).join(', ')} and ${words.at(-1)!}` : words.join('');
}

/** `kinds`: the kinds `relevant` counts (--kind; all three when not given). */
export function renderThreats(threats: RankedThreat[], relevant: number, report: CoverageReport, style: TerminalStyle, kinds: readonly ThreatKind[] = ['group', 'software', 'campaign']): string {
  // IDs, platforms and the version come from the bundle, which may be anyone's (--attack takes a URL): escaped too.
  const scope = printable(report.scope.platforms.join(', ')) || 'none';
  const of = `${kindsWords(kinds)} of ATT&CK ${printable(report.inputs.attack.version)}`;
  if (relevant === 0) {
    // Nothing to list, nor to profile (QA: it named G0139 after an empty list); with no platform in scope, how to get one.
    const why = report.scope.platforms.length === 0 ? ': no platform is in scope (no rule runs on a source attack-cov knows the platforms of); choose them with --platform, e.g. --platform Linux' : '';
    return `None of the ${of} is relevant to ${scope}${why}\n`;
  }
  // QA: "1 groups … are relevant".
  const counted = relevant === 1 ? `1 of the ${of} is` : `${relevant} ${of} are`;
  const lines = [`${counted} relevant to ${scope}; the ${threats.length} most relevant:`, ''];
  for (const t of threats) {
    const c = t.coverage;
    lines.push(`${printable(t.id).padEnd(6)} ${t.kind.padEnd(8)} ${printable(t.name)}${t.aliases.length ? dim(style, ` (${printable(t.aliases.slice(0, 3).join(', '))})`) : ''}`);
    lines.push(`       ${c.total} in-scope techniques: ${c.covered} covered, ${c.partial} partly, ${c.gap} gaps`);
    lines.push(dim(style, `       why: ${printable(t.why)}`));
  }
  if (threats.length > 0) lines.push('', `Profile one with: attack-cov report --threat ${printable(threats[0]!.id)}`);
  return `${lines.join('\n')}\n`;
}
