// `attack-cov threats`: the groups, software and campaigns most relevant to the scope, with how much of
// what they use the rules cover; text or JSON on stdout.
import { rankThreats } from '../analysis/threat-ranking.js';
import type { ThreatKind } from '../attack/types.js';
import { EXIT_OK, UsageError } from '../errors.js';
import { stringifyJson } from '../report/reporter.js';
import { renderThreats } from '../report/threats-text.js';
import { analyzeRuleset, loadCatalog, loadRulesOutlineFor, notedSources, rulesFalcoDrops, splitList, type CommonOptions, type Environment } from './inputs.js';
import type { Io } from './report.js';

export interface ThreatsOptions extends CommonOptions {
  format?: string;
  top?: number;
  kind?: string[];
}

const KINDS: ThreatKind[] = ['group', 'software', 'campaign'];

export async function runThreats(options: ThreatsOptions, env: Environment, io: Io): Promise<number> {
  const format = options.format ?? 'text';
  if (!['text', 'json'].includes(format)) throw new UsageError(`threats --format must be text or json, not ${format}`);
  const top = options.top ?? 20;
  if (!Number.isInteger(top) || top < 1) throw new UsageError(`--top takes a positive whole number, not ${String(options.top)}`);
  // As --platform, any case: ATT&CK and Navigator write Group, Software, Campaign.
  const given = splitList(options.kind, '--kind');
  const kinds = given.map((kind) => kind.toLowerCase());
  const unknown = given.filter((_, i) => !(KINDS as string[]).includes(kinds[i]!));
  if (unknown.length > 0) throw new UsageError(`unknown --kind ${unknown.join(', ')}`, `kinds: ${KINDS.join(', ')}`);
  const rules = await loadRulesOutlineFor(options, env);
  const attack = await loadCatalog(options, env);
  const skipped = await rulesFalcoDrops(rules.ruleset, options, env);
  const report = notedSources(analyzeRuleset(attack, rules.ruleset, rules.origin, { ...options, threat: [] }, env, skipped ? { skipped } : {}), env);
  const ranked = rankThreats(attack.catalog, report.techniques, report.scope.platforms, kinds.length > 0 ? new Set(kinds) : undefined);
  const listed = ranked.slice(0, top);
  if (format === 'json') {
    io.stdout(stringifyJson({ tool: report.tool, attack: report.inputs.attack, scope: report.scope, relevant: ranked.length, threats: listed }));
  } else {
    if (!io.isQuiet) io.stdout(renderThreats(listed, ranked.length, report, io.style, kinds.length > 0 ? (kinds as ThreatKind[]) : KINDS));
  }
  return EXIT_OK;
}
