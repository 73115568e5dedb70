import { describe, expect, it } from 'vitest';
import { readCsv } from '../../../src/data/csv';
import {
  MissingMatcher,
  chooseStringType,
  classifyCell,
  parseBooleanLoose,
  parseBooleanWord,
  parseDatetime,
  parseNumber,
} from '../../../src/data/infer';
import { getColumn } from '../../../src/data/table';
import { cells, rejection, typesOf } from './helpers';

const csv = (text: string, opts = {}) => readCsv(Buffer.from(text), opts);

describe('cell parsers', () => {
  it.each([
    ['12', 12],
    ['-3.5', -3.5],
    ['+4', 4],
    ['.5', 0.5],
    ['1e-3', 0.001],
    [' 7 ', 7],
    ['Infinity', Infinity],
    ['-inf', -Infinity],
  ])('parseNumber(%j) = %s', (cell, expected) => {
    expect(parseNumber(cell)).toBe(expected);
  });

  it.each(['0x1F', '1,234', '12abc', 'abc', '-', '.', '1 2', ''])('parseNumber(%j) is not a number', (cell) => {
    expect(parseNumber(cell)).toBeUndefined();
  });

  it('parses NaN literals as NaN so callers treat them as missing', () => {
    expect(parseNumber('NaN')).toBeNaN();
    expect(parseNumber('nan')).toBeNaN();
  });

  it.each([
    ['2024-03-01', Date.UTC(2024, 2, 1)],
    ['2024-03-01T10:20:30Z', Date.UTC(2024, 2, 1, 10, 20, 30)],
    ['2024-03-01 10:20', Date.UTC(2024, 2, 1, 10, 20)],
    ['2024-03-01T10:20:30.25+02:00', Date.UTC(2024, 2, 1, 8, 20, 30, 250)],
    ['2024-02-29', Date.UTC(2024, 1, 29)],
  ])('parseDatetime(%j)', (cell, expected) => {
    expect(parseDatetime(cell)).toBe(expected);
  });

  it.each(['2023-02-29', '2024-13-01', '2024-01-32', '01/02/2024', '2024-01-01T25:00', '20240101'])(
    'parseDatetime(%j) is not a date',
    (cell) => {
      expect(parseDatetime(cell)).toBeUndefined();
    },
  );

  it('infers booleans only from words; letters and digits need a declaration', () => {
    expect(parseBooleanWord('Yes')).toBe(1);
    expect(parseBooleanWord('FALSE')).toBe(0);
    expect(parseBooleanWord('y')).toBeUndefined();
    expect(parseBooleanWord('1')).toBeUndefined();
    expect(parseBooleanLoose('y')).toBe(1);
    expect(parseBooleanLoose('f')).toBe(0);
    expect(parseBooleanLoose('0')).toBe(0);
  });

  it('classifies cells', () => {
    expect(classifyCell('3')).toBe('numeric');
    expect(classifyCell('no')).toBe('boolean');
    expect(classifyCell('2024-01-01')).toBe('datetime');
    expect(classifyCell('n')).toBe('string');
  });

  it('matches missing tokens exactly after trimming', () => {
    const m = new MissingMatcher();
    for (const t of ['', 'NA', 'N/A', 'null', 'NULL', 'NaN', '?', 'None', ' NA ']) expect(m.isMissing(t)).toBe(true);
    for (const t of ['na', 'none', '0', 'Nothing']) expect(m.isMissing(t)).toBe(false);
  });

  it('decides categorical vs text by cardinality', () => {
    expect(chooseStringType(3, 3)).toBe('categorical'); // tiny tables stay categorical
    expect(chooseStringType(2, 435)).toBe('categorical');
    expect(chooseStringType(400, 435)).toBe('text'); // ratio above 0.5
    expect(chooseStringType(1001, 100_000)).toBe('text'); // above the level cap
    expect(chooseStringType(30, 100, { maxCategoricalLevels: 20 })).toBe('text');
  });
});

