// The two guards every printed and written text passes: terminal escaping and secret redaction.
import { afterEach, describe, expect, it } from 'vitest';
import { escapeForTerminal, escapeLines, terminalSafe } from '../../../src/terminal-text.js';
import { clearSecrets, redactMessage, redactSecrets, registerSecret, registerSecretsInUrl } from '../../../src/secrets.js';

describe('terminal text', () => {
  const hostile = 'a\u001b]0;title\u0007b\u001b[2Jc\u202ed\u2066e\nerror: forged\rf\u0085g\u2028h';

  it('escapes controls, escapes, bidi overrides and line breaks in a field', () => {
    expect(escapeForTerminal(hostile)).toBe('a\\u001b]0;title\\u0007b\\u001b[2Jc\\u202ed\\u2066e\\nerror: forged\\rf\\u0085g\\u2028h');
  });

  it('keeps the line breaks of multi-line text, escaping within each line', () => {
    expect(escapeLines('one\u001b[31m\r\ntwo\u202e\nthree')).toBe('one\\u001b[31m\r\ntwo\\u202e\nthree');
  });

  it('the output guard keeps colours, tabs and newlines and escapes the rest', () => {
    expect(terminalSafe('\u001b[31mred\u001b[0m\tx\r\ny\n\u001b]0;t\u0007 \r \u202e')).toBe('\u001b[31mred\u001b[0m\tx\r\ny\n\\u001b]0;t\\u0007 \\r \\u202e');
  });

  it('leaves JSON valid and equal', () => {
    const value = { name: 'x\u202ey\u2028z', tag: 'a\u001bb' };
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

  it('ignores values too short to be a credential, so reports keep their words', () => {
    registerSecret('pass');
    expect(redactSecrets('passwd')).toBe('passwd');
  });

  it('messages lose any URL credentials and token-like query values, registered or not', () => {
    expect(redactMessage('GET https://u:p@host/x?api_key=zzz&v=1 failed')).toBe('GET https://[redacted]@host/x?api_key=[redacted]&v=1 failed');
  });
});
