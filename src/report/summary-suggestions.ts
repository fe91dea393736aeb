// The summary.md section for tag suggestions (report --suggest): the best candidates of the untagged
// rules, what accepting them would cover, bounded in length. Pure; every rule text escaped.
import type { CoverageReport } from '../coverage-report.js';
import { escapeMarkdown } from './summary-md.js';

const SHOWN = 15;

export function suggestionsSection(report: CoverageReport): string[] {
  const section = report.suggestions;
  if (!section) return [];
  const rules = section.rules.filter((s) => s.candidates.length > 0);
  const lines = ['', `### Suggested ATT&CK tags (${escapeMarkdown(section.ranker)})`, ''];
  lines.push(`${rules.length} of ${section.rules.length} rules looked at have candidates; accepting the best (score ≥ ${section.minScore}) would cover ${section.wouldCover.length} technique(s) not covered now${section.wouldCover.length ? `: ${section.wouldCover.slice(0, SHOWN).map((t) => t.id).join(', ')}` : ''}.`, '');
  if (rules.length === 0) return lines;
  lines.push('| rule | best candidate | score | also |', '|---|---|---|---|');
  for (const s of rules.slice(0, SHOWN)) {
    const [best, ...rest] = s.candidates;
    lines.push(`| ${escapeMarkdown(s.rule)} | ${best!.technique} ${escapeMarkdown(best!.name)} | ${best!.score.toFixed(3)} | ${rest.map((c) => c.technique).join(', ')} |`);
  }
  if (rules.length > SHOWN) lines.push('', `…and ${rules.length - SHOWN} more in suggestions.csv.`);
  return lines;
}
