// data/log-sources.json, the documented map from ATT&CK analytic log sources to Falco sources.
import { describe, expect, it } from 'vitest';
import { falcoSourceFor } from '../../../src/analysis/detectability.js';
import { readLogSourceMap, readSourcePlatforms } from '../../../src/upstream.js';

const mappings = readLogSourceMap();

describe('data/log-sources.json', () => {
  it.each([
    ['auditd:SYSCALL', 'syscall', undefined],
    ['auditd:EXECVE', 'syscall', undefined],
    ['AUDITD:PATH', 'syscall', undefined],
    ['ebpf:syscalls', 'syscall', undefined],
    ['linux:Sysmon', 'syscall', undefined],
    ['kubernetes:audit', 'k8s_audit', 'k8saudit'],
    ['kubernetes:apiserver', 'k8s_audit', 'k8saudit'],
    ['AWS:CloudTrail', 'aws_cloudtrail', 'cloudtrail'],
    ['CloudTrail:GetObject', 'aws_cloudtrail', 'cloudtrail'],
    ['gcp:audit', 'gcp_auditlog', 'gcpaudit'],
    ['saas:okta', 'okta', 'okta'],
    ['saas:github', 'github', 'github'],
    ['docker:events', 'docker', 'docker'],
    ['docker:daemon', 'docker', 'docker'],
  ])('maps %s to the Falco source %s (plugin %s)', (name, source, plugin) => {
    const mapping = falcoSourceFor(name, mappings);
    expect(mapping?.source).toBe(source);
    expect(mapping?.plugin).toBe(plugin);
  });

  it.each(['linux:syslog', 'NSM:Flow', 'WinEventLog:Sysmon', 'macos:unifiedlog', 'kubernetes:events', 'auditd', 'dockerd:events'])('maps %s to nothing: Falco cannot observe it', (name) => {
    expect(falcoSourceFor(name, mappings)).toBeUndefined();
  });

  it('names only sources attack-cov knows the platforms of, each with a reason', () => {
    const platforms = readSourcePlatforms();
    expect(mappings.length).toBeGreaterThan(5);
    for (const m of mappings) {
      expect(platforms[m.source], m.name).toBeDefined();
      expect(m.why.length, m.name).toBeGreaterThan(10);
    }
  });
});
