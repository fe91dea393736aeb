// The heatmap's stylesheet and the Navigator layer paint with the same colours (palette.ts).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { COVERED_COLORS, GAP_COLOR, PARTIAL_COLOR } from '../../../src/report/palette.js';
import { templatePath } from '../../../src/paths.js';

describe('the palette', () => {
  it('is the one templates/heatmap.css uses', () => {
    const css = readFileSync(templatePath('heatmap.css'), 'utf8');
    const variable = (name: string) => new RegExp(`--${name}: (#[0-9a-f]{6});`).exec(css)?.[1];
    expect(['c1', 'c2', 'c3', 'c4'].map(variable)).toEqual(COVERED_COLORS);
    expect(variable('gap')).toBe(GAP_COLOR);
    expect(variable('partial')).toBe(PARTIAL_COLOR);
  });
});
