/**
 * The JSON text of each instance of a request body, cut out of the body as received, for the prediction log.
 *
 * Why: the log stores every instance as JSON. Serialising the parsed instance again (JSON.stringify of 30 numbers)
 * cost about as much CPU as the model itself; the body already holds that text, and finding where each element of
 * `instances` starts and ends is one pass over its characters with no number formatting. The pieces are substrings of
 * the body, so a record keeps one string alive, not the request's parsed object graph.
 *
 * The body must be JSON that JSON.parse accepted (this does not validate). When the answer could differ from what
 * JSON.parse made of it, this returns null and the caller serialises the parsed instances instead: a key written
 * with escapes (`"instanc\u0065s"`), or anything but an object at the top.
 */

const QUOTE = 34;
const BACKSLASH = 92;
const OPEN_OBJECT = 123;
const CLOSE_OBJECT = 125;
const OPEN_ARRAY = 91;
const CLOSE_ARRAY = 93;
const COMMA = 44;
const COLON = 58;

const COMPACT_OPEN = '{"instances":[';

/**
 * The text of each element of the body's top-level `instances` array (the last such key wins, as in JSON.parse).
 * `onlyKey`: the caller knows `instances` is the body's only key (the :predict schema allows no other), which makes
 * the common one-instance compact body a slice found without a pass over its characters.
 */
export function instanceTexts(body: string, o: { count?: number; onlyKey?: boolean } = {}): string[] | null {
  // `{"instances":[X]}` with one instance, `instances` written once and no escape anywhere: X is that instance.
  if (o.onlyKey && o.count === 1 && body.startsWith(COMPACT_OPEN) && body.endsWith(']}') && body.indexOf('"instances"', 2) === -1 && body.indexOf('\\') === -1) {
    return [body.slice(COMPACT_OPEN.length, body.length - 2)];
  }
  let i = skipSpace(body, 0);
  if (body.charCodeAt(i) !== OPEN_OBJECT) return null;
  i = skipSpace(body, i + 1);
  let found: string[] | null = null;
  while (i < body.length && body.charCodeAt(i) !== CLOSE_OBJECT) {
    if (body.charCodeAt(i) !== QUOTE) return null;
    const keyEnd = stringEnd(body, i);
    const key = body.slice(i + 1, keyEnd - 1);
    if (key.includes('\\')) return null;
    i = skipSpace(body, keyEnd);
    if (body.charCodeAt(i) !== COLON) return null;
    i = skipSpace(body, i + 1);
    if (key === 'instances' && body.charCodeAt(i) === OPEN_ARRAY) {
      const items: string[] = [];
      i = skipSpace(body, i + 1);
      while (i < body.length && body.charCodeAt(i) !== CLOSE_ARRAY) {
        const end = valueEnd(body, i);
        items.push(body.slice(i, end));
        i = skipSpace(body, end);
        if (body.charCodeAt(i) === COMMA) i = skipSpace(body, i + 1);
      }
      found = items;
      i = skipSpace(body, i + 1);
    } else {
      if (key === 'instances') found = null; // a later non-array value replaces an earlier array
      i = skipSpace(body, valueEnd(body, i));
    }
    if (body.charCodeAt(i) === COMMA) i = skipSpace(body, i + 1);
  }
  return found;
}

function skipSpace(s: string, i: number): number {
  for (;;) {
    const c = s.charCodeAt(i);
    if (c !== 32 && c !== 10 && c !== 13 && c !== 9) return i;
    i++;
  }
}

/** Index just past the string starting at `i` (its opening quote). */
function stringEnd(s: string, i: number): number {
  for (i++; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === BACKSLASH) i++;
    else if (c === QUOTE) return i + 1;
  }
  return s.length;
}

/** Index just past the JSON value starting at `i`. */
function valueEnd(s: string, i: number): number {
  const c = s.charCodeAt(i);
  if (c === QUOTE) return stringEnd(s, i);
  if (c === OPEN_OBJECT || c === OPEN_ARRAY) {
    let depth = 0;
    for (; i < s.length; i++) {
      const d = s.charCodeAt(i);
      if (d === QUOTE) i = stringEnd(s, i) - 1;
      else if (d === OPEN_OBJECT || d === OPEN_ARRAY) depth++;
      else if ((d === CLOSE_OBJECT || d === CLOSE_ARRAY) && --depth === 0) return i + 1;
    }
    return s.length;
  }
  // A number, true, false or null: up to the next delimiter.
  for (; i < s.length; i++) {
    const d = s.charCodeAt(i);
    if (d === COMMA || d === CLOSE_OBJECT || d === CLOSE_ARRAY || d === 32 || d === 10 || d === 13 || d === 9) return i;
  }
  return s.length;
}
