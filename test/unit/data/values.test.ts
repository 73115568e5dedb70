import { describe, expect, it } from 'vitest';
import { readCsvBuffer } from '../../../src/data/csv';
import {
  booleanText,
  datetimeText,
  instanceValue,
  MissingMatcher,
  numericText,
  parseDatetime,
  stringText,
} from '../../../src/data/values';
import { cells } from './helpers';

const utc = Date.UTC;

describe('numericText', () => {
  it.each<[string, number]>([
    ['12', 12],
    [' 3.5', 3.5],
    ['3.5\t', 3.5],
    ['-3.5', -3.5],
    ['+1e-3', 0.001],
    ['.5', 0.5],
    ['5.', 5],
    ['1E5', 100000],
    ['-0', -0],
    ['0.49070524325843845', 0.49070524325843845],
    ['inf', Infinity],
    ['-Infinity', -Infinity],
  ])('reads %j as %d', (cell, value) => {
    expect(Object.is(numericText(cell), value)).toBe(true);
  });

  it.each(['', '  ', 'NA', 'N/A', 'null', 'NULL', 'NaN', 'nan', '-NaN', '?', 'None', ' NA '])('reads %j as missing (NaN)', (cell) => {
    expect(numericText(cell)).toBeNaN();
  });

  it.each(['0x1F', '0b11', '0o7', '1,234', '12 kg', 'abc', '1e400', '.', '-', 'na'])('refuses %j', (cell) => {
    expect(numericText(cell)).toBeUndefined();
  });

  it('uses the configured missing tokens instead of the defaults', () => {
    const m = new MissingMatcher(['-999']);
    expect(numericText('-999', m)).toBeNaN();
    expect(numericText('NA', m)).toBeUndefined();
  });
});

describe('booleanText', () => {
  it.each<[string, number]>([
    ['true', 1],
    ['FALSE', 0],
    ['Yes', 1],
    [' no ', 0],
    ['   yes    ', 1],
  ])('reads %j as %d in an inferred column', (cell, value) => {
    expect(booleanText(cell, false)).toBe(value);
  });

  it('takes y/n, t/f and 1/0 only when loose (a declared column, and serving)', () => {
    expect(['y', 'N', 't', 'F', '1', '0'].map((c) => booleanText(c, true))).toEqual([1, 0, 1, 0, 1, 0]);
    expect(['y', 'N', 't', 'F', '1', '0'].map((c) => booleanText(c, false))).toEqual(Array(6).fill(undefined));
  });

  it('reads missing tokens as NaN and refuses other words', () => {
    expect(booleanText('NA', true)).toBeNaN();
    expect(booleanText('maybe', true)).toBeUndefined();
    expect(booleanText('yess', true)).toBeUndefined();
  });
});

describe('datetimeText', () => {
  it.each<[string, number]>([
    ['2024-03-01', utc(2024, 2, 1)],
    [' 2024-03-01', utc(2024, 2, 1)],
    ['2024-03-01T10:00', utc(2024, 2, 1, 10)],
    ['2024-03-01 10:00:00', utc(2024, 2, 1, 10)],
    ['2024-03-01T10:00:00,5', utc(2024, 2, 1, 10, 0, 0, 500)],
    ['2024-03-01T10:00:00.123999', utc(2024, 2, 1, 10, 0, 0, 123)],
    ['2024-03-01T10:00:00z', utc(2024, 2, 1, 10)],
    ['2024-03-01T10:00:00Z', utc(2024, 2, 1, 10)],
    ['2024-03-01T10:00:00+02:00', utc(2024, 2, 1, 8)],
    ['2024-03-01T10:00:00-0130', utc(2024, 2, 1, 11, 30)],
    ['2024-03-01T10:00:00+05', utc(2024, 2, 1, 5)],
    ['2024-02-29', utc(2024, 1, 29)],
    ['0050-01-01', new Date(utc(2000, 0, 1)).setUTCFullYear(50)],
  ])('reads %j as %d', (cell, value) => {
    expect(datetimeText(cell)).toBe(value);
  });

  it.each(['2024-02-30', '2023-02-29', '2024-13-01', '2024-04-31', '2024-03-01T24:00', '2024-03-01T10:60', '2024/03/01', '1 March 2024', '2024-03-01T10'])(
    'refuses %j (no rollover into the next day or month)',
    (cell) => {
      expect(datetimeText(cell)).toBeUndefined();
      expect(parseDatetime(cell)).toBeUndefined();
    },
  );

  it('reads missing tokens as NaN', () => {
    expect(datetimeText('')).toBeNaN();
    expect(datetimeText('null')).toBeNaN();
  });
});

