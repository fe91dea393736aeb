// A seeded generator of large Falco rulesets from the embedded official rules (data/embedded/falco-rules):
// renamed copies of the 93 official rules with varied ATT&CK tags, spread over files of `perFile` rules,
// each file with extra macros and lists that some of its rules use. Same arguments → same bytes.
// The generated files come after the three official files (their rules reference the official macros).
// Usage: node bench/generate-rules.mjs RULES OUT_DIR [--seed N] [--per-file N]
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const OFFICIAL = ['falco_rules.yaml', 'falco-incubating_rules.yaml', 'falco-sandbox_rules.yaml'].map((f) => path.join(root, 'data', 'embedded', 'falco-rules', f));

/** mulberry32: a small, well-known seeded PRNG (deterministic across Node versions). */
function random(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const TACTICS = ['execution', 'persistence', 'privilege_escalation', 'defense_evasion', 'credential_access', 'discovery', 'lateral_movement', 'collection', 'command_and_control', 'exfiltration', 'impact'];
/** Linux and container techniques with one of their tactics, as rules in the wild tag them. */
const TECHNIQUES = [
  ['T1059', 'execution'], ['T1059.004', 'execution'], ['T1053.003', 'execution'], ['T1610', 'execution'], ['T1543.002', 'persistence'],
  ['T1525', 'persistence'], ['T1098.004', 'persistence'], ['T1136.001', 'persistence'], ['T1574.006', 'persistence'], ['T1078', 'persistence'],
  ['T1548.001', 'privilege_escalation'], ['T1611', 'privilege_escalation'], ['T1562.001', 'defense_evasion'], ['T1070.002', 'defense_evasion'],
  ['T1070.003', 'defense_evasion'], ['T1036.005', 'defense_evasion'], ['T1222.002', 'defense_evasion'], ['T1014', 'defense_evasion'],
  ['T1027', 'defense_evasion'], ['T1140', 'defense_evasion'], ['T1552.001', 'credential_access'], ['T1555', 'credential_access'],
  ['T1003.008', 'credential_access'], ['T1082', 'discovery'], ['T1083', 'discovery'], ['T1046', 'discovery'], ['T1057', 'discovery'],
  ['T1613', 'discovery'], ['T1021.004', 'lateral_movement'], ['T1560', 'collection'], ['T1005', 'collection'], ['T1119', 'collection'],
  ['T1113', 'collection'], ['T1105', 'command_and_control'], ['T1071', 'command_and_control'], ['T1090', 'command_and_control'],
  ['T1041', 'exfiltration'], ['T1048', 'exfiltration'], ['T1485', 'impact'], ['T1486', 'impact'], ['T1496', 'impact'], ['T1498', 'impact'],
  ['T1529', 'impact'], ['T1489', 'impact'],
];

const pick = (rnd, list) => list[Math.floor(rnd() * list.length)];
const quoted = (text) => JSON.stringify(String(text)); // JSON strings are YAML double-quoted scalars

/** A condition as a folded block scalar, wrapped on spaces as the official files write them. */
function folded(key, text) {
  const words = String(text).replace(/\s+/g, ' ').trim().split(' ');
  const lines = [];
  let line = '';
  for (const word of words) {
    if (line && line.length + word.length > 100) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  lines.push(line);
  return `  ${key}: >\n${lines.map((l) => `    ${l}`).join('\n')}\n`;
}

/** The rule's own non-ATT&CK tags, then one or two techniques with their tactics; a few rules get a wrong
 * tactic or an unknown ID, as real rulesets do (so the findings code runs at scale too). */
function variedTags(rnd, tags) {
  const kept = (tags ?? []).filter((t) => !/^(mitre_|T\d{4})/.test(String(t)));
  const chosen = Array.from({ length: 1 + Math.floor(rnd() * 2) }, () => pick(rnd, TECHNIQUES));
  const tactics = chosen.map(([, tactic]) => (rnd() < 0.03 ? pick(rnd, TACTICS) : tactic));
  const ids = chosen.map(([id]) => (rnd() < 0.01 ? 'T9999' : id));
  return [...kept, ...new Set(tactics.map((t) => `mitre_${t}`)), ...new Set(ids)];
}

function ruleText(rnd, rule, name, macro) {
  const condition = macro && rnd() < 0.5 ? `${rule.condition} and not ${macro}` : rule.condition;
  let text = `- rule: ${quoted(name)}\n  desc: ${quoted(rule.desc)}\n${folded('condition', condition)}  output: ${quoted(rule.output)}\n  priority: ${rule.priority}\n`;
  text += `  tags: [${variedTags(rnd, rule.tags).join(', ')}]\n`;
  if (rule.enabled === false || rnd() < 0.03) text += '  enabled: false\n';
  return `${text}\n`;
}

/** The official rules' items (rules only), in file order. */
export function officialRules() {
  return OFFICIAL.flatMap((file) => parse(readFileSync(file, 'utf8')).filter((item) => item.rule));
}

/** Writes `total` rules into OUT_DIR/generated-NNN.yaml; returns the file paths (after the official ones). */
export function generateRuleset(total, outDir, { seed = 1, perFile = 1000 } = {}) {
  const rules = officialRules();
  const rnd = random(seed);
  mkdirSync(outDir, { recursive: true });
  const files = [];
  for (let start = 0, f = 0; start < total; start += perFile, f++) {
    const tag = String(f).padStart(3, '0');
    let text = `# Generated by bench/generate-rules.mjs (seed ${seed}): ${Math.min(perFile, total - start)} rules.\n`;
    const macros = [];
    for (let m = 0; m < Math.ceil(perFile / 10); m++) {
      const list = `gen_list_${tag}_${m}`;
      const names = Array.from({ length: 2 + Math.floor(rnd() * 8) }, (_, i) => `bin${tag}${m}x${i}`);
      text += `- list: ${list}\n  items: [${names.join(', ')}]\n\n`;
      text += `- macro: gen_macro_${tag}_${m}\n  condition: (proc.name in (${list}) or proc.pname in (${list}))\n\n`;
      macros.push(`gen_macro_${tag}_${m}`);
    }
    for (let i = start; i < Math.min(total, start + perFile); i++) {
      const rule = rules[i % rules.length];
      text += ruleText(rnd, rule, `${rule.rule} (generated ${i})`, rnd() < 0.3 ? pick(rnd, macros) : undefined);
    }
    const file = path.join(outDir, `generated-${tag}.yaml`);
    writeFileSync(file, text);
    files.push(file);
  }
  return files;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const [total, outDir] = process.argv.slice(2);
  const option = (name, fallback) => {
    const i = process.argv.indexOf(name);
    return i < 0 ? fallback : Number(process.argv[i + 1]);
  };
  if (!total || !outDir) {
    process.stderr.write('usage: node bench/generate-rules.mjs RULES OUT_DIR [--seed N] [--per-file N]\n');
    process.exit(2);
  }
  const files = generateRuleset(Number(total), outDir, { seed: option('--seed', 1), perFile: option('--per-file', 1000) });
  process.stdout.write(`${files.length} files in ${outDir} (plus the official rules: ${OFFICIAL.map((f) => path.basename(f)).join(', ')})\n`);
}
