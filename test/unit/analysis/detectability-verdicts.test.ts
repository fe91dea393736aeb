// detectability.ts on a tiny catalog with hand-written analytics: which analytics count for the scope,
// how a log source name finds its Falco source (exact first, then the longest prefix), and each verdict
// with its reason: closable with a loaded source, with another source, not observable, unknown.
import { describe, expect, it } from 'vitest';
import { analyticsFor, assessDetectability, falcoSourceFor } from '../../../src/analysis/detectability.js';
import type { Analytic, DetectionStrategy } from '../../../src/attack/types.js';
import type { LogSourceMapping } from '../../../src/upstream.js';
import { catalogOf, technique } from '../../helpers/analysis-builders.js';

const MAPPINGS: LogSourceMapping[] = [
  { name: 'auditd:SYSCALL', source: 'syscall', why: 'x' },
  { name: 'auditd:*', source: 'syscall', why: 'x' },
  { name: 'k8s:*', source: 'k8s_audit', plugin: 'k8saudit', why: 'x' },
  { name: 'k8s:audit:*', source: 'k8s_audit_long', plugin: 'k8saudit-long', why: 'x' },
  { name: 'AWS:CloudTrail', source: 'aws_cloudtrail', plugin: 'cloudtrail', why: 'x' },
  { name: 'gcp:*', source: 'gcp_auditlog', plugin: 'gcpaudit', why: 'x' },
  { name: 'okta', source: 'okta', why: 'x' },
];

function analytic(id: string, platforms: string[], logSources: Analytic['logSources']): Analytic {
  return { id, platforms, description: `analytic ${id}`, logSources };
}
const src = (name: string, channel = 'c', dataComponent?: string) => ({ name, channel, ...(dataComponent ? { dataComponent } : {}) });

function catalogWith(strategies: DetectionStrategy[] | undefined) {
  return catalogOf([technique('T1059')], strategies ? { detections: new Map([['T1059', strategies]]), version: '18.1' } : { version: '17.1' });
}

describe('falcoSourceFor', () => {
  it('matches a name exactly, ignoring case and surrounding space, before any prefix', () => {
    expect(falcoSourceFor(' AUDITD:syscall ', MAPPINGS)?.name).toBe('auditd:SYSCALL');
    expect(falcoSourceFor('aws:cloudtrail', MAPPINGS)?.source).toBe('aws_cloudtrail');
    expect(falcoSourceFor('okta', MAPPINGS)?.source).toBe('okta');
  });

  it('falls back to the longest matching prefix:*', () => {
    expect(falcoSourceFor('auditd:EXECVE', MAPPINGS)?.name).toBe('auditd:*');
    expect(falcoSourceFor('k8s:audit:create', MAPPINGS)?.name).toBe('k8s:audit:*');
    expect(falcoSourceFor('K8S:pods', MAPPINGS)?.name).toBe('k8s:*');
  });

  it('matches nothing else: not a prefix pattern as an exact name, not a name only starting like an exact one', () => {
    expect(falcoSourceFor('auditd:*', MAPPINGS.filter((m) => m.name === 'auditd:SYSCALL'))).toBeUndefined();
    // Were x:* an exact name, it would answer for the log source x:* before the longer prefix x:**.
    const patterns = [{ name: 'x:*', source: 'short', why: 'x' }, { name: 'x:**', source: 'long', why: 'x' }];
    expect(falcoSourceFor('x:*', patterns)?.source).toBe('long');
    expect(falcoSourceFor('oktaX', MAPPINGS)).toBeUndefined();
    expect(falcoSourceFor('WinEventLog:Security', MAPPINGS)).toBeUndefined();
    expect(falcoSourceFor('xauditd:EXECVE', MAPPINGS)).toBeUndefined();
  });

  it('reads a mapping table once per log source name: thousands of analytics name a few hundred sources', () => {
    let scans = 0;
    const counted = new Proxy([...MAPPINGS], {
      get(target, key) {
        if (key === 'find') scans += 1;
        return Reflect.get(target, key);
      },
    });
    expect(falcoSourceFor('auditd:EXECVE', counted)?.name).toBe('auditd:*');
    expect(falcoSourceFor('auditd:EXECVE', counted)?.name).toBe('auditd:*');
    expect(scans).toBe(1);
    expect(falcoSourceFor('okta', counted)?.source).toBe('okta');
    expect(scans).toBe(2);
  });
});

describe('analyticsFor', () => {
  it('keeps the analytics on any of the platforms, strategy by strategy, in ATT&CK order', () => {
    const catalog = catalogWith([
      { id: 'DET1', name: 'One', analytics: [analytic('AN1', ['Windows'], []), analytic('AN2', ['Linux', 'macOS'], [])] },
      { id: 'DET2', name: 'Two', analytics: [analytic('AN3', ['Containers'], [])] },
    ]);
    expect(analyticsFor(catalog, 'T1059', ['Linux', 'Containers']).map((a) => `${a.strategy.id}/${a.strategy.name}/${a.analytic.id}`)).toEqual(['DET1/One/AN2', 'DET2/Two/AN3']);
    expect(analyticsFor(catalog, 'T1059', [])).toEqual([]);
    expect(analyticsFor(catalog, 'T9999', ['Linux'])).toEqual([]);
  });
});

