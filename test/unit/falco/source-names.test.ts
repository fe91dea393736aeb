// Which `source:` names Falco skips rules of, as far as attack-cov can tell: a plugin's name whose events have
// another source, and a known source in other letter case; a near miss only gets a hint, since a custom plugin
// may have any source name. Reads the data files the product reads (data/plugin-sources.json, source-platforms.json).
import { describe, expect, it } from 'vitest';
import { closeSource, misnamedSource, skipsSource, sourceOfPlugin } from '../../../src/falco/source-names.js';

describe('source names', () => {
  it('maps the plugins whose events have another source to it, and nothing else', () => {
    expect(['k8saudit', 'k8saudit-eks', 'k8saudit-gke', 'k8saudit-aks', 'k8saudit-ovh', 'cloudtrail', 'gcpaudit'].map(sourceOfPlugin)).toEqual([
      'k8s_audit', 'k8s_audit', 'k8s_audit', 'k8s_audit', 'k8s_audit', 'aws_cloudtrail', 'gcp_auditlog',
    ]);
    // okta's plugin and source share a name; a key of Object.prototype is no plugin.
    expect(['okta', 'k8s_audit', 'constructor', '__proto__', 'K8saudit'].map(sourceOfPlugin)).toEqual([undefined, undefined, undefined, undefined, undefined]);
  });
  it('says why Falco skips a plugin\'s name or a known source in other case, and nothing of a known or unknown source', () => {
    expect(misnamedSource('cloudtrail')).toBe("source cloudtrail is the name of a plugin, not an event source (its events' source is aws_cloudtrail)");
    expect(misnamedSource('SYSCALL')).toBe('source SYSCALL is not syscall (source names are case-sensitive)');
    expect(misnamedSource('K8S_Audit')).toBe('source K8S_Audit is not k8s_audit (source names are case-sensitive)');
    expect(['syscall', 'k8s_audit', 'aws_cloudtrail', 'okta', 'mycorp', 'sycall', ''].map(misnamedSource)).toEqual([undefined, undefined, undefined, undefined, undefined, undefined, undefined]);
    expect(skipsSource('x')).toBe('Falco skips the rule ("Unknown source x, skipping")');
  });
  it('offers a known source one or two edits away from a name of four characters or more', () => {
    expect(['sycall', 'syscal', 'k8s_adit', 'gcp_auditlogs', 'oktaa', 'oktx'].map(closeSource)).toEqual(['syscall', 'syscall', 'k8s_audit', 'gcp_auditlog', 'okta', 'okta']);
    // The closest of several within two edits: gitlob is one from gitlab, two from github (listed first).
    expect(closeSource('gitlob')).toBe('gitlab');
    // Known names, short ones and far ones get none; journalx1 is two edits from journal.
    expect(['syscall', 'okta', 'okt', 'abc', 'mycorp_events', 'journalx1'].map(closeSource)).toEqual([undefined, undefined, undefined, undefined, undefined, 'journal']);
  });
});
