// The two guards every printed and written text passes: terminal escaping and secret redaction.
import { afterEach, describe, expect, it } from 'vitest';
import { escapeDiffLines, escapeForTerminal, escapeLines, terminalSafe } from '../../../src/terminal-text.js';
import { rulesFilePatch } from '../../../src/run/rules-patch.js';
import { clearSecrets, redactMessage, redactSecrets, registerSecret, registerSecretsInUrl } from '../../../src/secrets.js';
import { splitCredentials } from '../../../src/net/url.js';

describe('terminal text', () => {
  const hostile = 'a\u001b]0;title\u0007b\u001b[2Jc\u202ed\u2066e\nerror: forged\rf\u0085g\u2028h';

  it('escapes controls, escapes, bidi overrides and line breaks in a field', () => {
    expect(escapeForTerminal(hostile)).toBe('a\\u001b]0;title\\u0007b\\u001b[2Jc\\u202ed\\u2066e\\nerror: forged\\rf\\u0085g\\u2028h');
  });

  it('writes a tab in a field as \\t, like \\n and \\r, and other controls by their code', () => {
    expect(escapeForTerminal('a\tb\u0001c\u007f')).toBe('a\\tb\\u0001c\\u007f');
  });

  it('keeps the line breaks of multi-line text, escaping within each line', () => {
    expect(escapeLines('one\u001b[31m\r\ntwo\u202e\nthree')).toBe('one\\u001b[31m\r\ntwo\\u202e\nthree');
    // A diff keeps the file's tabs (so that it applies) and escapes the rest, colour codes included.
    expect(escapeDiffLines('+a\tb\u001b[8mhidden\u001b[0m\r\n-c\u0007')).toBe('+a\tb\\u001b[8mhidden\\u001b[0m\r\n-c\\u0007');
  });

  it('a dry run\'s diff shows colour codes written in a rules file escaped, which the output guard would keep (QA: concealed text)', () => {
    const before = '- rule: R\n  tags: [T1529]   # \u001b[8m concealed \u001b[0m\n';
    const patch = rulesFilePatch('r.yaml', before, before.replace('T1529', 'T1529, mitre_impact'));
    expect(terminalSafe(patch)).not.toContain('\u001b');
    expect(patch).toContain('+  tags: [T1529, mitre_impact]   # \\u001b[8m concealed \\u001b[0m\n');
  });
  it('the output guard keeps colours, tabs and newlines and escapes the rest', () => {
    expect(terminalSafe('\u001b[31mred\u001b[0m\tx\r\ny\n\u001b]0;t\u0007 \r \u202e')).toBe('\u001b[31mred\u001b[0m\tx\r\ny\n\\u001b]0;t\\u0007 \\r \\u202e');
  });

  it('the output guard keeps only attack-cov\'s own colours: any other SGR comes from the inputs and is escaped (QA: black on black)', () => {
    const own = ['\u001b[0m', '\u001b[1m', '\u001b[2m', '\u001b[31m', '\u001b[32m', '\u001b[33m', '\u001b[36m'];
    for (const code of own) expect(terminalSafe(`${code}x`)).toBe(`${code}x`);
    for (const code of ['\u001b[30;40m', '\u001b[8m', '\u001b[5m', '\u001b[m', '\u001b[01m', '\u001b[35m', '\u001b[3m', '\u001b[30m', '\u001b[31;1m']) {
      expect(terminalSafe(`${code}x`)).toBe(`\\u001b${code.slice(1)}x`);
    }
  });

  it('escapes invisible characters that make two names look alike, in a field and in the output guard', () => {
    // Zero-width space, non-joiner, joiner; soft hyphen; Mongolian vowel separator; word joiner and invisible
    // operators; deprecated format controls; a byte-order mark inside text.
    const invisible = ['\u200b', '\u200c', '\u200d', '\u00ad', '\u034f', '\u115f', '\u1160', '\u3164', '\uffa0', '\u180e', '\u2060', '\u2064', '\u206a', '\u206f', '\ufe00', '\ufe0f', '\ufeff', '\u{e0000}', '\u{e0041}', '\u{e007f}'];
    for (const c of invisible) {
      // A tag character is two UTF-16 units, each escaped as JSON would.
      const code = [...c].length === 1 && c.length === 2 ? `\\u${c.charCodeAt(0).toString(16)}\\u${c.charCodeAt(1).toString(16)}` : `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;
      expect(escapeForTerminal(`Read${c} sensitive`)).toBe(`Read${code} sensitive`);
      expect(terminalSafe(`Read${c} sensitive\n`)).toBe(`Read${code} sensitive\n`);
    }
    // Their neighbours stay as they are.
    for (const c of ['\u00ac', '\u00ae', '\u034e', '\u0350', '\u180d', '\u180f', '\u2070', '\u3165', '\ufdff', '\ufe10', '\ufefe', '\uffa1', '\u{dffff}', '\u{e0080}', '\u{1f600}', 'é']) expect(escapeForTerminal(`a${c}b`)).toBe(`a${c}b`);
  });

  it('leaves JSON valid and equal', () => {
    const value = { name: 'x\u202ey\u2028z\u200b\u{e0041}', tag: 'a\u001bb\ufeff' };
    expect(JSON.parse(terminalSafe(JSON.stringify(value)))).toEqual(value);
  });
});

describe('secrets', () => {
  afterEach(clearSecrets);

  it('registers user, password and token-like query values of a URL, and redacts them anywhere', () => {
    registerSecretsInUrl('https://alice-user:s3cret-pass%21@mirror.example/{version}.json?token=abcdef123456&version=18.1');
    expect(redactSecrets('got s3cret-pass! and s3cret-pass%21 and abcdef123456; version=18.1')).toBe('got [redacted] and [redacted] and [redacted]; version=18.1');
    // A username with a password is not a secret by itself.
    expect(redactSecrets('alice-user')).toBe('alice-user');
  });

  it('ignores values too short to be a credential (a placeholder key), so reports keep their words', () => {
    registerSecret('x');
    registerSecret('abc');
    expect(redactSecrets('x abcd')).toBe('x abcd');
  });

  it('messages lose any URL credentials and token-like query values, registered or not', () => {
    expect(redactMessage('GET https://u:p@host/x?api_key=zzz&v=1 failed')).toBe('GET https://[redacted]@host/x?api_key=[redacted]&v=1 failed');
  });

  it('messages: a URL at the very start, a query that starts the text, a key with more after the word, a value ended by a space', () => {
    expect(redactMessage('https://u:p@host/x failed')).toBe('https://[redacted]@host/x failed');
    expect(redactMessage('?token=abc&v=1')).toBe('?token=[redacted]&v=1');
    expect(redactMessage('GET /x?my_token_v2=abc next')).toBe('GET /x?my_token_v2=[redacted] next');
    expect(redactMessage('GET /x?v=1&sig=abc def')).toBe('GET /x?v=1&sig=[redacted] def');
    expect(redactMessage('GET /x?version=18.1&keyed')).toBe('GET /x?version=18.1&keyed');
  });

  it('a secret of exactly 8 characters is redacted; of 7 it is not (a placeholder such as true or none stays a word)', () => {
    registerSecret('abcd1234');
    registerSecret('abc1234');
    registerSecret('true');
    expect(redactSecrets('abcd1234 abc1234 "inScope": true')).toBe('[redacted] abc1234 "inScope": true');
  });

  it('the Authorization: Basic form of a URL\'s user:password is a secret too (a server may echo the header)', () => {
    const { headers } = splitCredentials('http://bob:hunter22@127.0.0.1:1/v1');
    expect(headers.authorization).toBe('Basic Ym9iOmh1bnRlcjIy');
    expect(redactSecrets('header Basic Ym9iOmh1bnRlcjIy')).toBe('header Basic [redacted]');
  });

  it('one length rule for registered secrets and for a message\'s own key (files and errors alike)', () => {
    registerSecret('sk-12345');
    expect(redactSecrets('key sk-12345')).toBe('key [redacted]');
    expect(redactMessage('key sk-98765 and sk-12345', 'sk-98765')).toBe('key [redacted] and [redacted]');
    expect(redactMessage('key sk-1234', 'sk-1234')).toBe('key sk-1234');
  });

  it('a secret with white space around it is redacted as HTTP sends it too, without that space (a server echoes it so)', () => {
    registerSecret('sk-live-Abc123 ');
    registerSecret('\tpassword9\r\n');
    expect(redactSecrets('Incorrect API key provided: sk-live-Abc123. bad password9.')).toBe('Incorrect API key provided: [redacted]. bad [redacted].');
    // A message's own key (the LLM client's) alike; a trimmed form too short to be a secret stays a word.
    expect(redactMessage('key sk-other-999 given', ' sk-other-999\n')).toBe('key [redacted] given');
    registerSecret('  true  ');
    expect(redactSecrets('"inScope": true')).toBe('"inScope": true');
  });

  it('registers the decoded and encoded forms of a value only when they are long enough themselves', () => {
    registerSecret('%41%42%43'); // decodes to "ABC": too short to redact
    registerSecret('%41bcdefgh'); // decodes to "Abcdefgh": 8 characters, redacted
    expect(redactSecrets('ABC Abcdefgh')).toBe('ABC [redacted]');
  });

  it('registers the forms a JSON encoder writes a value in: its escapes, / as \\/, and < > & U+2028 U+2029 as \\uXXXX', () => {
    registerSecret('ab/cd"ef&gh<ij>k\u2028l\\m');
    const echoed = [
      JSON.stringify('ab/cd"ef&gh<ij>k\u2028l\\m'), // JSON.stringify: " and \\ escaped, U+2028 as is
      '"ab\\/cd\\"ef&gh<ij>k\u2028l\\\\m"', // PHP: / as \\/ too
      '"ab/cd\\"ef\\u0026gh\\u003cij\\u003ek\\u2028l\\\\m"', // Go
      '"ab\\/cd\\"ef\\u0026gh\\u003cij\\u003ek\\u2028l\\\\m"', // both
    ];
    expect(echoed.map(redactSecrets)).toEqual(echoed.map(() => '"[redacted]"'));
    // Under the length rule as every form is: a short value's escaped forms are not registered either.
    registerSecret('a/b');
    expect(redactSecrets('a\\/b a/b')).toBe('a\\/b a/b');
  });

  it('registers a URL username that has no password (a token in the user part), and only secret-looking query values', () => {
    registerSecretsInUrl('https://ghp_tokenuser1234@mirror.example/x.json?version=abcdefghij&session=qwertyuiop');
    expect(redactSecrets('ghp_tokenuser1234 abcdefghij qwertyuiop')).toBe('[redacted] abcdefghij [redacted]');
  });

  it('reads a URL with spaces around it as the URL parser does', () => {
    registerSecretsInUrl('  https://user:password1@host/ ');
    expect(redactSecrets('password1')).toBe('[redacted]');
  });

  it('replaces the longest secret first, whatever order they were registered in', () => {
    registerSecret('abcdefgh');
    registerSecret('abcdefgh1234');
    expect(redactSecrets('key abcdefgh1234 and abcdefgh')).toBe('key [redacted] and [redacted]');
  });

  it('registers nothing for a value that is not set (an unset variable), and redacts nothing more for it', () => {
    // Every text is kept; the one checked is the placeholder a mutant returning one form too many would register.
    const text = 'rule "Stryker was here" and sk-unset-12345';
    registerSecret(undefined);
    expect(redactSecrets(text)).toBe(text);
    expect(redactMessage(text, undefined)).toBe(text);
  });

  it('forgets every secret on clearSecrets', () => {
    registerSecret('forget-me-please');
    clearSecrets();
    expect(redactSecrets('forget-me-please')).toBe('forget-me-please');
    expect(redactSecrets('forget-me-pl')).toBe('forget-me-pl');
  });

  it("redacts 12 or more of a key's first or last characters: a gateway that cuts the key in its error (QA)", () => {
    registerSecret('sk-test-SECRET123456789');
    // The QA server's 403: a masked form (OpenAI's: the last 4), then two cut-off prefixes of 18 and 20 characters.
    expect(redactSecrets('Incorrect API key provided: sk-test-*****************6789 / sk-test-SECRET1234 / sk-test-SECRET123456')).toBe(
      'Incorrect API key provided: sk-test-*****************6789 / [redacted] / [redacted]',
    );
    // Exactly 12 of its start or end, and a run going on past the key's own characters stops where they differ.
    expect(redactSecrets('sk-test-SECR. ECRET123456789. sk-test-SECRX')).toBe('[redacted]. [redacted]. [redacted]X');
    expect(redactSecrets('[sk-test-SECRET12xyz] [abcRET123456789] [xET123456789]')).toBe('[[redacted]xyz] [abc[redacted]] [xET123456789]');
    // 11 characters are not enough, and the whole key is still one [redacted].
    expect(redactSecrets('sk-test-SEC ET123456789 sk-test-SECRET123456789!')).toBe('sk-test-SEC ET123456789 [redacted]!');
    // Inside a JSON string in a script: the key-like characters go, the quotes and escapes stay.
    expect(redactSecrets('{"a":"sk-test-SECRET1234\\n"}')).toBe('{"a":"[redacted]\\n"}');
    // A text that begins with the key's last characters.
    expect(redactSecrets('RET123456789 was all it said')).toBe('[redacted] was all it said');
  });

  it('cuts of a key registered with blanks around it are found as cuts of the key', () => {
    registerSecret('  sk-live-KEY0123456789  ');
    expect(redactSecrets('key sk-live-KEY0123 refused')).toBe('key [redacted] refused');
  });

  it('leaves parts alone of a value shorter than 12 characters or not written like a key', () => {
    registerSecret('short-pw-10');
    registerSecret('pass phrase with spaces in it');
    expect(redactSecrets('short-pw-1 pass phrase with spa')).toBe('short-pw-1 pass phrase with spa');
    expect(redactSecrets('short-pw-10 pass phrase with spaces in it')).toBe('[redacted] [redacted]');
  });
});