describe('assessDetectability', () => {
  it('closable with a loaded source: names the sources and the analytics that read them', () => {
    const catalog = catalogWith([
      { id: 'DET1', name: 'One', analytics: [analytic('AN1', ['Linux', 'Windows'], [src('auditd:SYSCALL', 'execve', 'Process Creation'), src('WinEventLog:Security')]), analytic('AN2', ['Linux'], [src('k8s:audit')]), analytic('AN3', ['Linux'], [src('okta')])] },
    ]);
    const d = assessDetectability(catalog, 'T1059', ['Linux'], ['syscall', 'okta'], MAPPINGS);
    expect(d.verdict).toBe('closable-loaded');
    expect(d.reason).toBe('closable with the loaded source okta, syscall (AN1, AN3)');
    expect(d.loadedSources).toEqual(['okta', 'syscall']);
    expect(d.otherSources).toEqual([{ source: 'k8s_audit', plugin: 'k8saudit' }]);
    expect(d.analytics[0]).toEqual({
      id: 'AN1',
      strategy: 'DET1',
      platforms: ['Linux'],
      description: 'analytic AN1',
      logSources: [
        { name: 'auditd:SYSCALL', channel: 'execve', dataComponent: 'Process Creation', falcoSource: 'syscall', isLoaded: true },
        { name: 'WinEventLog:Security', channel: 'c', isLoaded: false },
      ],
    });
    expect(d.analytics[1]!.logSources).toEqual([{ name: 'k8s:audit', channel: 'c', falcoSource: 'k8s_audit', plugin: 'k8saudit', isLoaded: false }]);
  });

  it('closable with another source: names each once, sorted, with its plugin when it has one', () => {
    const catalog = catalogWith([
      { id: 'DET1', name: 'One', analytics: [analytic('AN1', ['Linux'], [src('okta'), src('gcp:x'), src('WinEventLog:Security')]), analytic('AN2', ['Linux'], [src('gcp:y'), src('AWS:CloudTrail')]), analytic('AN3', ['Linux'], [src('Other')])] },
    ]);
    const d = assessDetectability(catalog, 'T1059', ['Linux'], ['syscall'], MAPPINGS);
    expect(d.verdict).toBe('closable-other');
    expect(d.otherSources).toEqual([
      { source: 'aws_cloudtrail', plugin: 'cloudtrail' },
      { source: 'gcp_auditlog', plugin: 'gcpaudit' },
      { source: 'okta', plugin: 'okta' },
    ]);
    expect(d.reason).toBe('closable with another Falco source: aws_cloudtrail (plugin cloudtrail), gcp_auditlog (plugin gcpaudit), okta (AN1, AN2)');
    expect(d.loadedSources).toEqual([]);
  });

  it('not observable: lists the log sources its analytics name, once each, sorted', () => {
    const catalog = catalogWith([{ id: 'DET1', name: 'One', analytics: [analytic('AN1', ['Linux'], [src('b:x'), src('a:y')]), analytic('AN2', ['Linux'], [src('b:x')])] }]);
    expect(assessDetectability(catalog, 'T1059', ['Linux'], ['syscall'], MAPPINGS)).toMatchObject({ verdict: 'not-observable', reason: 'not observable by Falco: its analytics name only a:y, b:x', loadedSources: [], otherSources: [] });
    const empty = catalogWith([{ id: 'DET1', name: 'One', analytics: [analytic('AN1', ['Linux'], [])] }]);
    expect(assessDetectability(empty, 'T1059', ['Linux'], [], MAPPINGS).reason).toBe('not observable by Falco: its analytics name only no log source');
  });

  it('unknown when ATT&CK names no analytic on the platforms', () => {
    const catalog = catalogWith([{ id: 'DET1', name: 'One', analytics: [analytic('AN1', ['Windows'], [src('okta')])] }]);
    expect(assessDetectability(catalog, 'T1059', ['Linux', 'Containers'], ['okta'], MAPPINGS)).toEqual({ verdict: 'unknown', reason: 'ATT&CK names no analytic for it on Linux, Containers: detectability unknown', loadedSources: [], otherSources: [], analytics: [] });
    expect(assessDetectability(catalog, 'T1059', [], [], MAPPINGS).reason).toBe('ATT&CK names no analytic for it on the scope: detectability unknown');
    expect(assessDetectability(catalog, 'T9999', ['Linux'], [], MAPPINGS).verdict).toBe('unknown');
  });

  it('unknown on an ATT&CK version without analytics, saying so', () => {
    expect(assessDetectability(catalogWith(undefined), 'T1059', ['Linux'], ['syscall'], MAPPINGS)).toEqual({ verdict: 'unknown', reason: 'ATT&CK 17.1 has no analytics (they came with v18): detectability unknown', loadedSources: [], otherSources: [], analytics: [] });
  });
});
