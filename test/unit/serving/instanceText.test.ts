import { describe, expect, it } from 'vitest';
import { instanceTexts } from '../../../src/serving/instanceText';

/** Each cut-out text must parse to exactly the instance JSON.parse made of the whole body. */
function expectSameAsParse(body: string): void {
  const texts = instanceTexts(body);
  expect(texts).not.toBeNull();
  const parsed = (JSON.parse(body) as { instances: unknown[] }).instances;
  expect(texts!.map((t) => JSON.parse(t))).toEqual(parsed);
}

describe('instanceTexts', () => {
  it('cuts each instance of a compact body out as its own text', () => {
    const body = JSON.stringify({ instances: [{ a: 1, b: 'x' }, { a: 2.5e-7, b: null }] });
    expect(instanceTexts(body)).toEqual(['{"a":1,"b":"x"}', '{"a":2.5e-7,"b":null}']);
  });

  it('agrees with JSON.parse on whitespace, nesting, and brackets, quotes and escapes inside strings', () => {
    expectSameAsParse(' {\n "instances" : [ {"a" : [1, {"b": "]}"}] } ,\t{"s": "say \\"hi\\" \\\\ [{"} , 3, "x", true, null, -0.5E+3 ] , "extra": {"instances": [9]} } ');
    expectSameAsParse('{"other": [[1], {"x": "]"}], "instances": [{}]}');
    expectSameAsParse('{"instances":[]}');
  });

  it('takes the last "instances" key, as JSON.parse does', () => {
    const body = '{"instances":[{"a":1}],"instances":[{"b":2},{"c":3}]}';
    expect(instanceTexts(body)).toEqual(['{"b":2}', '{"c":3}']);
    expectSameAsParse(body);
  });

  it('gives up (null) where its reading could differ from JSON.parse: an escaped key, no object at the top, no instances', () => {
    expect(instanceTexts('{"instanc\\u0065s":[{"a":1}]}')).toBeNull();
    expect(instanceTexts('[{"instances":[1]}]')).toBeNull();
    expect(instanceTexts('{"rows":[{"a":1}]}')).toBeNull();
    expect(instanceTexts('{"instances":[{"a":1}],"instances":5}')).toBeNull();
  });

  it('with `instances` the only key, slices a compact one-instance body directly, and scans when escapes or a second key could mislead', () => {
    const one = (body: string) => instanceTexts(body, { count: 1, onlyKey: true });
    expect(one('{"instances":[{"a":1,"b":"x"}]}')).toEqual(['{"a":1,"b":"x"}']);
    // A duplicate key written with an escape: JSON.parse keeps the last, and so must this.
    const tricky = '{"instances":[{"a":1}],"instanc\\u0065s":[{"b":2}]}';
    expect(JSON.parse(tricky).instances).toEqual([{ b: 2 }]);
    expect(one(tricky)).toBeNull(); // the escaped key makes it give up: the caller serialises the parsed instance
    expect(one('{"instances":[{"a":1}],"instances":[{"b":2}]}')).toEqual(['{"b":2}']);
    expect(one('{"instances":[{"s":"say \\"hi\\""}]}')!.map((t) => JSON.parse(t))).toEqual([{ s: 'say "hi"' }]);
  });

  it('agrees with JSON.parse on generated bodies', () => {
    let seed = 7;
    const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const value = (depth: number): unknown => {
      const r = rand();
      if (depth > 2 || r < 0.3) return Math.round((rand() - 0.5) * 1e6) / 1e3;
      if (r < 0.45) return ['', ']', '}', '"', '\\', '{"a":[', 'é\u2028\n\t'][Math.floor(rand() * 7)];
      if (r < 0.55) return [true, false, null][Math.floor(rand() * 3)];
      if (r < 0.75) return Array.from({ length: Math.floor(rand() * 4) }, () => value(depth + 1));
      return Object.fromEntries(Array.from({ length: Math.floor(rand() * 4) }, (_, i) => ['k' + i + ']"', value(depth + 1)]));
    };
    for (let n = 0; n < 200; n++) {
      const instances = Array.from({ length: 1 + Math.floor(rand() * 4) }, () => value(0));
      const indent = rand() < 0.5 ? undefined : 2;
      expectSameAsParse(JSON.stringify({ before: value(1), instances, after: value(1) }, null, indent));
    }
  });
});
