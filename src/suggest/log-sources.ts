// Which ATT&CK v18 log sources (x_mitre_log_source_references names in analytics) a Falco event source
// stands in for: data/log-sources.json (the map detectability reads too), matched as detectability matches
// it. The mapping is passed in; plugin names are read from data/plugin-sources.json.
import { falcoSourceFor } from '../analysis/detectability.js';
import type { LogSourceMapping } from '../upstream.js';
import { sourceOfPlugin } from '../falco/source-names.js';


/** Does an analytic's log source (e.g. "auditd:SYSCALL") stand for what this Falco source observes? */
export function isLogSourceOf(source: string, logSource: string, mappings: LogSourceMapping[]): boolean {
  const mapping = falcoSourceFor(logSource, mappings);
  // A plugin's name for the source (k8saudit-eks) stands for its events' source (k8s_audit).
  return mapping !== undefined && mapping.source === (sourceOfPlugin(source) ?? source);
}
