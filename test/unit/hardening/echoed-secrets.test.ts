// redactEchoes: what an LLM endpoint sends back goes through it before anything reads it, so that the key in a form
// redactSecrets does not know (QA: base64, hex, upper case, \uXXXX, HTML entities, a slice from its middle) reaches no
// output. Each form below is made from the key the way a server would make it, inside other text.
import { describe, expect, it } from 'vitest';
import { redactEchoes } from '../../../src/secrets.js';

const KEY = 'sk-proj-SECRETKEY0123456789abcdefXYZ';
const around = (form: string) => `error: bad key <${form}> (request 42)`;

describe('redactEchoes', () => {
  it('replaces the key as given and in the forms a server encodes it in, inside other text', () => {
    const bytes = Buffer.from(KEY);
    const forms = [
      KEY, KEY.toUpperCase(), KEY.toLowerCase(), bytes.toString('hex'), bytes.toString('hex').toUpperCase(),
      [...KEY].map((c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`).join(''),
      [...KEY].map((c) => `&#${c.charCodeAt(0)};`).join(''),
      [...KEY].map((c) => `&#x${c.charCodeAt(0).toString(16)};`).join(''),
      [...KEY].map((c) => `&#x${c.charCodeAt(0).toString(16).toUpperCase()};`).join(''),
      [...KEY].map((c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0').toUpperCase()}`).join(''),
      Buffer.from(KEY).toString('base64url'),
    ];
    for (const form of forms) expect(redactEchoes(around(form), KEY), form).toBe(around('[redacted]'));
  });

  it('finds the key base64-encoded at any byte offset of a longer encoded text, in both alphabets', () => {
    for (const prefix of ['', '!', '!?', '!?#', 'Bearer ']) {
      for (const alphabet of ['base64', 'base64url'] as const) {
        const encoded = Buffer.from(`${prefix}${KEY} and more`).toString(alphabet);
        const redacted = redactEchoes(`echo: ${encoded}`, KEY);
        expect(redacted, `${prefix} ${alphabet}`).toContain('[redacted]');
        // What is left on either side decodes to at most the 2 bytes of the key that share a group with other bytes.
        const [before, after] = redacted.slice('echo: '.length).split('[redacted]') as [string, string];
        const decoded = [Buffer.from(before, alphabet).toString('latin1'), Buffer.from(after, alphabet).toString('latin1')];
        for (let i = 0; i + 3 <= KEY.length; i++) for (const text of decoded) expect(text, `${prefix} ${alphabet} ${i}`).not.toContain(KEY.slice(i, i + 3));
      }
    }
  });

  it('replaces a run of 16 or more of its characters from anywhere in it, grown to all that follows the key', () => {
    const middle = KEY.slice(9, 29);
    expect(redactEchoes(`key …${middle}… cut`, KEY)).toBe('key …[redacted]… cut');
    // From every offset (the review: runs of 16-19 characters were missed at most).
    for (let at = 0; at + 16 <= KEY.length; at++) expect(redactEchoes(`<${KEY.slice(at, at + 16)}>`, KEY), String(at)).toBe('<[redacted]>');
    // Many runs in one body, each its own.
    const slices = Array.from({ length: 2000 }, (_, i) => KEY.slice(i % 10, (i % 10) + 17)).join(' ');
    expect(redactEchoes(slices, KEY)).toBe(Array.from({ length: 2000 }, () => '[redacted]').join(' '));
    expect(redactEchoes(`x${KEY.slice(5)}y`, KEY)).toBe('x[redacted]y');
    // 15 characters, and text that only starts as the key does, stay.
    expect(redactEchoes(KEY.slice(10, 25), KEY)).toBe(KEY.slice(10, 25));
    expect(redactEchoes('sk-proj-nothing', KEY)).toBe('sk-proj-nothing');
  });

  it('keeps a JSON string JSON: a run never takes the letter of an escape before it (the review: \\[redacted])', () => {
    for (const [key, body] of [
      ['abcd1234/EFGHijklmnopQRSTuvwx5678yz', '{"error":{"message":"key ...cd1234\\/EFGHijklmnopQRSTuvwx5... bad"}}'],
      ['sk-abcdnXYZ0123456789ABCDEFGHIJ', '{"error":{"message":"bad key:\\nXYZ0123456789ABCDEFG"}}'],
    ]) {
      const redacted = redactEchoes(body, key);
      expect(redacted, body).toContain('[redacted]');
      expect(() => JSON.parse(redacted), redacted).not.toThrow();
    }
  });

  it('finds the \\uXXXX and entity forms as a JSON string holds them (a gateway quoting an upstream error)', () => {
    const escaped = [...KEY].map((c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`).join('');
    const body = JSON.stringify({ error: { message: `upstream: {"error": "bad key ${escaped}"}` } });
    expect(body).toContain('\\\\u0073');
    expect(JSON.parse(redactEchoes(body, KEY)).error.message).toBe('upstream: {"error": "bad key [redacted]"}');
    // Two levels down (a model's JSON answer inside the completion's JSON): four backslashes, found all the same.
    const twice = JSON.stringify({ choices: [{ message: { content: JSON.stringify({ desc: `u=${escaped}` }) } }] });
    expect(twice).toContain('\\\\\\\\u0073');
    expect(JSON.parse(JSON.parse(redactEchoes(twice, KEY)).choices[0].message.content).desc).toBe('u=[redacted]');
    const goEntities = [...KEY].map((c) => `\\u0026#${c.charCodeAt(0)};`).join('');
    expect(redactEchoes(`{"m":"${goEntities}"}`, KEY)).toBe('{"m":"[redacted]"}');
  });

  it('finds a run at the text\'s very start and end, a key given with blanks around it, and base64url\'s - and _', () => {
    expect(redactEchoes(`${KEY.slice(0, 16)}|${KEY.slice(-16)}`, KEY)).toBe('[redacted]|[redacted]');
    expect(redactEchoes(`<${KEY.slice(3, 21)}>`, `  ${KEY}\t`)).toBe('<[redacted]>');
    // A key whose bytes make + and / in base64 (each ~ is 0x7e): its base64url form has - and _ there instead.
    const tildes = 'sk-~~~~~~~~~~~~SECRET~~~~0123';
    const url = Buffer.from(`x${tildes}`).toString('base64url');
    expect(url).toMatch(/[-_]/);
    expect(redactEchoes(url, tildes)).toContain('[redacted]');
    expect(redactEchoes(Buffer.from(`x${tildes}`).toString('base64'), tildes)).toContain('[redacted]');
  });

  it('takes no runs of a key that is not written as keys are (a quote or a blank in it could cut an escape or a string)', () => {
    const phrase = 'my "pass" phrase is long enough';
    expect(redactEchoes(`said ${phrase.slice(2, 22)} there`, phrase)).toBe(`said ${phrase.slice(2, 22)} there`);
    expect(redactEchoes(`said ${phrase} there`, phrase)).toBe('said [redacted] there');
  });

  it('leaves the text alone without a key, or with a placeholder key a local server takes', () => {
    expect(redactEchoes(around(KEY), undefined)).toBe(around(KEY));
    expect(redactEchoes('none NONE 6e6f6e65', 'none')).toBe('none NONE 6e6f6e65');
  });
});
