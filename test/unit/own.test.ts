// Records for keys that come from the inputs (src/own.ts): nothing inherited, whatever the key.
import { describe, expect, it } from 'vitest';
import { dataRecord, isDataRecord, own, toDataRecord } from '../../src/own.js';

describe('dataRecord', () => {
  it('keeps __proto__, constructor and toString as plain data, and `in` sees own keys only', () => {
    const record = dataRecord<string>();
    expect('toString' in record).toBe(false);
    expect('hasOwnProperty' in record).toBe(false);
    expect(record.constructor).toBeUndefined();
    record['__proto__'] = 'a';
    record.constructor = 'b';
    record.toString = 'c';
    expect(Object.keys(record)).toEqual(['__proto__', 'constructor', 'toString']);
    expect(record['__proto__']).toBe('a');
    expect(isDataRecord(record)).toBe(true);
    expect(JSON.stringify(record)).toBe('{"__proto__":"a","constructor":"b","toString":"c"}');
    expect(own(record, '__proto__')).toBe('a');
  });

  it('shares one prototype that nobody can add to, so no key is ever inherited', () => {
    const prototype = Object.getPrototypeOf(dataRecord()) as Record<string, unknown>;
    expect(Object.getPrototypeOf(dataRecord())).toBe(prototype);
    expect(Object.getPrototypeOf(prototype)).toBeNull();
    expect(Object.isFrozen(prototype)).toBe(true);
    expect(() => {
      'use strict';
      prototype.polluted = true;
    }).toThrow(TypeError);
    expect('polluted' in dataRecord()).toBe(false);
  });

  it('copies a deserialized object into one, __proto__ key included; tells records that inherit from records that do not', () => {
    const parsed = JSON.parse('{"toString": "x", "__proto__": {"p": 1}, "a": 1}') as Record<string, unknown>;
    expect(isDataRecord(parsed)).toBe(false);
    const record = toDataRecord(parsed);
    expect(isDataRecord(record)).toBe(true);
    expect('hasOwnProperty' in record).toBe(false);
    expect(Object.keys(record)).toEqual(['toString', '__proto__', 'a']);
    expect(record['__proto__']).toEqual({ p: 1 });
    expect('p' in record).toBe(false);
    expect(record).toEqual(parsed);
    expect(isDataRecord(Object.create(null) as object)).toBe(true);
    expect(isDataRecord({})).toBe(false);
  });
});
