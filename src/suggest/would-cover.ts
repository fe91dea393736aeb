// What accepting the suggestions would change in coverage: the techniques no enabled rule covers now
// that the best candidate (score ≥ minScore) of an enabled rule would cover. Pure: report and
// suggestions in, the report's `suggestions` section out.
import { compareText } from '../collections.js';
import type { CoverageReport } from '../coverage-report.js';
import type { RuleSuggestion, SuggestionsSection } from './types.js';

export function suggestionsSection(report: CoverageReport, rules: RuleSuggestion[], ranker: string, minScore: number): SuggestionsSection {
  const enabled = new Set(report.rules.filter((r) => r.isEnabled).map((r) => r.name));
  const status = new Map(report.techniques.map((t) => [t.id, t.status]));
  const would = new Map<string, string[]>();
  for (const s of rules) {
    const best = s.candidates[0];
    if (!best || best.score < minScore || !enabled.has(s.rule) || status.get(best.technique) === 'covered') continue;
    would.set(best.technique, [...(would.get(best.technique) ?? []), s.rule]);
  }
  const wouldCover = [...would].map(([id, names]) => ({ id, rules: names.sort() })).sort((a, b) => compareText(a.id, b.id));
  return { ranker, minScore, rules, wouldCover };
}
