// The note for rules of a Falco source attack-cov has no platforms for: its rules count on the platforms in scope
// but add none to it, so a ruleset of such sources alone has an empty scope unless --platform says otherwise.
import { describe, expect, it } from 'vitest';
import { unknownSourceNote } from '../../../src/run/inputs.js';
import { readSourcePlatforms } from '../../../src/upstream.js';

const scope = (sources: string[], platforms: string[], from: 'sources' | 'option' = 'sources') => ({ scope: { sources, platforms, from } });
const MAP = { syscall: ['Linux', 'Containers'], k8s_audit: ['Containers'] };

describe('unknownSourceNote', () => {
  it('says nothing when every source is known, or when --platform chose the scope', () => {
    expect(unknownSourceNote(scope(['k8s_audit', 'syscall'], ['Containers', 'Linux']), MAP)).toBeUndefined();
    expect(unknownSourceNote(scope(['mycustom'], ['Linux'], 'option'), MAP)).toBeUndefined();
  });

  it('names an unknown source alone, and that nothing is in scope then', () => {
    expect(unknownSourceNote(scope(['mycustom'], []), MAP)).toBe(
      'attack-cov does not know which ATT&CK platforms the source mycustom observes (data/source-platforms.json), so no platform is in scope: choose them with --platform (e.g. --platform Linux)',
    );
  });

  it('names several beside known ones (the first three), and that their rules count on the others\' platforms', () => {
    expect(unknownSourceNote(scope(['a', 'b', 'c', 'd', 'syscall'], ['Containers', 'Linux']), MAP)).toBe(
      'attack-cov does not know which ATT&CK platforms the sources a, b, c and 1 more observe (data/source-platforms.json), so their rules count only on the platforms the other sources bring: choose them with --platform (e.g. --platform Linux)',
    );
    // `constructor` is a source name like any other, not an inherited key of the map.
    expect(unknownSourceNote(scope(['constructor'], []), MAP)).toMatch(/the source constructor observes/);
  });

  it('knows the plugin sources of the Falco plugin registry that observe one kind of platform (data/source-platforms.json)', () => {
    const map = readSourcePlatforms();
    expect(Object.fromEntries(['journal', 'seccompagent', 'nomad', 'gitlab', 'keycloak', 'awselb', 'edera_zone', 'k8s_audit', 'aws_cloudtrail'].map((s) => [s, map[s]]))).toEqual({
      journal: ['Linux'], seccompagent: ['Linux', 'Containers'], nomad: ['Containers'], gitlab: ['SaaS'], keycloak: ['Identity Provider'], awselb: ['IaaS'],
      edera_zone: ['Linux', 'Containers'], k8s_audit: ['Containers'], aws_cloudtrail: ['IaaS'],
    });
    expect(unknownSourceNote(scope(['journal'], ['Linux']))).toBeUndefined();
  });
});
