// The heatmap page's script: draws the ATT&CK matrix with d3 from the inlined report (what the page reads of it).
// Every string from the report is set with .text() or as an attribute value, never parsed as HTML.
(function () {
  'use strict';
  const d3 = window.d3;
  const nav = window.attackCovNav;
  const report = readReport(JSON.parse(document.getElementById('report-data').textContent));
  const NO_MATURITY = '(no maturity tag)';
  const root = document.documentElement;
  const matrixEl = document.getElementById('matrix');

  /** The embedded data names a technique's rules by their position in `rules` (src/report/heatmap-data.ts): the names again. */
  function readReport(data) {
    const names = data.rules.map((r) => r.name);
    const named = (refs) => refs.map((ref) => (typeof ref === 'number' ? names[ref] : ref));
    for (const t of data.techniques) {
      t.rules = named(t.rules);
      t.observingRules = named(t.observingRules);
      t.disabledRules = named(t.disabledRules);
      for (const c of t.platformCoverage) c.rules = named(c.rules);
    }
    return data;
  }

  const rulesByName = new Map(report.rules.map((r) => [r.name, r]));
  const subsOf = d3.group(report.techniques.filter((t) => t.parent), (t) => t.parent);
  const findingsByTechnique = d3.group(report.findings.filter((f) => f.technique), (f) => f.technique);
  const findingsByRule = d3.group(report.findings, (f) => f.rule);
  const suppressed = report.suppressed || [];
  const suppressedByTechnique = d3.group(suppressed.filter((f) => f.technique), (f) => f.technique);
  const maturities = [...new Set(report.rules.map((r) => r.maturity || NO_MATURITY))].sort();
  const platforms = [...new Set(report.techniques.flatMap((t) => t.platforms))].sort();
  const newlyCovered = new Set(((report.comparison || {}).newlyCovered || []).map((t) => t.id));
  const newlyUncovered = new Set(((report.comparison || {}).newlyUncovered || []).map((t) => t.id));
  // Covered ↔ partial: covered → partial lost the technique's own rules (▼), partial → covered gained them (▲).
  const statusChanges = new Map(((report.comparison || {}).statusChanges || []).map((t) => [t.id, t]));
  // report --suggest: techniques that the rules' best suggested tags would cover if a person accepted them.
  const wouldCover = new Map(((report.suggestions || {}).wouldCover || []).map((t) => [t.id, t.rules]));
  // report --emulate: the second axis, tagged vs demonstrated on emulated Atomic Red Team procedures.
  const emulation = report.emulation || null;
  const evidenceById = new Map((emulation ? emulation.techniques : []).map((e) => [e.id, e]));
  const EVIDENCE = {
    'tagged-and-demonstrated': ['◆', 'tagged, and a tagging rule fires on its emulated procedures'],
    'tagged-never-fired': ['◇', 'tagged, but no tagging rule fires on its emulated procedures'],
    'tagged-not-emulated': ['◌', 'tagged only by rules of sources the emulation does not run (k8s_audit…): not checked'],
    'demonstrated-not-tagged': ['✚', 'a rule fires on its emulated procedures but does not tag it'],
    'not-demonstrated': ['○', 'no rule fires on its emulated procedures'],
  };

  const state = { platform: '', maturity: new Set(maturities), gapsOnly: false, search: '', showOutOfScope: false, expanded: new Set(), pinned: null, activeKey: null, isPanelOpen: true, profile: '', showEvidence: true };
  const threats = window.attackCovThreats.create(report, d3);
  const plural = (n, word) => `${n} ${word}${n === 1 ? '' : 's'}`;

  function activeRules(technique) {
    return window.attackCovThreats.countingRules(technique, state.platform).filter((name) => state.maturity.has((rulesByName.get(name) || {}).maturity || NO_MATURITY));
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
  function isCounted(technique) {
    return technique.inScope && (!state.platform || technique.platforms.includes(state.platform)) && (!state.profile || threats.isInProfile(state.profile, technique));
  }
  function isVisible(technique) {
    if (!technique.inScope && !state.showOutOfScope) return false;
    if (state.platform && !technique.platforms.includes(state.platform)) return false;
    if (state.gapsOnly && effective(technique).status !== 'gap') return false;
    return matchesSearch(technique);
  }
  function topLevelOf(tactic) {
    return report.techniques.filter((t) => !t.isSubtechnique && t.tactics.includes(tactic.shortname));
  }
  /** Coverage under the platform, maturity and profile filters (search and "gaps only" hide cells, they do not change coverage). */
  function totals(techniques) {
    const counted = techniques.filter(isCounted);
    const covered = counted.filter((t) => effective(t).status !== 'gap').length;
    return { covered, total: counted.length, percent: counted.length ? Math.round((covered / counted.length) * 1000) / 10 : 0 };
  }

  function labelled(parent, text, id) {
    const label = parent.append('label').attr('for', id);
    label.append('span').text(text);
    return label;
  }

  function renderControls() {
    const controls = d3.select('#controls');
    const search = labelled(controls, 'Search', 'search');
    search.append('input').attr('type', 'search').attr('id', 'search').attr('placeholder', 'ID or name, Enter to go').attr('aria-keyshortcuts', '/')
      .on('input', (event) => update({ search: event.target.value.trim() }))
      .on('keydown', (event) => event.key === 'Enter' && focusFirstMatch());
    const select = labelled(controls, 'Platform', 'filter-platform').append('select').attr('id', 'filter-platform').on('change', (event) => update({ platform: event.target.value }));
    select.selectAll('option').data(['', ...platforms]).join('option').attr('value', (d) => d).text((d) => d || 'all platforms');
    threats.renderProfileControl(controls, (profile) => update({ profile }));
    const maturity = controls.append('fieldset').attr('id', 'filter-maturity').attr('class', 'inline');
    maturity.append('legend').text('Maturity');
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
    const checkbox = (id, text, key) => {
      const label = controls.append('label');
      label.append('input').attr('type', 'checkbox').attr('id', id).on('change', (event) => update({ [key]: event.target.checked }));
      label.append('span').text(text);
    };
    checkbox('filter-gaps', 'gaps only', 'gapsOnly');
    checkbox('filter-out-of-scope', 'show out-of-scope techniques', 'showOutOfScope');
    if (emulation) {
      checkbox('toggle-emulation', 'emulation markers', 'showEvidence');
      d3.select('#toggle-emulation').property('checked', true);
    }
    const view = (id, text, options, onChange) =>
      labelled(controls, text, id).append('select').attr('id', id).on('change', (event) => onChange(event.target.value))
        .selectAll('option').data(options).join('option').attr('value', (d) => d[0]).text((d) => d[1]);
    view('theme', 'Theme', [['system', 'system'], ['light', 'light'], ['dark', 'dark']], (v) => (v === 'system' ? root.removeAttribute('data-theme') : root.setAttribute('data-theme', v)));
    view('dock', 'Details', [['bottom', 'bottom'], ['side', 'side']], setDock);
  }

  function renderLegend() {
    const items = [['status-gap', 'gap: no enabled rule'], ['status-partial', 'partly covered (sub-techniques)'], ['count-1', '1 rule'], ['count-2', '2 rules'], ['count-3', '3 rules'], ['count-4', '4+ rules']];
    const legend = d3.select('#legend');
    for (const [cls, label] of items) {
      const item = legend.append('span');
      item.append('span').attr('class', `swatch ${cls}`);
      item.append('span').text(label);
    }
    const marker = (cls, text, label) => {
      const item = legend.append('span');
      item.append('span').attr('class', `marker ${cls}`).text(text);
      item.append('span').text(` ${label}`);
    };
    marker('findings', '⚠ n', 'tag findings');
    marker('suppressed', '⊘ n', 'suppressed findings');
    if (report.suggestions) {
      const item = legend.append('span');
      item.append('span').attr('class', 'swatch would-cover');
      item.append('span').text('gap that suggested tags would cover if accepted');
    }
    if (emulation) for (const [status, [mark, text]] of Object.entries(EVIDENCE)) marker(`evidence evidence-${status}`, mark, `emulated: ${text}`);
    legend.append('span').text('Point at a technique to preview it; click or Enter pins it; ▸ or + shows sub-techniques; / searches');
  }

  function cellState(t) {
    const { count, status } = effective(t);
    const findings = (findingsByTechnique.get(t.id) || []).length;
    const quiet = (suppressedByTechnique.get(t.id) || []).length;
    return { count, status, findings, quiet };
  }

  function accessibleState(t, s) {
    const parts = [];
    parts.push(s.status === 'covered' ? `covered by ${plural(s.count, 'enabled rule')}` : s.status === 'partial' ? 'partly covered through sub-techniques' : 'gap, no enabled rule');
    parts.push(plural(s.findings, 'finding') + (s.quiet ? `, ${s.quiet} suppressed` : ''));
    if (!t.inScope) parts.push('outside the scope');
    if (newlyCovered.has(t.id)) parts.push('newly covered since the baseline');
    if (newlyUncovered.has(t.id)) parts.push('no longer covered since the baseline');
    if (statusChanges.has(t.id)) parts.push(`${statusChanges.get(t.id).before} → ${statusChanges.get(t.id).after} since the baseline`);
    if (s.status !== 'covered' && wouldCover.has(t.id)) parts.push('would be covered if the suggested tags were accepted');
    if (evidenceById.has(t.id)) parts.push(`emulated: ${EVIDENCE[evidenceById.get(t.id).status][1]}`);
    return `${parts.join('; ')}.`;
  }

  function cellClass(t, s) {
    const classes = ['cell', `status-${s.status}`];
    if (s.count > 0) classes.push(`count-${Math.min(s.count, 4)}`);
    if (!t.inScope) classes.push('out-of-scope');
    if (s.findings) classes.push('has-findings');
    if (s.quiet) classes.push('has-suppressed');
    if (newlyCovered.has(t.id)) classes.push('newly-covered');
    if (newlyUncovered.has(t.id)) classes.push('newly-uncovered');
    if (s.status !== 'covered' && wouldCover.has(t.id)) classes.push('would-cover');
    if (state.pinned === t.id) classes.push('pinned');
    if (threats.isInProfile(state.profile, t)) classes.push('in-profile');
    return classes.join(' ');
  }

  /** The name with a break opportunity after each "/", so "Shutdown/Reboot" wraps between words, never inside one. */
  function appendName(cell, name) {
    const span = cell.append('span').attr('class', 'name');
    name.split('/').forEach((part, i, all) => {
      span.append(() => document.createTextNode(window.attackCovVisible(i < all.length - 1 ? `${part}/` : part)));
      if (i < all.length - 1) span.append('wbr');
    });
  }

  function drawCell(selection, tactic) {
    selection.each(function (t) {
      const s = cellState(t);
      const cell = d3.select(this).attr('class', cellClass(t, s)).attr('role', 'button').attr('data-id', t.id).attr('data-name', t.name)
        .attr('data-key', `${tactic}/${t.id}`);
      cell.selectAll('*').remove();
      // The accessible name is the cell's text: the ID, the name and a sentence only screen readers get; the
      // visual count and markers are hidden from them because the sentence says the same in words.
      const line = cell.append('span').attr('class', 'line1');
      line.append('span').attr('class', 'id').text(t.id);
      if (newlyCovered.has(t.id)) line.append('span').attr('class', 'change').attr('aria-hidden', 'true').attr('title', 'newly covered since the baseline').text('▲');
      if (newlyUncovered.has(t.id)) line.append('span').attr('class', 'change').attr('aria-hidden', 'true').attr('title', 'no longer covered since the baseline').text('▼');
      if (statusChanges.has(t.id)) {
        const change = statusChanges.get(t.id);
        line.append('span').attr('class', 'change').attr('aria-hidden', 'true').attr('title', `${change.before} → ${change.after} since the baseline`).text(change.after === 'partial' ? '▼' : '▲');
      }
      if (s.count > 0) line.append('span').attr('class', 'count').attr('aria-hidden', 'true').text(s.count);
      if (s.findings) line.append('span').attr('class', 'marker findings').attr('aria-hidden', 'true').attr('title', plural(s.findings, 'finding')).text(`⚠${s.findings}`);
      if (s.quiet) line.append('span').attr('class', 'marker suppressed').attr('aria-hidden', 'true').attr('title', `${s.quiet} suppressed`).text(`⊘${s.quiet}`);
      if (state.showEvidence && evidenceById.has(t.id)) {
        const [mark, title] = EVIDENCE[evidenceById.get(t.id).status];
        line.append('span').attr('class', `marker evidence evidence-${evidenceById.get(t.id).status}`).attr('aria-hidden', 'true').attr('title', title).text(mark);
      }
      appendName(cell, t.name);
      cell.append('span').attr('class', 'visually-hidden').text(`: ${accessibleState(t, s)}`);
    })
      .on('mouseenter', (event, t) => state.isPanelOpen && showDetails(t))
      .on('mouseleave', () => state.pinned && state.isPanelOpen && showDetails(techniqueById(state.pinned)))
      .on('focus', (event, t) => {
        state.activeKey = event.currentTarget.dataset.key;
        if (state.isPanelOpen) showDetails(t);
      })
      .on('click', (event, t) => pin(t));
  }

  const techniqueIndex = new Map(report.techniques.map((t) => [t.id, t]));
  const techniqueById = (id) => techniqueIndex.get(id);

  function toggleExpanded(id, isOpen) {
    const expanded = new Set(state.expanded);
    if (isOpen ?? !expanded.has(id)) expanded.add(id);
    else expanded.delete(id);
    update({ expanded });
  }

  function drawGroup(group, t, tactic) {
    const subs = subsOf.get(t.id) || [];
    const isOpen = state.expanded.has(t.id);
    group.attr('data-group', t.id);
    group.selectAll('button.toggle').data(subs.length ? [t] : []).join('button').attr('class', 'toggle').attr('tabindex', -1)
      .attr('aria-expanded', String(isOpen)).attr('aria-label', `${isOpen ? 'hide' : 'show'} the ${subs.length} sub-techniques of ${t.id}`)
      .text(isOpen ? '▾' : '▸').on('click', (event) => {
        event.stopPropagation();
        toggleExpanded(t.id);
      });
    group.selectAll('div.cell.top').data([t]).join('div').call(drawCell, tactic).classed('top', true);
    const shown = isOpen ? subs.filter((s) => state.showOutOfScope || s.inScope) : [];
    group.selectAll('ul.subs').data([shown]).join('ul').attr('class', 'subs').attr('aria-label', `sub-techniques of ${t.id}`)
      .selectAll('li').data((d) => d, (s) => s.id).join('li').selectAll('div.cell').data((s) => [s]).join('div').call(drawCell, tactic);
  }

  function renderMatrix() {
    const columns = d3.select('#matrix').selectAll('section.tactic').data(report.tactics, (t) => t.id).join((enter) => {
      const column = enter.append('section').attr('class', 'tactic').attr('data-tactic', (t) => t.shortname).attr('aria-labelledby', (t) => `tactic-${t.shortname}`);
      const heading = column.append('h2').attr('id', (t) => `tactic-${t.shortname}`);
      heading.append('span').attr('class', 'tactic-name').text((t) => t.name);
      heading.append('span').attr('class', 'pct');
      column.append('ul').attr('class', 'cells');
      return column;
    });
    columns.select('.pct').text((tactic) => {
      const { covered, total, percent } = totals(topLevelOf(tactic));
      return `${tactic.id} · ${total === 0 ? 'nothing in scope' : `${percent.toFixed(1)}% (${covered}/${total})`}`;
    });
    columns.select('ul.cells').each(function (tactic) {
      const techniques = topLevelOf(tactic).filter(isVisible).sort((a, b) => d3.ascending(a.name, b.name));
      d3.select(this).selectAll('li.group').data(techniques, (t) => t.id).join('li').attr('class', 'group').each(function (t) {
        drawGroup(d3.select(this), t, tactic.shortname);
      });
    });
    const active = nav.keepOneTabStop(matrixEl, state.activeKey);
    if (active) state.activeKey = active.dataset.key;
    renderStatus();
  }

  function renderStatus() {
    const shown = new Set([...matrixEl.querySelectorAll('.cell.top')].map((c) => c.dataset.id)).size;
    const all = totals(report.techniques.filter((t) => !t.isSubtechnique));
    threats.renderOverall(report.techniques.filter((t) => !t.isSubtechnique && isCounted(t)), effective, state);
    d3.select('#filter-status').text(`Showing ${plural(shown, 'technique')}. Under these filters: ${all.percent.toFixed(1)}% covered or partly covered (${all.covered} of ${all.total} in scope).`);
  }

  const detailsView = {
    subsOf, rulesByName, findingsByRule, findingsByTechnique, suppressedByTechnique, newlyCovered, newlyUncovered, statusChanges, wouldCover, activeRules, effective, emulation, evidenceById,
    isPinned: (t) => state.pinned === t.id,
    isExpanded: (t) => state.expanded.has(t.id),
    toggleSubs: (t) => {
      toggleExpanded(t.id);
      showDetails(t);
    },
    close: () => closeDetails(),
  };
  const showDetails = (technique) => {
    window.attackCovDetails.render(d3.select('#details'), technique, detailsView);
    threats.renderPriority(d3.select('#details'), technique);
  };

  function openPanel(isOpen) {
    state.isPanelOpen = isOpen;
    d3.select('#details').property('hidden', !isOpen);
    d3.select('#splitter').property('hidden', !isOpen);
    if (isOpen) splitter.refresh();
  }

  function pin(technique) {
    state.pinned = technique.id;
    openPanel(true);
    d3.select('#matrix').selectAll('.cell').classed('pinned', (t) => t.id === technique.id);
    showDetails(technique);
  }

  function closeDetails() {
    state.pinned = null;
    d3.select('#matrix').selectAll('.cell').classed('pinned', false);
    openPanel(false);
  }

  function placeholder() {
    d3.select('#details').append('p').text('Point at a technique to preview its rules and findings here; click it or press Enter to pin it. Drag the bar above (or focus it and use the arrow keys) to resize.');
  }

  function setDock(dock) {
    document.body.setAttribute('data-dock', dock);
    d3.select('#dock').property('value', dock);
    d3.select('#splitter').attr('aria-orientation', dock === 'side' ? 'vertical' : 'horizontal');
    if (state.isPanelOpen) splitter.refresh();
  }

  function focusFirstMatch() {
    const q = state.search.toLowerCase();
    const cells = [...matrixEl.querySelectorAll('.cell')];
    const cell = cells.find((c) => c.dataset.id.toLowerCase() === q) || cells.find((c) => c.dataset.name.toLowerCase().includes(q) || c.dataset.id.toLowerCase().includes(q)) || cells[0];
    if (cell) {
      nav.makeActive(matrixEl, cell);
      cell.focus();
    }
  }

  function update(change) {
    Object.assign(state, change);
    renderMatrix();
  }

  const splitter = nav.installSplitter(document.getElementById('splitter'), document.getElementById('workspace'), () => document.body.getAttribute('data-dock') === 'side');
  window.attackCovDetails.renderHeader(d3.select('#header'), report);
  renderControls();
  renderLegend();
  setDock(window.innerWidth >= 1700 ? 'side' : 'bottom');
  renderMatrix();
  openPanel(true);
  placeholder();
  nav.installMatrixKeys(matrixEl, {
    activate: (cell) => pin(techniqueById(cell.dataset.id)),
    expand: (cell, isOpen) => {
      const t = techniqueById(cell.dataset.id);
      if ((subsOf.get(t.id) || []).length) toggleExpanded(t.id, isOpen);
      else if (t.parent && !isOpen) {
        state.activeKey = `${cell.dataset.key.split('/')[0]}/${t.parent}`;
        toggleExpanded(t.parent, false);
      }
      matrixEl.querySelector(`.cell[data-key="${CSS.escape(state.activeKey)}"]`)?.focus();
    },
  });
  document.getElementById('skip-link').addEventListener('click', (event) => {
    event.preventDefault();
    matrixEl.querySelector('.cell[tabindex="0"]')?.focus();
  });
  document.addEventListener('keydown', (event) => {
    if (event.key === 'Escape' && state.isPanelOpen) closeDetails();
    if (event.key === '/' && !/^(INPUT|SELECT|TEXTAREA)$/.test(event.target.tagName)) {
      event.preventDefault();
      document.getElementById('search').focus();
    }
  });
})();
