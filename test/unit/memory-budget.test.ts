// The heap growth limit is set unless the user chose one on node's command line or in NODE_OPTIONS
// (its effect on peak RSS is measured by `npm run bench`, not asserted here).
import { describe, expect, it } from 'vitest';
import { limitHeapGrowth } from '../../src/memory-budget.js';

describe('limitHeapGrowth', () => {
  it('sets V8s growth limit by default', () => {
    expect(limitHeapGrowth([], undefined)).toBe(true);
    expect(limitHeapGrowth(['--enable-source-maps'], '--max-old-space-size=512')).toBe(true);
  });
  it('leaves a limit the user chose', () => {
    expect(limitHeapGrowth(['--heap-growing-percent=80'], undefined)).toBe(false);
    expect(limitHeapGrowth([], '--max-old-space-size=512 --heap_growing_percent=10')).toBe(false);
  });
});
