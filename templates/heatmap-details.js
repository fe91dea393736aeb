// The heatmap's header and details panel: text from the report, set only with .text() and attribute values.
// Holds no state: the page passes its indexes, filters and actions in (`view`).
(function () {
  'use strict';
  const ATTACK_URL = /^https:\/\/attack\.mitre\.org\//;
  const plural = (n, word) => `${n} ${word}${n === 1 ? '' : 's'}`;

  function renderHeader(header, report) {
    const attack = report.inputs.attack;
    const s = report.summary;
    header.append('h1').text(`ATT&CK coverage of Falco rules — ${attack.domain} ${attack.version}`);
    header.append('p').attr('class', 'meta').text(`Rules files: ${report.inputs.rules.map((r) => r.path).join(', ')}`);
    header.append('p').attr('class', 'meta').text(`Scope: ${report.scope.platforms.join(', ') || 'none'} · ${s.rules.total} rules (${s.rules.enabled} enabled, ${s.rules.disabled} disabled) · generated ${report.generatedAt} by ${report.tool.name} ${report.tool.version}`);
    header.append('p').attr('class', 'overall').text(`${s.techniques.percent.toFixed(1)}% of ${s.techniques.total} in-scope techniques covered or partly covered (${s.techniques.covered} covered, ${s.techniques.partial} partly, ${s.techniques.gap} gaps); sub-techniques ${s.subtechniques.covered}/${s.subtechniques.total}`);
    const counts = header.append('p').attr('class', 'counts');
    for (const severity of ['error', 'warning', 'info']) counts.append('span').attr('class', `sev-${severity}`).text(`${s.findings[severity]} ${severity}${severity === 'info' || s.findings[severity] === 1 ? '' : 's'}`);
    const suppressed = report.suppressed || [];
    if (suppressed.length) counts.append('span').attr('class', 'suppressed-text').text(`${suppressed.length} suppressed`);
    const c = report.comparison;
    if (c) {
      const sign = (n) => (n > 0 ? `+${n}` : `${n}`);
      header.append('p').attr('class', 'changes').text(`Since the baseline (${c.baseline.generatedAt}${c.crossesAttackVersions ? `, ATT&CK ${c.baseline.attackVersion}` : ''}${c.crossesScopes ? `, platforms ${c.baseline.platforms.join(', ') || 'none'}` : ''}): coverage ${c.coverage.before.toFixed(1)}% → ${c.coverage.after.toFixed(1)}% (${sign(c.coverage.delta)} points), ${c.newlyCovered.length} newly covered (▲), ${c.newlyUncovered.length} no longer covered (▼), ${(c.statusChanges || []).length} between covered and partial, ${c.newFindings.length} new and ${c.fixedFindings.length} fixed findings`);
    }
    for (const gate of report.gates || []) {
      header.append('p').attr('class', gate.isPassed ? 'gate pass' : 'gate fail').text(`${gate.isPassed ? 'pass' : 'GATE FAILED'} --${gate.gate}: ${gate.message}`);
    }
  }

  function list(parent, items, render) {
    const ul = parent.append('ul');
    for (const item of items) render(ul.append('li'), item);
  }

  function panelBar(panel, technique, view) {
    const bar = panel.append('div').attr('class', 'panel-bar');
    bar.append('span').text(view.isPinned(technique) ? 'Pinned' : 'Preview (click or Enter to pin)');
    bar.append('button').attr('class', 'close').attr('aria-label', 'close the details (Escape)').text('Close ×').on('click', view.close);
  }

  /** Fills the details panel for one technique; `view` carries the page's indexes, filters and actions. */
  function render(panel, technique, view) {
    panel.selectAll('*').remove();
    panelBar(panel, technique, view);
    panel.append('h3').text(`${technique.id} ${technique.name}`);
    const link = panel.append('p').append('a').text('ATT&CK page');
    if (ATTACK_URL.test(technique.url)) link.attr('href', technique.url).attr('target', '_blank').attr('rel', 'noopener noreferrer');
    panel.append('p').text(`Tactics: ${technique.tactics.join(', ')}`);
    panel.append('p').text(`Platforms: ${technique.platforms.join(', ')}${technique.inScope ? '' : ' (outside the scope)'}`);
    const { status, count } = view.effective(technique);
    if (view.newlyUncovered.has(technique.id)) panel.append('p').attr('class', 'sev-error').text('No longer covered since the baseline');
    if (view.newlyCovered.has(technique.id)) panel.append('p').text('Newly covered since the baseline');
    const change = view.statusChanges.get(technique.id);
    if (change) {
      const line = panel.append('p').text(`${change.before} → ${change.after} since the baseline (${change.after === 'partial' ? 'was' : 'now'}: ${change.rules.join(', ')})`);
      if (change.after === 'partial') line.attr('class', 'sev-error');
    }
    if (status !== 'covered' && view.wouldCover.has(technique.id)) panel.append('p').attr('class', 'would-cover-note').text(`Would be covered if the suggested tags were accepted (attack-cov suggest): ${view.wouldCover.get(technique.id).join(', ')}`);
    panel.append('p').text(`Status: ${status}${count ? ` (${plural(count, 'enabled rule')})` : ''}${technique.coveredSubtechniques.length ? `; covered sub-techniques: ${technique.coveredSubtechniques.join(', ')}` : ''}`);
    const subs = view.subsOf.get(technique.id) || [];
    if (subs.length) {
      const isOpen = view.isExpanded(technique);
      panel.append('button').attr('class', 'expand').text(`${isOpen ? 'Hide' : 'Show'} its ${subs.length} sub-techniques`).on('click', () => view.toggleSubs(technique));
    }
    detailLists(panel, technique, view);
  }

  function detailLists(panel, technique, view) {
    const rules = view.activeRules(technique);
    panel.append('h4').text(rules.length ? 'Rules' : 'No enabled rule');
    list(panel, rules, (li, name) => {
      const rule = view.rulesByName.get(name) || {};
      li.append('span').text(name);
      li.append('code').text(` ${rule.file}:${rule.line}`);
      if (rule.maturity) li.append('span').text(` maturity_${rule.maturity}`);
      if (view.findingsByRule.has(name)) li.append('span').attr('class', 'sev-warning').text(` ⚠ ${plural(view.findingsByRule.get(name).length, 'finding')}`);
    });
    if (technique.disabledRules.length) {
      panel.append('h4').text('Disabled rules (not counted)');
      // A rule dropped by Falco (skip-if-unknown-filter over a field it does not know, a source it does not have) is
      // enabled, but does not run either; report.json says why.
      list(panel, technique.disabledRules, (li, name) => {
        const why = (view.rulesByName.get(name) || {}).skippedByFalco;
        li.text(why ? `${name} (enabled, but dropped by Falco: ${why})` : name);
      });
    }
    const findings = view.findingsByTechnique.get(technique.id) || [];
    if (findings.length) {
      panel.append('h4').text('Findings');
      list(panel, findings, (li, f) => {
        li.append('span').attr('class', `sev-${f.severity}`).text(`${f.severity} ${f.code}: `);
        li.append('span').text(`${f.message} (rule "${f.rule}", ${f.file}:${f.line})`);
      });
    }
    const quiet = view.suppressedByTechnique.get(technique.id) || [];
    if (quiet.length) {
      panel.append('h4').text('Suppressed findings (not counted)');
      list(panel, quiet, (li, f) => {
        li.append('span').attr('class', 'suppressed-text').text(`suppressed ${f.code}: `);
        li.append('span').text(`${f.message} (rule "${f.rule}", ${f.file}:${f.line}) — ${f.suppression.justification} [${f.suppression.kind === 'inSource' ? 'in the rules file' : 'in the config'}]`);
      });
    }
    evidenceList(panel, technique, view);
  }

  /** report --emulate: the technique's emulated procedures and the rules they trigger. */
  function evidenceList(panel, technique, view) {
    const evidence = view.evidenceById.get(technique.id);
    if (!evidence) return;
    panel.append('h4').text(`Emulated: ${evidence.status.replace(/-/g, ' ')} (${plural(evidence.procedures, 'procedure')})`);
    const own = view.emulation.procedures.filter((p) => p.kind === 'atomic' && (p.technique === technique.id || (p.technique || '').startsWith(`${technique.id}.`)));
    list(panel, own, (li, p) => {
      const rules = [...new Set(p.fired.map((f) => f.rule))];
      li.append('code').text(p.id.slice(0, 8));
      li.append('span').text(` ${p.name}: ${rules.length ? rules.join('; ') : 'no rule fires'}`);
      if (rules.length) li.append('div').attr('class', 'event').text(`← ${p.fired[0].event}`);
    });
    const never = evidence.taggedRules.filter((r) => !evidence.demonstratedBy.includes(r));
    if (never.length) panel.append('p').attr('class', 'sev-warning').text(`Tagged but never fired: ${never.join('; ')}`);
    for (const u of evidence.undetermined) panel.append('p').text(`Undetermined: ${u.rule} (needs ${u.needs.join(', ')})`);
  }

  window.attackCovDetails = { render, renderHeader };
})();
