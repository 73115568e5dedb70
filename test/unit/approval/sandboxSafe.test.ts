import { readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import path from 'node:path';
import { bundleWorkflowCode } from '@temporalio/worker';
import { describe, expect, it } from 'vitest';

const SRC = path.resolve(import.meta.dirname, '../../../src/approval');
const imports = (file: string) => [...readFileSync(path.join(SRC, file), 'utf8').matchAll(/^\s*(?:import|export)\b[^'"]*?from\s+['"]([^'"]+)['"]/gm)].map((m) => m[1]);
const isNodeBuiltin = (spec: string) => spec.startsWith('node:') || builtinModules.includes(spec.split('/')[0]);

describe('the token verifier can run inside the Temporal workflow sandbox', () => {
  it('imports only pure libraries and pure Bosun modules (no node: module, nothing of the CLI signing side)', () => {
    const seen = new Set<string>();
    const walk = (file: string) => {
      if (seen.has(file)) return;
      seen.add(file);
      for (const spec of imports(file)) {
        expect(isNodeBuiltin(spec), `${file} imports ${spec}`).toBe(false);
        if (spec.startsWith('./')) walk(`${spec.slice(2)}.ts`);
        else expect(['@noble/curves/ed25519.js', '@scure/base'], `${file} imports ${spec}`).toContain(spec);
      }
    };
    walk('identity.ts');
    expect([...seen].sort()).toEqual(['decisionPayload.ts', 'identity.ts']);
    // The regexp sees the imports: the signing module's own import of node:crypto is found.
    expect(imports('sign.ts')).toContain('node:crypto');
  });

  it('bundles with webpack under Temporal’s disallowed-module check', async () => {
    const logs: string[] = [];
    const log = (m: string) => logs.push(m);
    const bundle = await bundleWorkflowCode({
      workflowsPath: path.resolve(import.meta.dirname, 'fixtures/verifyWorkflow.ts'),
      logger: { trace: () => {}, debug: () => {}, info: () => {}, log, warn: log, error: log },
    });
    expect(logs).toEqual([]);
    expect(bundle.code).toContain('verifyTokenWorkflow');
    // The ed25519 code itself is in the bundle, not a reference to Node's crypto.
    expect(bundle.code).toMatch(/ed25519/);
    expect(bundle.code).not.toMatch(/require\(["'](node:)?crypto["']\)/);
  }, 120_000);

  it('the same check refuses a workflow that imports the signing side (node:crypto)', async () => {
    const errors: string[] = [];
    const logger = { trace: () => {}, debug: () => {}, info: () => {}, log: () => {}, warn: () => {}, error: (m: string) => errors.push(m) };
    await expect(bundleWorkflowCode({ workflowsPath: path.resolve(import.meta.dirname, 'fixtures/signInWorkflow.ts'), logger })).rejects.toThrow(/Webpack finished with errors/);
    expect(errors.join('\n')).toMatch(/crypto/);
  }, 120_000);
});
