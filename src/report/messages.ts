// The one place findings become English. Each code has one template over the finding's data.
import type { Finding } from '../coverage-report.js';
import type { FindingDraft } from '../analysis/checks/index.js';

type Template = (f: FindingDraft, list: (key: string) => string) => string;

const TEMPLATES: Record<string, Template> = {
  'unknown-technique': (f) => `${f.technique ?? f.tag} is not an ATT&CK technique in this version`,
  'revoked-technique': (f, list) =>
    f.args?.replacements?.length ? `${f.technique} is revoked; ATT&CK replaced it with ${list('replacements')}` : `${f.technique} is revoked and ATT&CK names no replacement`,
  'deprecated-technique': (f) => `${f.technique} is deprecated in ATT&CK; tag a current technique instead`,
  'tactic-mismatch': (f, list) => `${f.technique} belongs to ${list('techniqueTactics')}, but the rule's tactic tags name ${list('ruleTactics')}`,
  'unjustified-tactic': (f, list) => `tactic ${f.tactic} is tagged but none of the rule's techniques (${list('techniques')}) belongs to it`,
  'tactic-id-name-conflict': (f, list) => `${f.tag} is ${f.tactic}, but the rule's mitre_ tags name ${list('names')}`,
  'unknown-tactic': (f) =>
    f.args?.renamedTo
      ? `"${f.tag}" names no ATT&CK tactic any more: ATT&CK renamed ${f.tactic} to ${f.args.renamedTo}`
      : `"${f.tag}" names no ATT&CK tactic${f.args?.suggestion ? `; did you mean ${f.fix?.with[0]}?` : ''}`,
  'missing-tactic-tag': (f, list) => `technique tags without a tactic tag; ATT&CK puts them under ${list('tactics')}`,
  'nonstandard-tag': (f) =>
    f.args?.parts ? `"${f.tag}" is several tags in one, which Falco reads as one tag naming nothing; write them as separate tags: ${f.args.conventional}` : `"${f.tag}" is not Falco's tag convention; write ${f.args?.conventional}`,
  'platform-mismatch': (f, list) => `${f.technique} targets ${list('platforms')}, which the ${f.args?.source} source cannot observe`,
  'repeated-tag': (f) => `"${f.tag}" is already among the rule's tags; Falco keeps it once, so this one can go`,
  'untagged-rule': () => 'rule has no ATT&CK tag, so it counts for no technique',
  'no-technique-tag': () => 'rule has tactic tags but no technique tag, so it counts for no technique (attack-cov suggest proposes some)',
  'skipped-rule': (f) => `Falco drops this rule at load: ${f.args?.reason}; it covers nothing`,
  'invalid-suppression': (f) => `${f.args?.in === 'config' ? 'this suppression in the config' : 'this attack-cov-ignore comment'} ${f.args?.problem}; it suppresses nothing`,
  'unused-suppression': (f, list) => `the suppression of ${list('codes') || 'findings'} ("${f.args?.reason}") matched no finding; remove it`,
  'expired-suppression': (f, list) => `the suppression of ${list('codes')} ("${f.args?.reason}") expired after ${f.args?.until}; its findings count again`,
};

/** ` (rule "NAME")` after a finding's message, or nothing for a finding about no rule (a config
 * suppression that matched nothing); `show` makes the name safe for where it goes. */
export function ruleSuffix(rule: string, show: (text: string) => string = (text) => text): string {
  return rule === '' ? '' : ` (rule "${show(rule)}")`;
}

export function describeFinding(finding: FindingDraft): string {
  const list = (key: string): string => {
    const value = finding.args?.[key];
    return Array.isArray(value) ? value.join(', ') : (value ?? '');
  };
  const template = TEMPLATES[finding.code];
  return template ? template(finding, list) : finding.code;
}

export function withMessage(finding: FindingDraft): Finding {
  return { ...finding, message: describeFinding(finding) };
}

/** What a fix does, for lint output: `replace X with Y`, `add Y`, `remove X`. */
export function describeFix(finding: Finding): string | undefined {
  const { fix } = finding;
  if (!fix) return undefined;
  if (!fix.tag) return `add ${fix.with.join(', ')}`;
  if (fix.with.length === 0) return `remove ${shownTag(fix.tag)}`;
  return `replace ${shownTag(fix.tag)} with ${fix.with.join(', ')}`;
}

/** A tag as a fix names it: quoted when a blank is part of it ("T1059 "), which would read as the same tag bare. */
function shownTag(tag: string): string {
  return /^\S+$/.test(tag) ? tag : JSON.stringify(tag);
}
