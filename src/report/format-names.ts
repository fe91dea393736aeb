// The --format names and aliases, without the reporters: what the project config checks `outputs.formats`
// against, without loading every reporter (registry.ts holds the reporters under these names; a test keeps the two equal).

export const FORMAT_NAMES = ['json', 'heatmap', 'layer', 'coverage-csv', 'findings-csv', 'summary', 'sarif', 'priority-layer', 'threat-layers', 'suggestions-csv'];

export const ALIASES: Record<string, string[]> = {
  html: ['heatmap'],
  navigator: ['layer', 'priority-layer', 'threat-layers'],
  csv: ['coverage-csv', 'findings-csv', 'suggestions-csv'],
  markdown: ['summary'],
  md: ['summary'],
};

/** Every value --format takes: all, each name, each alias. */
export const FORMAT_VALUES = ['all', ...FORMAT_NAMES, ...Object.keys(ALIASES)];

/** lint's --format choices: the listing, JSON, SARIF, and GitHub Actions workflow commands (annotations). */
export const LINT_FORMATS = ['stylish', 'json', 'sarif', 'github'];

/** validate's --format choices: the listing, JSON, and GitHub Actions workflow commands (annotations). */
export const VALIDATE_FORMATS = ['stylish', 'json', 'github'];
