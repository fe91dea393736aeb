// The heatmap page's script: draws the ATT&CK matrix from the inlined report.json with d3.
// Every string from the report is set with .text() or as an attribute value, never parsed as HTML.
(function () {
  'use strict';
  const d3 = window.d3;
  const report = JSON.parse(document.getElementById('report-data').textContent);
  const ATTACK_URL = /^https:\/\/attack\.mitre\.org\//;
  const NO_MATURITY = '(no maturity tag)';

  const rulesByName = new Map(report.rules.map((r) => [r.name, r]));
  const techniqueById = new Map(report.techniques.map((t) => [t.id, t]));
  const subsOf = d3.group(report.techniques.filter((t) => t.parent), (t) => t.parent);
  const findingsByTechnique = d3.group(report.findings.filter((f) => f.technique), (f) => f.technique);
  const findingsByRule = d3.group(report.findings, (f) => f.rule);
  const maturities = [...new Set(report.rules.map((r) => r.maturity || NO_MATURITY))].sort();
  const platforms = [...new Set(report.techniques.flatMap((t) => t.platforms))].sort();
  const newlyCovered = new Set(((report.comparison || {}).newlyCovered || []).map((t) => t.id));
  const newlyUncovered = new Set(((report.comparison || {}).newlyUncovered || []).map((t) => t.id));
  // report --suggest: techniques that the rules' best suggested tags would cover if a person accepted them.
  const wouldCover = new Map(((report.suggestions || {}).wouldCover || []).map((t) => [t.id, t.rules]));

  const state = { platform: '', maturity: new Set(maturities), gapsOnly: false, search: '', showOutOfScope: false, expanded: new Set(), pinned: null };

  function activeRules(technique) {
    return technique.rules.filter((name) => state.maturity.has((rulesByName.get(name) || {}).maturity || NO_MATURITY));
  }
  function effective(technique) {
    const count = activeRules(technique).length;
    const subCovered = (subsOf.get(technique.id) || []).some((s) => activeRules(s).length > 0);
    return { count, status: count > 0 ? 'covered' : subCovered ? 'partial' : 'gap' };
  }
  function matchesSearch(technique) {
    if (!state.search) return true;
    const q = state.search.toLowerCase();
    const hit = (t) => t.id.toLowerCase().includes(q) || t.name.toLowerCase().includes(q);
    return hit(technique) || (subsOf.get(technique.id) || []).some(hit);
  }
  function isVisible(technique) {
    if (!technique.inScope && !state.showOutOfScope) return false;
    if (state.platform && !technique.platforms.includes(state.platform)) return false;
    if (state.gapsOnly && effective(technique).status !== 'gap') return false;
    return matchesSearch(technique);
  }

  function renderHeader() {
    const header = d3.select('#header');
    const attack = report.inputs.attack;
    const s = report.summary;
    header.append('h1').text(`ATT&CK coverage of Falco rules — ${attack.domain} ${attack.version}`);
    header.append('p').attr('class', 'meta').text(`Rules files: ${report.inputs.rules.map((r) => r.path).join(', ')}`);
    header.append('p').attr('class', 'meta').text(`Scope: ${report.scope.platforms.join(', ') || 'none'} · ${s.rules.total} rules (${s.rules.enabled} enabled, ${s.rules.disabled} disabled) · generated ${report.generatedAt} by ${report.tool.name} ${report.tool.version}`);
    header.append('p').attr('class', 'overall').text(`${s.techniques.percent.toFixed(1)}% of ${s.techniques.total} in-scope techniques covered or partly covered (${s.techniques.covered} covered, ${s.techniques.partial} partly, ${s.techniques.gap} gaps); sub-techniques ${s.subtechniques.covered}/${s.subtechniques.total}`);
    const counts = header.append('p').attr('class', 'counts');
    for (const severity of ['error', 'warning', 'info']) counts.append('span').attr('class', `sev-${severity}`).text(`${s.findings[severity]} ${severity}${severity === 'info' || s.findings[severity] === 1 ? '' : 's'}`);
    const c = report.comparison;
    if (c) {
      const sign = (n) => (n > 0 ? `+${n}` : `${n}`);
      header.append('p').attr('class', 'changes').text(`Since the baseline (${c.baseline.generatedAt}${c.crossesAttackVersions ? `, ATT&CK ${c.baseline.attackVersion}` : ''}): coverage ${c.coverage.before}% → ${c.coverage.after}% (${sign(c.coverage.delta)} points), ${c.newlyCovered.length} newly covered (▲), ${c.newlyUncovered.length} no longer covered (▼), ${c.newFindings.length} new and ${c.fixedFindings.length} fixed findings`);
    }
    for (const gate of report.gates || []) {
      header.append('p').attr('class', gate.isPassed ? 'gate pass' : 'gate fail').text(`${gate.isPassed ? 'pass' : 'GATE FAILED'} --${gate.gate}: ${gate.message}`);
    }
  }

  function renderControls() {
    const controls = d3.select('#controls');
    const platform = controls.append('label').text('Platform ');
    const select = platform.append('select').attr('id', 'filter-platform').on('change', (event) => update({ platform: event.target.value }));
    select.selectAll('option').data(['', ...platforms]).join('option').attr('value', (d) => d).text((d) => d || 'all platforms');
    const maturity = controls.append('span').attr('id', 'filter-maturity').text('Maturity: ');
    for (const level of maturities) {
      const label = maturity.append('label');
      label.append('input').attr('type', 'checkbox').attr('value', level).property('checked', true).on('change', (event) => {
        const next = new Set(state.maturity);
        if (event.target.checked) next.add(level);
        else next.delete(level);
        update({ maturity: next });
      });
      label.append('span').text(level.replace(/^(?!\()/, 'maturity_'));
    }
    const gaps = controls.append('label');
    gaps.append('input').attr('type', 'checkbox').attr('id', 'filter-gaps').on('change', (event) => update({ gapsOnly: event.target.checked }));
    gaps.append('span').text('gaps only');
    const scope = controls.append('label');
    scope.append('input').attr('type', 'checkbox').attr('id', 'filter-out-of-scope').on('change', (event) => update({ showOutOfScope: event.target.checked }));
    scope.append('span').text('show out-of-scope techniques (dimmed)');
    controls.append('input').attr('type', 'search').attr('id', 'search').attr('placeholder', 'Search ID or name').attr('aria-label', 'Search techniques').on('input', (event) => update({ search: event.target.value.trim() }));
  }

  function renderLegend() {
    const items = [['status-gap', 'gap: no enabled rule'], ['status-partial', 'partly covered (sub-techniques)'], ['count-1', '1 rule'], ['count-2', '2 rules'], ['count-3', '3 rules'], ['count-4', '4+ rules']];
    const legend = d3.select('#legend');
    for (const [cls, label] of items) {
      const item = legend.append('span');
      item.append('span').attr('class', `swatch cell ${cls}`);
      item.append('span').text(label);
    }
    if (report.suggestions) {
      const item = legend.append('span');
      item.append('span').attr('class', 'swatch cell status-gap would-cover');
      item.append('span').text('would be covered if the suggested tags were accepted');
    }
    legend.append('span').text('⚠ tag findings · dimmed: outside the scope · click a cell for details, ▸ for sub-techniques');
  }

  function cellClass(technique) {
    const { count, status } = effective(technique);
    const classes = ['cell', `status-${status}`];
    if (count > 0) classes.push(`count-${Math.min(count, 4)}`);
    if (!technique.inScope) classes.push('out-of-scope');
    if (findingsByTechnique.has(technique.id)) classes.push('has-findings');
    if (newlyCovered.has(technique.id)) classes.push('newly-covered');
    if (newlyUncovered.has(technique.id)) classes.push('newly-uncovered');
    if (status !== 'covered' && wouldCover.has(technique.id)) classes.push('would-cover');
    return classes.join(' ');
  }

  function drawCell(selection) {
    selection
      .attr('class', cellClass)
      .attr('data-id', (t) => t.id)
      .attr('tabindex', 0)
      .attr('role', 'button')
      .each(function (t) {
        const cell = d3.select(this);
        cell.selectAll('*').remove();
        const subs = subsOf.get(t.id) || [];
        if (!t.isSubtechnique && subs.length > 0) {
          cell.append('button').attr('class', 'toggle').attr('aria-label', `sub-techniques of ${t.id}`).text(state.expanded.has(t.id) ? '▾' : '▸').on('click', (event) => {
            event.stopPropagation();
            const expanded = new Set(state.expanded);
            if (expanded.has(t.id)) expanded.delete(t.id);
            else expanded.add(t.id);
            update({ expanded });
          });
        }
        const count = effective(t).count;
        if (count > 0) cell.append('span').attr('class', 'count').text(count);
        if (newlyCovered.has(t.id)) cell.append('span').attr('class', 'change').attr('title', 'newly covered since the baseline').text('▲ ');
        if (newlyUncovered.has(t.id)) cell.append('span').attr('class', 'change').attr('title', 'no longer covered since the baseline').text('▼ ');
        cell.append('span').attr('class', 'id').text(t.id);
        cell.append('span').text(` ${t.name}`);
      })
      .on('mouseenter', (event, t) => state.pinned || showDetails(t))
      .on('focus', (event, t) => showDetails(t))
      .on('click', (event, t) => {
        state.pinned = t.id;
        showDetails(t);
      })
      .on('keydown', (event, t) => {
        if (event.key === 'Enter' && (subsOf.get(t.id) || []).length > 0) {
          const expanded = new Set(state.expanded);
          if (expanded.has(t.id)) expanded.delete(t.id);
          else expanded.add(t.id);
          update({ expanded });
        }
      });
  }

  function renderMatrix() {
    const columns = d3.select('#matrix').selectAll('section.tactic').data(report.tactics, (t) => t.id).join((enter) => {
      const column = enter.append('section').attr('class', 'tactic').attr('data-tactic', (t) => t.shortname);
      const heading = column.append('h2');
      heading.append('span').text((t) => t.name);
      heading.append('span').attr('class', 'pct').text((t) => `${t.id} · ${t.total === 0 ? 'nothing in scope' : `${t.percent}% of ${t.total}`}`);
      column.append('div').attr('class', 'cells');
      return column;
    });
    columns.select('div.cells').each(function (tactic) {
      const techniques = report.techniques
        .filter((t) => !t.isSubtechnique && t.tactics.includes(tactic.shortname) && isVisible(t))
        .sort((a, b) => d3.ascending(a.name, b.name));
      const groups = d3.select(this).selectAll('div.group').data(techniques, (t) => t.id).join('div').attr('class', 'group');
      groups.each(function (t) {
        const group = d3.select(this);
        group.selectAll('div.cell.top').data([t]).join('div').call(drawCell).classed('top', true);
        const subs = state.expanded.has(t.id) ? (subsOf.get(t.id) || []).filter((s) => state.showOutOfScope || s.inScope) : [];
        group.selectAll('div.subs').data([subs]).join('div').attr('class', 'subs').selectAll('div.cell').data((d) => d, (s) => s.id).join('div').call(drawCell);
      });
    });
  }

  function list(parent, items, render) {
    const ul = parent.append('ul');
    for (const item of items) render(ul.append('li'), item);
  }

  function showDetails(technique) {
    const panel = d3.select('#details').property('hidden', false);
    panel.selectAll('*').remove();
    panel.append('button').attr('class', 'close').attr('aria-label', 'close').text('×').on('click', () => {
      state.pinned = null;
      panel.property('hidden', true);
    });
    panel.append('h3').text(`${technique.id} ${technique.name}`);
    const link = panel.append('p').append('a').text('ATT&CK page');
    if (ATTACK_URL.test(technique.url)) link.attr('href', technique.url).attr('target', '_blank').attr('rel', 'noopener noreferrer');
    panel.append('p').text(`Tactics: ${technique.tactics.join(', ')}`);
    panel.append('p').text(`Platforms: ${technique.platforms.join(', ')}${technique.inScope ? '' : ' (outside the scope)'}`);
    const { status, count } = effective(technique);
    if (newlyUncovered.has(technique.id)) panel.append('p').attr('class', 'sev-error').text('No longer covered since the baseline');
    if (newlyCovered.has(technique.id)) panel.append('p').text('Newly covered since the baseline');
    if (status !== 'covered' && wouldCover.has(technique.id)) panel.append('p').attr('class', 'would-cover-note').text(`Would be covered if the suggested tags were accepted (attack-cov suggest): ${wouldCover.get(technique.id).join(', ')}`);
    panel.append('p').text(`Status: ${status}${count ? ` (${count} enabled rule${count === 1 ? '' : 's'})` : ''}${technique.coveredSubtechniques.length ? `; covered sub-techniques: ${technique.coveredSubtechniques.join(', ')}` : ''}`);
    const rules = activeRules(technique);
    panel.append('strong').text(rules.length ? 'Rules' : 'No enabled rule');
    list(panel, rules, (li, name) => {
      const rule = rulesByName.get(name) || {};
      li.append('span').text(name);
      li.append('code').text(` ${rule.file}:${rule.line}`);
      if (rule.maturity) li.append('span').text(` maturity_${rule.maturity}`);
      if (findingsByRule.has(name)) li.append('span').attr('class', 'sev-warning').text(` ⚠ ${findingsByRule.get(name).length} finding(s)`);
    });
    if (technique.disabledRules.length) {
      panel.append('strong').text('Disabled rules (not counted)');
      list(panel, technique.disabledRules, (li, name) => li.text(name));
    }
    const findings = findingsByTechnique.get(technique.id) || [];
    if (findings.length) {
      panel.append('strong').text('Findings');
      list(panel, findings, (li, f) => {
        li.append('span').attr('class', `sev-${f.severity}`).text(`${f.severity} ${f.code}: `);
        li.append('span').text(`${f.message} (rule "${f.rule}", ${f.file}:${f.line})`);
      });
    }
  }

  function update(change) {
    Object.assign(state, change);
    renderMatrix();
  }

  renderHeader();
  renderControls();
  renderLegend();
  renderMatrix();
  document.addEventListener('keydown', (event) => {
    if (event.key === 'Escape') {
      state.pinned = null;
      d3.select('#details').property('hidden', true);
    }
  });
})();
