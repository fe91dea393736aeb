// SARIF for tag suggestions: one `suggested-attack-tags` result per rule with a candidate, on the rule's
// first line, whose `fixes` hold the exact edit accepting the best candidate makes (code scanning offers
// it to apply). Pure.
import type { RuleSuggestion } from '../suggest/types.js';
import { describeEvidence } from './suggestions-text.js';
import { cutName, sarifName, sarifText } from './sarif-text.js';

export const SUGGESTION_RULE_ID = 'suggested-attack-tags';

export const suggestionSarifRule = {
  id: SUGGESTION_RULE_ID,
  name: 'SuggestedAttackTags',
  shortDescription: { text: 'A rule without ATT&CK technique tags, and the techniques attack-cov suggests for it.' },
  fullDescription: { text: 'attack-cov suggest ranked the ATT&CK techniques the rule\'s source can observe against the rule\'s name, description, condition (macros and lists expanded) and similar tagged rules. The fix adds the best candidate\'s technique and tactic tags.' },
  help: {
    text: 'Review the candidates; apply the fix, or run `attack-cov suggest --apply --min-score X`, or edit the JSON from `attack-cov suggest --format json` and run `--apply-from`.',
    markdown: 'Review the candidates and their evidence. Apply the fix here, or run `attack-cov suggest --apply --min-score X`, or keep the entries you accept in `attack-cov suggest --format json` output and run `attack-cov suggest --apply-from reviewed.json`.',
  },
  defaultConfiguration: { level: 'note' as const },
  properties: { tags: ['mitre-attack', 'falco', 'suggestion'], precision: 'medium' },
};

type Location = { uri: string; uriBaseId?: string };

export function suggestionResults(suggestions: RuleSuggestion[], ruleIndex: number, locate: (file: string) => Location) {
  return suggestions
    .filter((s) => s.candidates.length > 0)
    .map((s) => {
      const best = s.candidates[0]!;
      const list = s.candidates.map((c) => `${c.technique} ${c.name} (${c.score.toFixed(3)})`).join(', ');
      // On the rule itself: the fix's place is where its tags go, which may be past the rule (the next rule's
      // line, or past the end of the file for the last rule).
      const region = { startLine: s.line, startColumn: 1 };
      return {
        ruleId: SUGGESTION_RULE_ID,
        ruleIndex,
        level: 'note' as const,
        // With --all a rule may be tagged already: said as it is (QA: "has no ATT&CK technique tag" for a rule tagged T1059).
        message: { text: sarifText(`rule "${cutName(s.rule)}" ${s.existing.length > 0 ? `is tagged ${s.existing.join(', ')}; more` : 'has no ATT&CK technique tag;'} candidates: ${list}. Best: ${best.technique}, evidence: ${best.evidence.map(describeEvidence).join('; ') || 'none'}${best.reason ? `; reason: ${best.reason}` : ''}`) },
        locations: [{ physicalLocation: { artifactLocation: locate(s.file), region }, logicalLocations: [{ name: sarifName(s.rule), kind: 'member' }] }],
        partialFingerprints: { 'attackCov/v1': `${SUGGESTION_RULE_ID}|${s.rule}` },
        ...(best.edit
          ? {
              fixes: [
                {
                  description: { text: sarifText(`add ${best.tags.join(', ')} to the tags of "${cutName(s.rule)}"`) },
                  artifactChanges: [
                    {
                      artifactLocation: locate(best.edit.file),
                      replacements: [{ deletedRegion: { startLine: best.edit.startLine, startColumn: best.edit.startColumn, endLine: best.edit.endLine, endColumn: best.edit.endColumn }, insertedContent: { text: best.edit.text } }],
                    },
                  ],
                },
              ],
            }
          : {}),
        properties: { technique: best.technique, score: best.score, candidates: s.candidates.map((c) => c.technique) },
      };
    });
}
