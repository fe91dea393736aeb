// showPaths corners: two files outside the root with one base name (the smallest group that needs telling apart),
// and one whose whole path is the tail of another's.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { showPaths } from '../../src/source-root.js';

const root = path.resolve('/work/repo');
const names = (files: string[]) => [...showPaths(files, root).values()].map((s) => `${s.path}${s.isOutsideRoot ? ' (outside)' : ''}`);

describe('showPaths', () => {
  it('tells two files outside the root with one base name apart by their parent folders', () => {
    expect(names(['/etc/falco/x.yaml', '/opt/falco2/x.yaml'])).toEqual(['falco/x.yaml (outside)', 'falco2/x.yaml (outside)']);
  });

  it('names a file whose path ends another\'s by its whole path, and the other by one folder more', () => {
    expect(names(['/a/x.yaml', '/b/a/x.yaml'])).toEqual(['a/x.yaml (outside)', 'b/a/x.yaml (outside)']);
  });
});
