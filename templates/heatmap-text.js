// The heatmap page's text guard, run before its other scripts: every text the page sets with d3's .text() (its one
// way of setting text: rule and file names, tags, messages, ATT&CK's names) shows the control, bidi and invisible
// characters as escapes (\u202e), as the terminal, CSV and SARIF outputs do. Set as they are, a right-to-left override
// in a rule name reversed the file:line and the finding count written after it, and could fake them (QA).
// window.attackCovUnsafeCharacters and attackCovEscapeChar are src/terminal-text.ts' character class and escape,
// written before this by the reporter (report/assets.ts).
(function () {
  'use strict';
  const d3 = window.d3;
  const unsafe = new RegExp(`[${window.attackCovUnsafeCharacters}]`, 'gu');
  const escapeChar = window.attackCovEscapeChar;
  /** `text` as the page shows it: each unsafe character as its escape. */
  const visible = (text) => (text == null ? text : String(text).replace(unsafe, escapeChar));
  window.attackCovVisible = visible;
  const setText = d3.selection.prototype.text;
  d3.selection.prototype.text = function (value) {
    if (arguments.length === 0) return setText.call(this);
    return setText.call(this, typeof value === 'function' ? function (...args) { return visible(value.apply(this, args)); } : visible(value));
  };
})();
