// lazyPackage: a package is required when first asked for, not when the module naming it loads, and once.
import { describe, expect, it } from 'vitest';
import { lazyPackage } from '../../src/lazy-package.js';

describe('lazyPackage', () => {
  it('requires nothing until called: a missing package fails at the call, not before', () => {
    const missing = lazyPackage<unknown>('attack-cov-no-such-package');
    expect(() => missing()).toThrow(/Cannot find module 'attack-cov-no-such-package'/);
  });

  it('returns the package, the same object every call', () => {
    const yaml = lazyPackage<typeof import('yaml')>('yaml');
    const first = yaml();
    expect(typeof first.parse).toBe('function');
    expect(yaml()).toBe(first);
  });
});
