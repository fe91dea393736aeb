// Which ATT&CK v18 log sources (x_mitre_log_source_references names in analytics) each Falco event source
// stands in for. attack-cov's own judgement, kept small: a syscall rule sees what auditd and eBPF see;
// a k8s audit rule sees the Kubernetes audit log; the plugins see their service's audit log. Pure data.
// (A log-source → Falco-source map may also live in data/; this one is what suggestions rank with.)

const PATTERNS: Record<string, RegExp> = {
  syscall: /^(auditd:|ebpf:|linux:(sysmon|procfs|osquery)$|containers:osquery$)/i,
  k8s_audit: /^kubernetes:(audit|apiserver)$/i,
  aws_cloudtrail: /^aws:cloudtrail$/i,
  gcp_auditlog: /^(gcp:(audit|iam)|gcpauditlogs:)/i,
  okta: /^saas:okta$/i,
  github: /^saas:github$/i,
};
const ALIASES: Record<string, string> = { k8saudit: 'k8s_audit', 'k8saudit-eks': 'k8s_audit', 'k8saudit-gke': 'k8s_audit', 'k8saudit-aks': 'k8s_audit', 'k8saudit-ovh': 'k8s_audit' };

/** Does an analytic's log source (e.g. "auditd:SYSCALL") stand for what this Falco source observes? */
export function isLogSourceOf(source: string, logSource: string): boolean {
  return PATTERNS[ALIASES[source] ?? source]?.test(logSource) ?? false;
}
