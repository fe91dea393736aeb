// toCsv writes RFC 4180 itself (csv-stringify was slow to start); these cells prove it gives the bytes
// csv-stringify gave (still a dev dependency, kept for this comparison) on everything that needs quoting,
// but for one deliberate change: a cell holding a lone CR is quoted (csv-stringify 6.9 left it bare, and
// spreadsheets read a bare CR as the end of the record).
import { stringify } from 'csv-stringify/sync';
import { describe, expect, it } from 'vitest';
import { neutralizeFormula, toCsv } from '../../../src/report/csv.js';

const TRICKY: (string | number)[] = ['', 'plain', 'a,b', 'say "hi"', '"', '""', 'line\nbreak', 'crlf\r\nend', ' spaced ', "it's", 'tab\tin', 'ünïcödé ✓', 0, -1, 3.5, '=1+1', '-x', '+x', '@x', '\tx', ',', '\n'];

describe('toCsv', () => {
  it('quotes exactly the cells RFC 4180 needs quoted, and doubles quotes', () => {
    expect(toCsv(['a', 'b,c'], [['x"y', 'p\nq'], [1, '']])).toBe('a,"b,c"\n"x""y","p\nq"\n1,\n');
  });
  it('gives the bytes csv-stringify gave, cell by cell and in rows', () => {
    for (const cell of TRICKY) {
      const expected = stringify([['h'], [typeof cell === 'string' ? neutralizeFormula(cell) : cell]], { record_delimiter: '\n' });
      expect(toCsv(['h'], [[cell]])).toBe(expected);
    }
    const rows = [TRICKY, [...TRICKY].reverse()];
    const header = TRICKY.map(String);
    const safe = rows.map((r) => r.map((c) => (typeof c === 'string' ? neutralizeFormula(c) : c)));
    expect(toCsv(header, rows)).toBe(stringify([header, ...safe], { record_delimiter: '\n' }));
  });
  it('quotes a lone CR, where csv-stringify did not', () => {
    expect(toCsv(['h'], [['cr\rhere'], ['\rx']])).toBe('h\n"cr\rhere"\n"\'\rx"\n');
    expect(stringify([['cr\rhere']], { record_delimiter: '\n' })).toBe('cr\rhere\n');
  });
  it('writes the header alone when there are no rows, and leaves the header unneutralized', () => {
    expect(toCsv(['=a', 'b'], [])).toBe('=a,b\n');
  });
});
