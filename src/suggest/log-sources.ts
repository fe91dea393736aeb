// Which ATT&CK v18 log sources (x_mitre_log_source_references names in analytics) a Falco event source
// stands in for: data/log-sources.json (the map detectability reads too), matched as detectability matches
// it. Pure: the mapping is passed in.
import { falcoSourceFor } from '../analysis/detectability.js';
import type { LogSourceMapping } from '../upstream.js';

/** The k8saudit plugin's source names for managed clusters are the same source to ATT&CK. */
const ALIASES: Record<string, string> = { k8saudit: 'k8s_audit', 'k8saudit-eks': 'k8s_audit', 'k8saudit-gke': 'k8s_audit', 'k8saudit-aks': 'k8s_audit', 'k8saudit-ovh': 'k8s_audit' };

/** Does an analytic's log source (e.g. "auditd:SYSCALL") stand for what this Falco source observes? */
export function isLogSourceOf(source: string, logSource: string, mappings: LogSourceMapping[]): boolean {
  const mapping = falcoSourceFor(logSource, mappings);
  return mapping !== undefined && mapping.source === (ALIASES[source] ?? source);
}
