// Procedure text for the ranker from Atomic Red Team tests (names, descriptions, commands of the tests
// for the platforms a source observes): how a technique is really done says what a rule watches for
// (`crontab -e`, `nc -e /bin/sh`, `/etc/shadow`). Pure: YAML text in, technique ID and text out.
import { parse } from 'yaml';

interface AtomicFile {
  attack_technique?: unknown;
  display_name?: unknown;
  atomic_tests?: { name?: unknown; description?: unknown; supported_platforms?: unknown; executor?: { command?: unknown } }[];
}

/** ART's platform names for the ATT&CK platforms a Falco source observes. */
const ATOMIC_PLATFORMS: Record<string, string[]> = { Linux: ['linux'], Containers: ['containers', 'linux'], IaaS: ['iaas', 'iaas:aws', 'iaas:gcp', 'iaas:azure'], 'Identity Provider': ['azure-ad', 'google-workspace'], SaaS: ['office-365', 'google-workspace'] };

const text = (value: unknown): string => (typeof value === 'string' ? value : '');

/** The technique an atomics file is for and the text of its tests on `platforms` (empty when none); undefined when it is not an atomics file. */
export function procedureText(yamlText: string, platforms: string[]): { technique: string; text: string } | undefined {
  let file: AtomicFile;
  try {
    file = parse(yamlText) as AtomicFile;
  } catch {
    return undefined;
  }
  const technique = text(file?.attack_technique);
  if (!/^T\d{4}(\.\d{3})?$/.test(technique) || !Array.isArray(file.atomic_tests)) return undefined;
  const wanted = new Set(Object.entries(ATOMIC_PLATFORMS).filter(([p]) => platforms.includes(p)).flatMap(([, names]) => names));
  const tests = file.atomic_tests.filter((t) => Array.isArray(t?.supported_platforms) && t.supported_platforms.some((p: unknown) => wanted.has(String(p))));
  // ART writes input placeholders as #{name}: they name arguments, not behaviour.
  const parts = tests.flatMap((t) => [text(t.name), text(t.description), text(t.executor?.command).replace(/#\{[^}]*\}/g, ' ')]);
  return { technique, text: parts.length > 0 ? [text(file.display_name), ...parts].join('\n') : '' };
}
