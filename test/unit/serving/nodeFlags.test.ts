import { describe, expect, it } from 'vitest';
import { DEFAULT_SERVE_NODE_FLAGS, missingNodeFlags, serveNodeFlags } from '../../../src/serving/nodeFlags';

describe('the Node flags bosun serve runs with', () => {
  it('defaults to the measured list, and BOSUN_SERVE_NODE_FLAGS replaces it', () => {
    expect(serveNodeFlags({})).toEqual([...DEFAULT_SERVE_NODE_FLAGS]);
    expect(serveNodeFlags({ BOSUN_SERVE_NODE_FLAGS: '' })).toEqual([...DEFAULT_SERVE_NODE_FLAGS]);
    expect(serveNodeFlags({ BOSUN_SERVE_NODE_FLAGS: 'none' })).toEqual([]);
    expect(serveNodeFlags({ BOSUN_SERVE_NODE_FLAGS: '  --max-semi-space-size=32   --trace_gc ' })).toEqual(['--max-semi-space-size=32', '--trace_gc']);
  });

  it('refuses what is not a flag (the config loader then names the variable)', () => {
    for (const bad of ['-x', 'max-semi-space-size=32', '--a=b=c', '--', '--x; rm -rf /', '--ok none']) expect(serveNodeFlags({ BOSUN_SERVE_NODE_FLAGS: bad }), bad).toBeNull();
  });

  it('counts a flag as given by its name, whatever its value or spelling with _ or -', () => {
    expect(missingNodeFlags([], ['--single-threaded-gc'])).toEqual(['--single-threaded-gc']);
    expect(missingNodeFlags(['--single_threaded_gc'], ['--single-threaded-gc'])).toEqual([]);
    expect(missingNodeFlags(['--max-semi-space-size=128'], ['--max-semi-space-size=64', '--single-threaded-gc'])).toEqual(['--single-threaded-gc']);
    expect(missingNodeFlags(['--import', 'tsx'], ['--single-threaded-gc'])).toEqual(['--single-threaded-gc']);
  });
});