describe('stringText', () => {
  it('trims and reads missing tokens as null, keeping any other spelling', () => {
    expect(stringText(' red ')).toBe('red');
    expect(stringText('01234')).toBe('01234');
    expect(stringText('na')).toBe('na');
    expect(stringText(' ? ')).toBeNull();
    expect(stringText('None')).toBeNull();
  });
});

describe('instanceValue (serving)', () => {
  it('accepts what ingest accepts, as the same value', () => {
    expect(instanceValue('numeric', ' 3.5')).toBe(3.5);
    expect(instanceValue('numeric', 3.5)).toBe(3.5);
    expect(instanceValue('numeric', 'NaN')).toBeNaN();
    expect(instanceValue('numeric', null)).toBeNaN();
    expect(instanceValue('boolean', 'yes')).toBe(1);
    expect(instanceValue('boolean', 'No')).toBe(0);
    expect(instanceValue('boolean', true)).toBe(1);
    expect(instanceValue('boolean', 0)).toBe(0);
    expect(instanceValue('datetime', '2024-03-01T10:00:00,5')).toBe(utc(2024, 2, 1, 10, 0, 0, 500));
    expect(instanceValue('datetime', 1_700_000_000_000)).toBe(1_700_000_000_000);
    expect(instanceValue('categorical', ' red')).toBe('red');
    expect(instanceValue('categorical', 'NA')).toBeNull();
    expect(instanceValue('categorical', 3)).toBe('3');
    expect(instanceValue('text', false)).toBe('false');
  });

  it('refuses what does not fit, and infinities (no pipeline trains on them by default)', () => {
    expect(instanceValue('numeric', '0x1F')).toBeUndefined();
    expect(instanceValue('numeric', 'inf')).toBeUndefined();
    expect(instanceValue('numeric', Infinity)).toBeUndefined();
    expect(instanceValue('numeric', true)).toBeUndefined();
    expect(instanceValue('boolean', 2)).toBeUndefined();
    expect(instanceValue('boolean', 'maybe')).toBeUndefined();
    expect(instanceValue('datetime', '2024-02-30')).toBeUndefined();
    expect(instanceValue('datetime', true)).toBeUndefined();
    expect(instanceValue('categorical', [1])).toBeUndefined();
    expect(instanceValue('categorical', { a: 1 })).toBeUndefined();
  });
});

describe('ingest uses the value parser', () => {
  it('reads the spellings serving accepts into the same values', async () => {
    const csv = 'n,b,d,c\n" 3.5",yes,"2024-03-01T10:00:00,5z", red\nNA,No, 2024-02-29,?\n1e3,TRUE,2024-03-01,blue\n';
    const t = await readCsvBuffer(Buffer.from(csv));
    expect(cells(t, 'n')).toEqual([3.5, null, 1000]);
    expect(cells(t, 'b')).toEqual([1, 0, 1]);
    expect(cells(t, 'd')).toEqual([utc(2024, 2, 1, 10, 0, 0, 500), utc(2024, 1, 29), utc(2024, 2, 1)]);
    expect(cells(t, 'c')).toEqual(['red', null, 'blue']);
  });

  it('keeps each boolean and date cell\'s own spelling when a later cell turns the column into strings', async () => {
    // Serving sends the cell as the file spells it, so the level must be that text, not the first spelling of its value.
    const t = await readCsvBuffer(Buffer.from('b,d\nyes,2024-03-01\n Yes ,2024-03-01T00:00:00Z\nmaybe,soon\nyes,2024-03-01\n'));
    expect(cells(t, 'b')).toEqual(['yes', 'Yes', 'maybe', 'yes']);
    expect(cells(t, 'd')).toEqual(['2024-03-01', '2024-03-01T00:00:00Z', 'soon', '2024-03-01']);
  });

  it('reads an invalid day as text at ingest, never as the next month', async () => {
    const t = await readCsvBuffer(Buffer.from('d\n2024-02-28\n2024-02-30\n'));
    expect(t.columns[0].type).toBe('categorical');
    expect(cells(t, 'd')).toEqual(['2024-02-28', '2024-02-30']);
  });
});
