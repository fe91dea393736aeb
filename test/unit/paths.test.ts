// Where attack-cov finds its own data and templates from the module asking: src/ and dist/ modules one level
// below the package root, the bundle's chunks (dist/bundle/) two; a folder only named like one is not taken
// for it.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { dataPath, packageRoot, packageRootOf, templatePath } from '../../src/paths.js';

describe('packageRootOf', () => {
  it('is the parent of src/ and of dist/, and the grandparent of dist/bundle/', () => {
    expect(packageRootOf('/opt/attack-cov/src')).toBe('/opt/attack-cov');
    expect(packageRootOf('/opt/attack-cov/dist')).toBe('/opt/attack-cov');
    expect(packageRootOf('/opt/attack-cov/dist/bundle')).toBe('/opt/attack-cov');
    expect(packageRootOf('/opt/bundles/attack-cov/dist')).toBe('/opt/bundles/attack-cov');
  });

  it('gives the checkout under vitest, with data/ and templates/ in it', () => {
    expect(dataPath('embedded.json')).toBe(path.join(packageRoot, 'data', 'embedded.json'));
    expect(templatePath('heatmap.html')).toBe(path.join(packageRoot, 'templates', 'heatmap.html'));
    expect(JSON.parse(readFileSync(path.join(packageRoot, 'package.json'), 'utf8')).name).toBe('attack-cov');
  });
});
