#!/usr/bin/env node
// Run by `npm run build` after tsc: parses the embedded ATT&CK bundle and the embedded rules files once and
// stores what the parse cache keeps (the catalog, the rules files' items, and the rulesets of the official
// sets, with their outlines: the default stable file, official:all, official:k8saudit and the last two together) in
// dist/parsed, its read-only prebuilt store, so a fresh install's first `report` already takes the warm
// path. Generated, never committed: it cannot go stale.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { loadAttack } = await import(path.join(root, 'dist', 'attack', 'load.js'));
const { loadRulesOutline } = await import(path.join(root, 'dist', 'falco', 'load.js'));
const dir = path.join(root, 'dist', 'parsed');
rmSync(dir, { recursive: true, force: true });
const cacheRoot = mkdtempSync(path.join(os.tmpdir(), 'attack-cov-prebuild-'));
try {
  const parseCache = { prebuilt: [], dir };
  await loadAttack(undefined, { cacheRoot, parseCache });
  for (const spec of ['official', 'official:all', 'official:k8saudit', 'official:all,official:k8saudit']) {
    // Twice: a ruleset entry (and, asked for the outline, its outline) is written only when every file's own
    // entry was there already.
    for (let i = 0; i < 2; i++) await loadRulesOutline(spec.split(','), { cacheRoot, parseCache });
  }
} finally {
  rmSync(cacheRoot, { recursive: true, force: true });
}
