// The exact text html-safety produces for hostile input: each escape, each refusal, each placeholder shape.
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { seededRandom } from '../../helpers/random.js';
import { assertInlineSafe, cspHash, escapeHtml, escapeScriptJson, fillTemplate, jsonForScript } from '../../../src/report/html-safety.js';

describe('escapeHtml', () => {
  it('escapes each of & < > " \' to its entity and leaves other text alone', () => {
    expect(escapeHtml('&')).toBe('&amp;');
    expect(escapeHtml('<')).toBe('&lt;');
    expect(escapeHtml('>')).toBe('&gt;');
    expect(escapeHtml('"')).toBe('&quot;');
    expect(escapeHtml("'")).toBe('&#39;');
    expect(escapeHtml('Write below etc (T1611) é/`=')).toBe('Write below etc (T1611) é/`=');
  });
  it('escapes every occurrence, not only the first', () => {
    expect(escapeHtml('<<&&>>')).toBe('&lt;&lt;&amp;&amp;&gt;&gt;');
  });
});

describe('jsonForScript', () => {
  it('writes <, >, &, U+2028 and U+2029 as \\u escapes (exact text)', () => {
    expect(jsonForScript('</script><!--&\u2028\u2029')).toBe('"\\u003c/script\\u003e\\u003c!--\\u0026\\u2028\\u2029"');
  });
  it('leaves ordinary JSON unchanged', () => {
    const value = { a: [1, 'b c', null], 'd-e': true };
    expect(jsonForScript(value)).toBe(JSON.stringify(value));
  });
});

describe('escapeScriptJson', () => {
  // The reference: every one of the five characters replaced wherever it stands, nothing else touched.
  const reference = (text: string) => text.replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);

  it('escapes each character at the start, the end, side by side and repeated, in any order', () => {
    expect(escapeScriptJson('<')).toBe('\\u003c');
    expect(escapeScriptJson('a>')).toBe('a\\u003e');
    expect(escapeScriptJson('&&b')).toBe('\\u0026\\u0026b');
    expect(escapeScriptJson('\u2029x\u2028')).toBe('\\u2029x\\u2028');
    expect(escapeScriptJson('>a<b>&<')).toBe('\\u003ea\\u003cb\\u003e\\u0026\\u003c');
    expect(escapeScriptJson('')).toBe('');
    expect(escapeScriptJson('plain é ✓')).toBe('plain é ✓');
  });
  it('agrees with a regular-expression reference on 2,000 random strings of the five and ordinary characters', () => {
    // Seeded (xorshift), so a failure names a string that can be replayed.
    const random = seededRandom(0x2545f491);
    const alphabet = ['<', '>', '&', '\u2028', '\u2029', 'a', '"', '\\', '/', '!', '-', 'é', '\u2027', '\u202a'];
    for (let n = 0; n < 2000; n++) {
      const text = Array.from({ length: Math.floor(random() * 24) }, () => alphabet[Math.floor(random() * alphabet.length)]).join('');
      expect(escapeScriptJson(text), JSON.stringify(text)).toBe(reference(text));
    }
  });
});

describe('cspHash', () => {
  it("is 'sha256-<base64 of the UTF-8 bytes>' as CSP 'script-src' expects", () => {
    const code = 'console.log("é")';
    const expected = createHash('sha256').update(Buffer.from(code, 'utf8')).digest('base64');
    expect(cspHash(code)).toBe(`'sha256-${expected}'`);
    // A known vector: sha256 of the empty string.
    expect(cspHash('')).toBe("'sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU='");
  });
});

describe('assertInlineSafe', () => {
  it('refuses </script in any letter case, and <!--, naming the asset', () => {
    expect(() => assertInlineSafe('d3', 'x = "</SCRIPT>"')).toThrow('d3 cannot be inlined: it contains </script or <!--');
    expect(() => assertInlineSafe('d3', 'x = "</Script"')).toThrow(/d3 cannot be inlined/);
    expect(() => assertInlineSafe('page', 'x = 1 <!-- y')).toThrow(/page cannot be inlined/);
  });
  it('accepts code with < and / and ! that do not form those sequences', () => {
    const code = 'if (a < b && c / d) { x = "<script>" + "<!x" + "</scrip" + "<!-" }';
    expect(assertInlineSafe('app', code)).toBe(code);
  });
});

describe('fillTemplate', () => {
  it('fills placeholders with upper-case letters, digits and underscores, every occurrence', () => {
    expect(fillTemplate('%%A%%-%%B_2%%-%%A%%', { A: 'x', B_2: 'y' })).toBe('x-y-x');
    expect(fillTemplate('%%LONG_NAME_99%%', { LONG_NAME_99: 'z' })).toBe('z');
  });
  it('leaves text that is not a placeholder alone', () => {
    expect(fillTemplate('100%% %%lower%% %% %%', {})).toBe('100%% %%lower%% %% %%');
  });
  it('names the placeholder that has no value', () => {
    expect(() => fillTemplate('<p>%%TITLE%%</p>', { OTHER: '' })).toThrow('template placeholder %%TITLE%% has no value');
  });
  it('accepts an empty value', () => {
    expect(fillTemplate('[%%E%%]', { E: '' })).toBe('[]');
  });
});