describe('column inference while reading', () => {
  it('treats missing tokens as missing and records nullability', async () => {
    const t = await csv('a,b\n1,x\nNA,?\n3,None\n');
    expect(cells(t, 'a')).toEqual([1, null, 3]);
    expect(cells(t, 'b')).toEqual(['x', null, null]);
  });

  it('uses configured missing tokens instead of the defaults', async () => {
    const t = await csv('a,b\n1,-\n-,NA\n', { missingValues: ['-'] });
    expect(cells(t, 'a')).toEqual([1, null]);
    expect(cells(t, 'b')).toEqual([null, 'NA']);
  });

  it('keeps Infinity in numeric columns so validation can flag it, and reads NaN as missing', async () => {
    const t = await csv('x\n1\nInfinity\n-Infinity\nNaN\n');
    expect(t.columns[0].type).toBe('numeric');
    expect(cells(t, 'x')).toEqual([1, Infinity, -Infinity, null]);
  });

  it('falls back to categorical when a later cell is not a number, keeping earlier spellings', async () => {
    const t = await csv('code\n1.50\n007\nNA\nabc\n1.50\n');
    expect(t.columns[0].type).toBe('categorical');
    expect(cells(t, 'code')).toEqual(['1.50', '007', null, 'abc', '1.50']);
  });

  it('does not infer y/n as boolean (vote.csv style) nor 0/1', async () => {
    const t = await csv('vote,flag,ok\ny,0,true\nn,1,false\n');
    expect(typesOf(t)).toEqual({ vote: 'categorical', flag: 'numeric', ok: 'boolean' });
    expect(cells(t, 'ok')).toEqual([1, 0]);
  });

  it('makes an all-missing column numeric with every value missing', async () => {
    const t = await csv('a,b\n1,\n2,NA\n');
    expect(t.columns[1].type).toBe('numeric');
    expect(cells(t, 'b')).toEqual([null, null]);
  });

  it('backfills missing cells that came before the first value', async () => {
    const t = await csv('d\n\n\n2024-01-05\n', {});
    expect(cells(t, 'd')).toEqual([Date.UTC(2024, 0, 5)]);
    const t2 = await csv('a,d\n1,\n2,\n3,2024-01-05\n');
    expect(cells(t2, 'd')).toEqual([null, null, Date.UTC(2024, 0, 5)]);
  });

  it('uses first-appearance order for levels and trims surrounding spaces', async () => {
    const t = await csv('c\nb\n a\nb \n');
    const col = getColumn(t, 'c');
    expect('levels' in col && col.levels).toEqual(['b', 'a']);
  });
});

describe('declared schema overrides inference', () => {
  const ages = ['age,name', ...Array.from({ length: 12 }, (_, i) => `${20 + i},p${i}`), 'abc,p12'].join('\n');

  it('names column, file row and value when a cell cannot be coerced', async () => {
    const e = await rejection(csv(ages, { schema: { columns: [{ name: 'age', type: 'numeric' }] } }));
    expect(e.code).toBe('invalid-value');
    expect(e.message).toBe('column "age", row 14: "abc" is not a number');
    expect(e.row).toBe(14);
    expect(e.column).toBe('age');
  });

  it('coerces declared types: numeric codes as categorical, y/n as boolean', async () => {
    const t = await csv('zip,vote\n01234,y\n98765,n\n', {
      schema: {
        columns: [
          { name: 'zip', type: 'categorical' },
          { name: 'vote', type: 'boolean' },
        ],
      },
    });
    expect(typesOf(t)).toEqual({ zip: 'categorical', vote: 'boolean' });
    expect(cells(t, 'zip')).toEqual(['01234', '98765']);
    expect(cells(t, 'vote')).toEqual([1, 0]);
  });

  it('reports bad booleans and dates with the accepted forms', async () => {
    const b = await rejection(csv('f\nyes\nmaybe\n', { schema: { columns: [{ name: 'f', type: 'boolean' }] } }));
    expect(b.message).toBe('column "f", row 3: "maybe" is not a boolean (use true/false, yes/no, y/n, t/f or 1/0)');
    const d = await rejection(csv('d\n2024-01-01\n01/02/2024\n', { schema: { columns: [{ name: 'd', type: 'datetime' }] } }));
    expect(d.message).toMatch(/^column "d", row 3: "01\/02\/2024" is not an ISO 8601 date/);
  });

  it('rejects missing cells in a column declared not nullable', async () => {
    const e = await rejection(csv('a\n1\n\n2\nNA\n', { schema: { columns: [{ name: 'a', type: 'numeric', nullable: false }] } }));
    expect(e.message).toBe('column "a", row 5: the value is missing, but the schema declares the column not nullable');
  });

  it('uses the starting line of a multi-line record as its row', async () => {
    const e = await rejection(
      csv('note,n\n"a\nb",1\nc,x\n', { schema: { columns: [{ name: 'n', type: 'numeric' }] } }),
    );
    expect(e.message).toBe('column "n", row 4: "x" is not a number');
  });

  it('rejects a declared column that the file lacks, and undeclared columns when strict', async () => {
    const missing = await rejection(csv('a\n1\n', { schema: { columns: [{ name: 'b', type: 'numeric' }] } }));
    expect(missing.code).toBe('schema-mismatch');
    expect(missing.message).toContain('declares column "b", but the data has no such column');
    const strict = await rejection(
      csv('a,b\n1,2\n', { schema: { strict: true, columns: [{ name: 'a', type: 'numeric' }] } }),
    );
    expect(strict.message).toContain('column "b" is not declared in the schema, which is strict');
  });

  it('rejects an invalid schema spec with a readable message', async () => {
    const e = await rejection(csv('a\n1\n', { schema: { columns: [{ name: 'a', type: 'number' as never }] } }));
    expect(e.code).toBe('schema-mismatch');
    expect(e.message).toMatch(/^invalid schema spec: columns\.0\.type: /);
  });
});
