// The heatmap page's text guard, run before its other scripts: every text the page sets with d3's .text() (its one
// way of setting text: rule and file names, tags, messages, ATT&CK's names) shows the control, bidi and invisible
// characters as escapes (\u202e), as the terminal, CSV and SARIF outputs do. Set as they are, a right-to-left override
// in a rule name reversed the file:line and the finding count written after it, and could fake them (QA).
// window.attackCovUnsafeCharacters is src/terminal-text.ts' character class, written before this by the reporter
// (report/assets.ts).
(function () {
  'use strict';
  const d3 = window.d3;
  const unsafe = new RegExp(`[${window.attackCovUnsafeCharacters}]`, 'gu');
  // terminal-text.ts' escapeChar, written again (a page cannot import it); test/unit/report/reporters.test.ts runs this
  // file and holds it to escapeForTerminal on every unsafe character.
  const escapeChar = (c) => {
    if (c === '\n') return '\\n';
    if (c === '\r') return '\\r';
    if (c === '\t') return '\\t';
    let escaped = '';
    for (let i = 0; i < c.length; i++) escaped += `\\u${c.charCodeAt(i).toString(16).padStart(4, '0')}`;
    return escaped;
  };
  /** `text` as the page shows it: each unsafe character as its escape. */
  const visible = (text) => (text == null ? text : String(text).replace(unsafe, escapeChar));
  window.attackCovVisible = visible;
  const setText = d3.selection.prototype.text;
  d3.selection.prototype.text = function (value) {
    if (arguments.length === 0) return setText.call(this);
    return setText.call(this, typeof value === 'function' ? function (...args) { return visible(value.apply(this, args)); } : visible(value));
  };
})();
