import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

// Pipeline files are loaded the way `bosun` loads them: in a Node process with tsx (bin/bosun.mjs), so the
// errors are the ones a user sees, not the test runner's own module loader's.
const repo = path.resolve(import.meta.dirname, '../../..');
const run = promisify(execFile);
const tsxLoader = pathToFileURL(path.join(repo, 'node_modules/tsx/dist/loader.mjs')).href;
const dir = mkdtempSync(path.join(os.tmpdir(), 'bosun-pipefile-'));
writeFileSync(path.join(dir, 'package.json'), '{"type":"module"}');
const spec = `{ name: 'p', source: 'data.csv', target: 'y', model: { algorithm: 'gbdt' } }`;
const files: Record<string, string> = {
  'syntax.ts': `import { definePipeline } from '${repo}/src/pipeline/spec';\n\nexport default definePipeline({\n  name: 'p' +,\n});\n`,
  'throws.ts': `const config = () => {\n  throw new Error('cannot read credentials.json');\n};\nconfig();\nexport default ${spec};\n`,
  'rejects.ts': `\nPromise.reject(new Error('lookup failed'));\nexport default ${spec};\n`,
  'helper.ts': `export function load(): never {\n  throw new TypeError('bad helper');\n}\n`,
  'viaHelper.ts': `import { load } from './helper';\n\nexport default load();\n`,
  'hangs.ts': `await new Promise(() => {});\nexport default ${spec};\n`,
  // Late enough that loading (and uploading data.csv) is done: the rejection comes after the import succeeded.
  'later.ts': `setTimeout(() => {\n  void Promise.reject(new Error('too late'));\n}, 1000);\nexport default ${spec};\n`,
  'dirSource.ts': `export default { name: 'p', source: './datadir', target: 'y', model: { algorithm: 'gbdt' } };\n`,
  'noExport.ts': `export const x = 1;\n`,
  'bad.json': `{\n  "name": "p",,\n}\n`,
};
for (const [name, text] of Object.entries(files)) writeFileSync(path.join(dir, name), text);
mkdirSync(path.join(dir, 'datadir'));
writeFileSync(path.join(dir, 'data.csv'), 'x,y\n1,a\n2,b\n');

/** Loads each file in one child process and returns { file: error message | 'ok' }. */
async function load(names: string[], env: Record<string, string> = {}): Promise<{ results: Record<string, string>; stdout: string; stderr: string; code: number }> {
  const script = `
    import { readPipelineFile, prepareSpec } from '${repo}/src/pipeline/loadPipeline.ts';
    import { isUserError } from '${repo}/src/errors.ts';
    import { reportUncaught } from '${repo}/src/cli/output.ts';
    import { FsArtifactStore } from '${repo}/src/storage/fsStore.ts';
    // As the CLI does (workers/cli.ts): what nobody awaited ends the command through reportError.
    reportUncaught();
    const store = new FsArtifactStore('.artifacts');
    const out = {};
    for (const f of ${JSON.stringify(names)}) {
      try {
        const raw = await readPipelineFile(f);
        await prepareSpec(raw, { baseDir: '.', store });
        out[f] = 'ok';
      } catch (e) {
        out[f] = (isUserError(e) ? 'UserError' : 'unexpected ' + e.name) + ': ' + e.message;
      }
    }
    console.log(JSON.stringify(out));
    await new Promise((r) => setTimeout(r, 2000));`;
  try {
    const { stdout, stderr } = await run(process.execPath, ['--import', tsxLoader, '--input-type=module', '-e', script], { cwd: dir, env: { ...process.env, ...env }, timeout: 60_000 });
    return { results: JSON.parse(stdout.trim().split('\n')[0]), stdout, stderr, code: 0 };
  } catch (err) {
    const e = err as { stdout: string; stderr: string; code: number };
    const first = e.stdout.trim().split('\n')[0];
    if (!first && e.code !== 1) throw new Error(`the loader process failed: ${e.stderr}`);
    return { results: first ? JSON.parse(first) : {}, stdout: e.stdout, stderr: e.stderr, code: e.code };
  }
}

describe('pipeline files that cannot load say so in one line, with file:line', () => {
  it('syntax errors, throws at import, unhandled rejections, bad JSON, a directory source, no export', async () => {
    const { results } = await load(['syntax.ts', 'throws.ts', 'rejects.ts', 'viaHelper.ts', 'bad.json', 'dirSource.ts', 'noExport.ts', 'datadir', 'missing.ts']);
    // The CLI prints a UserError (PipelineFileError, LocalDataError) as one line: "bosun: <message>".
    for (const message of Object.values(results)) {
      expect(message).toMatch(/^UserError: /);
      expect(message).not.toContain('\n');
    }
    expect(results['syntax.ts']).toMatch(/^UserError: syntax\.ts:4:\d+: syntax error: Unexpected ","$/);
    expect(results['throws.ts']).toBe('UserError: throws.ts:2: failed while importing: cannot read credentials.json');
    expect(results['rejects.ts']).toBe('UserError: rejects.ts:2: a promise it created was rejected and never handled: lookup failed');
    expect(results['viaHelper.ts']).toBe('UserError: viaHelper.ts:3: failed while importing: TypeError: bad helper');
    expect(results['bad.json']).toMatch(/^UserError: bad\.json:2: invalid JSON: /);
    expect(results['dirSource.ts']).toMatch(/^UserError: source: .*datadir is a directory; name one data file in it/);
    expect(results['noExport.ts']).toMatch(/must export its pipeline/);
    expect(results['datadir']).toMatch(/pipeline file datadir is a directory/);
    expect(results['missing.ts']).toMatch(/pipeline file missing\.ts not found/);
  });

  it('an import that never finishes is bounded by BOSUN_PIPELINE_IMPORT_TIMEOUT', async () => {
    const { results } = await load(['hangs.ts'], { BOSUN_PIPELINE_IMPORT_TIMEOUT: '1' });
    expect(results['hangs.ts']).toMatch(/^UserError: hangs\.ts: still importing after 1 s .*raise BOSUN_PIPELINE_IMPORT_TIMEOUT/);
    const bad = await load(['hangs.ts'], { BOSUN_PIPELINE_IMPORT_TIMEOUT: 'soon' });
    expect(bad.results['hangs.ts']).toMatch(/BOSUN_PIPELINE_IMPORT_TIMEOUT="soon": expected a number of seconds/);
  });

  it('a rejection the file leaves for later ends the command with one line, not a stack', async () => {
    const { results, stderr, code } = await load(['later.ts']);
    expect(results['later.ts']).toBe('ok');
    expect(code).toBe(1);
    expect(stderr.trim()).toBe('bosun: later.ts:2: a promise it created was rejected and never handled: too late');
  });
});
