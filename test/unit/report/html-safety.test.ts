import { describe, expect, it } from 'vitest';
import { assertInlineSafe, escapeHtml, fillTemplate, jsonForScript } from '../../../src/report/html-safety.js';

describe('html safety', () => {
  const hostile = { name: '</script><script>alert(1)</script>', x: '<!-- & \u2028 \u2029 "q"' };

  it('jsonForScript leaves no <, > or & and still parses to the same value', () => {
    const text = jsonForScript(hostile);
    expect(text).not.toMatch(/[<>&\u2028\u2029]/);
    expect(JSON.parse(text)).toEqual(hostile);
  });
  it('escapeHtml escapes markup and quotes', () => {
    expect(escapeHtml(`<a href="x" onclick='y'>&</a>`)).toBe('&lt;a href=&quot;x&quot; onclick=&#39;y&#39;&gt;&amp;&lt;/a&gt;');
  });
  it('fillTemplate keeps $ patterns in values literal', () => {
    expect(fillTemplate('<p>%%A%%</p>', { A: "$& $' $1" })).toBe("<p>$& $' $1</p>");
    expect(() => fillTemplate('%%MISSING%%', {})).toThrow(/no value/);
  });
  it('assertInlineSafe refuses code that would end its script element', () => {
    expect(() => assertInlineSafe('x', 'var a = "</script>"')).toThrow();
    expect(assertInlineSafe('x', 'var a = 1')).toBe('var a = 1');
  });
});
