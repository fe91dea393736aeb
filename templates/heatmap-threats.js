// The heatmap's per-platform coverage, threat profiles and gap panel (report.json platformCoverage,
// threats, gaps, detectability). Text only through .text() and attribute values. Holds no state: the page
// passes the current filters in.
(function () {
  'use strict';

  /** Only rules whose source observes the platform count: the selected one, else the technique's counted platforms. */
  function countingRules(technique, platform) {
    if (!technique.platformCoverage) return technique.rules;
    if (!platform) return technique.observingRules;
    const here = technique.platformCoverage.find((c) => c.platform === platform);
    return here ? here.rules : [];
  }

  function create(report, d3) {
    const profiles = report.threats || [];
    const gapsById = new Map((report.gaps || []).map((g) => [g.id, g]));
    const parentOf = new Map(report.techniques.filter((t) => t.parent).map((t) => [t.id, t.parent]));
    // A profile's techniques with the parents of its sub-techniques, so the top-level cell shows it too.
    const idsOf = new Map(profiles.map((p) => [p.id, new Set([...p.direct, ...p.viaSoftware].flatMap((t) => [t.id, parentOf.get(t.id)]).filter(Boolean))]));
    const isInProfile = (profileId, technique) => Boolean(profileId) && idsOf.get(profileId).has(technique.id);

    function renderProfileControl(controls, onChange) {
      if (profiles.length === 0) return;
      const label = controls.append('label').attr('for', 'filter-profile');
      label.append('span').text('Threat profile');
      label.append('select').attr('id', 'filter-profile').on('change', (event) => onChange(event.target.value))
        .selectAll('option').data(['', ...profiles.map((p) => p.id)]).join('option').attr('value', (d) => d).text((d) => {
          const p = profiles.find((x) => x.id === d);
          return p ? `${p.name} (${p.id}): ${p.counts.direct.total + p.counts.viaSoftware.total} techniques` : 'none';
        });
    }

    /** Rewrites the header's overall line for the filters that change coverage (platform, maturity, profile). */
    function renderOverall(techniques, effective, filters) {
      const status = techniques.map((t) => effective(t).status);
      const covered = status.filter((s) => s === 'covered').length;
      const partial = status.filter((s) => s === 'partial').length;
      const total = status.length;
      const percent = total ? Math.round((1000 * (covered + partial)) / total) / 10 : 0;
      const profile = profiles.find((p) => p.id === filters.profile);
      const where = [filters.platform, profile && `profile ${profile.name}`].filter(Boolean).join(', ');
      const subs = report.summary.subtechniques;
      d3.select('#header .overall').text(`${percent.toFixed(1)}% of ${total} in-scope techniques covered or partly covered (${covered} covered, ${partial} partly, ${total - covered - partial} gaps)${where ? ` on ${where}` : ''}; sub-techniques ${subs.covered}/${subs.total}`);
    }

    function list(parent, items, render) {
      const ul = parent.append('ul');
      for (const item of items) render(ul.append('li'), item);
    }

    function profilesUsing(technique) {
      return profiles.filter((p) => idsOf.get(p.id).has(technique.id)).map((p) => {
        const via = p.viaSoftware.find((t) => t.id === technique.id);
        return `${p.name} (${p.id})${via ? ` through ${via.via.join(', ')}` : ''}`;
      });
    }

    function renderDetectability(panel, d) {
      panel.append('h4').text('Detectability');
      panel.append('p').attr('class', `detectability verdict-${d.verdict}`).text(d.reason);
      list(panel, d.analytics, (li, a) => {
        li.append('span').attr('class', 'analytic-id').text(`${a.id} (${a.strategy}, ${a.platforms.join(', ')}): `);
        li.append('span').text(a.description);
        const sources = li.append('ul');
        for (const l of a.logSources) {
          const item = sources.append('li');
          item.append('code').text(l.name);
          item.append('span').text(` ${l.channel} — ${l.falcoSource ? `Falco ${l.falcoSource}${l.plugin ? ` (plugin ${l.plugin})` : ''}${l.isLoaded ? ', loaded' : ', not loaded'}` : 'not observable by Falco'}`);
        }
      });
    }

    /** The gap's priority and why, the profiles using the technique, its detectability, the draft command. */
    function renderPriority(panel, technique) {
      const gap = gapsById.get(technique.id);
      const using = profilesUsing(technique);
      if (gap) {
        panel.append('h4').text(`Gap priority #${gap.priority.rank} (score ${gap.priority.score})`);
        panel.append('p').attr('class', 'why').text(gap.priority.why);
      }
      if (using.length) {
        panel.append('h4').text('Used by threat profiles');
        list(panel, using, (li, text) => li.text(text));
      }
      if (technique.detectability) renderDetectability(panel, technique.detectability);
      if (gap) {
        panel.append('h4').text('Draft a rule');
        panel.append('pre').attr('class', 'draft-command').append('code').text(`attack-cov draft ${technique.id}`);
      }
    }

    return { isInProfile, renderProfileControl, renderOverall, renderPriority };
  }

  window.attackCovThreats = { countingRules, create };
})();
