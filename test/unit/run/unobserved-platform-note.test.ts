// The note `suggest --platform` gives when the platforms chosen leave some of the looked-at rules' sources nothing to
// observe: without it, syscall rules under --platform Windows each said "no candidate" and nothing said why (QA).
import { describe, expect, it } from 'vitest';
import { unobservedPlatformNote } from '../../../src/run/suggest.js';

const ALL = { syscall: ['Linux', 'Containers'], k8s_audit: ['Containers'], aws_cloudtrail: ['IaaS'] };
/** sourcePlatforms as --platform scopes them: each source keeps only the platforms chosen. */
const scoped = (platforms: string[]) => Object.fromEntries(Object.entries(ALL).map(([source, list]) => [source, list.filter((p) => platforms.includes(p))]));
const rules = (...sources: string[]) => sources.map((source) => ({ source }));

describe('unobservedPlatformNote', () => {
  it('says nothing without --platform, or when every looked-at source observes a platform chosen', () => {
    expect(unobservedPlatformNote(rules('syscall'), ALL, ALL, undefined)).toBeUndefined();
    expect(unobservedPlatformNote(rules('syscall', 'k8s_audit'), ALL, scoped(['Containers']), ['Containers'])).toBeUndefined();
    // aws_cloudtrail observes nothing under --platform Linux, but none of its rules was looked at.
    expect(unobservedPlatformNote(rules('syscall'), ALL, scoped(['Linux']), ['Linux'])).toBeUndefined();
  });

  it('names one source left blind, with what it observes', () => {
    expect(unobservedPlatformNote(rules('syscall', 'syscall'), ALL, scoped(['Windows']), ['Windows'])).toBe(
      'the syscall source observes none of --platform Windows (syscall observes Linux, Containers: data/source-platforms.json), so its rules get no candidate',
    );
  });

  it('names several, sorted, beside one that still observes a platform chosen', () => {
    expect(unobservedPlatformNote(rules('syscall', 'aws_cloudtrail', 'k8s_audit'), ALL, scoped(['Linux', 'macOS']), ['Linux', 'macOS'])).toBe(
      'the aws_cloudtrail, k8s_audit sources observe none of --platform Linux, macOS (aws_cloudtrail observes IaaS; k8s_audit observes Containers: data/source-platforms.json), so their rules get no candidate',
    );
  });

  it('leaves out a source attack-cov knows no platforms for: it gets no candidate with or without --platform', () => {
    const all = { ...ALL, mycustom: [] };
    expect(unobservedPlatformNote(rules('mycustom', 'constructor'), all, { ...scoped(['Windows']), mycustom: [] }, ['Windows'])).toBeUndefined();
  });
});
