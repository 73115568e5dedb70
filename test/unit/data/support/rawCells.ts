/**
 * fast-check generators of raw cells as people and programs write them, per column type, and the CSV / JSON Lines
 * text holding them: shared by the value-parity property test and its HTTP twin in test/integration.
 */
import fc from 'fast-check';

export const pad = (cell: fc.Arbitrary<string>): fc.Arbitrary<string> =>
  fc.tuple(fc.constantFrom('', '', '', ' ', '  '), cell, fc.constantFrom('', '', '', ' ')).map(([a, c, b]) => a + c + b);

const anyCase = (word: string): fc.Arbitrary<string> =>
  fc.array(fc.boolean(), { minLength: word.length, maxLength: word.length }).map((up) => [...word].map((ch, i) => (up[i] ? ch.toUpperCase() : ch)).join(''));

/** Missing markers every type reads as missing. */
export const missingCell = pad(fc.constantFrom('', 'NA', 'N/A', 'null', 'NULL', 'NaN', '?', 'None'));

/** A finite number in one of the spellings Number() reads as decimal. */
export const numberSpelling: fc.Arbitrary<string> = fc.oneof(
  fc.integer({ min: -1_000_000, max: 1_000_000 }).map(String),
  fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e30, max: 1e30 }).chain((d) =>
    fc.constantFrom(
      String(d),
      d.toExponential(),
      d.toExponential(3).toUpperCase(),
      d.toPrecision(17),
      Math.abs(d) < 1e15 ? d.toFixed(6) : String(d),
      d >= 0 ? `+${d}` : String(d),
    ),
  ),
  // Digit strings: leading and trailing zeros, bare fractions (.5), trailing dots (5.), long mantissas.
  fc
    .tuple(fc.constantFrom('', '-', '+'), fc.stringMatching(/^\d{1,20}$/), fc.constantFrom('', '.', '.0'), fc.stringMatching(/^\d{0,20}$/), fc.constantFrom('', 'e5', 'E-3', 'e+12', 'e-300'))
    .map(([s, int, dot, frac, exp]) => `${s}${int}${dot}${dot ? frac : ''}${exp}`),
  fc.stringMatching(/^\d{1,6}$/).map((d) => `.${d}`),
);

/** Any-case spellings of -nan, nan: missing in a numeric column only. */
export const nanCell = fc.constantFrom('nan', 'NAN', '-nan', '+NaN');

export const numericCell = fc.oneof({ weight: 6, arbitrary: pad(numberSpelling) }, { weight: 1, arbitrary: missingCell }, { weight: 1, arbitrary: nanCell });

/** Words an inferred boolean column takes (y/n, t/f, 1/0 only when declared). */
export const booleanWord = pad(fc.constantFrom('true', 'false', 'yes', 'no').chain(anyCase));
export const booleanCell = fc.oneof({ weight: 5, arbitrary: booleanWord }, { weight: 1, arbitrary: missingCell });

const DAYS = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
const leap = (y: number) => (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
const two = (n: number) => String(n).padStart(2, '0');

const dateParts = fc.record({ year: fc.integer({ min: 1, max: 9999 }), month: fc.integer({ min: 1, max: 12 }), day: fc.integer({ min: 1, max: 31 }) });

/** An ISO 8601 date or date-time in every form ingest accepts, on a day that exists. */
export const datetimeSpelling: fc.Arbitrary<string> = fc
  .record({
    date: dateParts.map(({ year, month, day }) => ({ year, month, day: Math.min(day, month === 2 && !leap(year) ? 28 : DAYS[month - 1]) })),
    form: fc.constantFrom('date', 'hm', 'hms', 'frac'),
    sep: fc.constantFrom('T', ' '),
    h: fc.integer({ min: 0, max: 23 }),
    m: fc.integer({ min: 0, max: 59 }),
    s: fc.integer({ min: 0, max: 59 }),
    frac: fc.stringMatching(/^\d{1,9}$/),
    fracSep: fc.constantFrom('.', ','),
    zone: fc.constantFrom('', 'Z', 'z', '+02:00', '-05:30', '+0100', '-03', '+14:00'),
  })
  .map(({ date, form, sep, h, m, s, frac, fracSep, zone }) => {
    const d = `${String(date.year).padStart(4, '0')}-${two(date.month)}-${two(date.day)}`;
    if (form === 'date') return d;
    const time = form === 'hm' ? `${two(h)}:${two(m)}` : form === 'hms' ? `${two(h)}:${two(m)}:${two(s)}` : `${two(h)}:${two(m)}:${two(s)}${fracSep}${frac}`;
    return `${d}${sep}${time}${zone}`;
  });

export const datetimeCell = fc.oneof({ weight: 5, arbitrary: pad(datetimeSpelling) }, { weight: 1, arbitrary: missingCell });

/** A date on a day that does not exist (30 February, 29 February of a common year, 31 April, month 13). */
export const invalidDay: fc.Arbitrary<string> = fc.oneof(
  fc.integer({ min: 1970, max: 2100 }).map((y) => `${y}-02-30`),
  fc.integer({ min: 1970, max: 2100 }).filter((y) => !leap(y)).map((y) => `${y}-02-29`),
  fc.constantFrom('2024-04-31', '2024-06-31', '2024-13-01', '2024-00-10', '2024-01-00', '2024-03-01T24:00', '2024-03-01T10:60:00'),
);

export const categoricalCell = fc.oneof({ weight: 5, arbitrary: pad(fc.constantFrom('red', 'blue', 'Green', 'dark red', 'x-1', 'na')) }, { weight: 1, arbitrary: missingCell });

/** One CSV field: quoted when it must be (or sometimes anyway), with doubled quotes. */
export function csvField(cell: string, quote: boolean): string {
  return quote || /[",\r\n]/.test(cell) ? `"${cell.replace(/"/g, '""')}"` : cell;
}

export function csvText(names: readonly string[], rows: readonly (readonly string[])[], quoted: readonly boolean[] = []): string {
  const lines = [names.join(',')];
  rows.forEach((r, i) => lines.push(r.map((c) => csvField(c, quoted[i] ?? false)).join(',')));
  return lines.join('\n') + '\n';
}
