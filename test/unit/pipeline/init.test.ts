import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { initCommand } from '../../../src/cli/init';

const dir = mkdtempSync(path.join(os.tmpdir(), 'bosun-init-'));
function csv(name: string, rows: string[]): string {
  const p = path.join(dir, name);
  writeFileSync(p, ['x,z,label', ...rows].join('\n') + '\n');
  return p;
}
async function init(from: string, target = 'label'): Promise<{ out: string; warnings: string[] }> {
  const warnings: string[] = [];
  const out = await initCommand({ from, target, out: path.join(dir, `${path.basename(from)}.ts`), force: true }, (m) => warnings.push(m));
  return { out, warnings };
}

describe('bosun init warns when the test split is too small for the primary metric', () => {
  it('a rare class that would be (almost) absent from the test split', async () => {
    // 3 "yes" rows in 40: the stratified 25% test split holds 1 at most, so ROC-AUC is noise or undefined.
    const rows = Array.from({ length: 40 }, (_, i) => `${i},${i % 7},${i < 3 ? 'cat' : 'dog'}`);
    const { out, warnings } = await init(csv('rare.csv', rows));
    expect(readFileSync(out, 'utf8')).toContain("primaryMetric: 'roc_auc'");
    expect(warnings).toEqual([expect.stringMatching(/^the test split \(25% of 40 rows\) would hold only 1 of class "cat": fewer than 5 rows of a class make roc_auc unreliable.*raise split\.testSize/)]);
  });

  it('a tiny regression file', async () => {
    const rows = Array.from({ length: 8 }, (_, i) => `${i},${i % 3},${i * 1.5}`);
    const { warnings } = await init(csv('tiny.csv', rows));
    expect(warnings).toEqual([expect.stringMatching(/^the test split would hold only 2 of 8 rows: too few to measure rmse reliably/)]);
  });

  it('says nothing when every class has enough test rows', async () => {
    const rows = Array.from({ length: 80 }, (_, i) => `${i},${i % 5},${i % 2 ? 'cat' : 'dog'}`);
    expect((await init(csv('fine.csv', rows))).warnings).toEqual([]);
  });
});

describe('bosun init names the pipeline so that bosun run accepts it', () => {
  const rows = Array.from({ length: 80 }, (_, i) => `${i},${i % 5},${i % 2 ? 'cat' : 'dog'}`);
  it('derives a valid name from a file name with underscores', async () => {
    const from = csv('My_Data_2024.csv', rows);
    const out = await initCommand({ from, target: 'label', force: true, out: path.join(dir, 'derived.ts') }, () => {});
    expect(readFileSync(out, 'utf8')).toContain("name: 'my-data-2024'");
  });
  it('refuses --name my_pipe with the fix, and accepts --name my-pipe', async () => {
    const from = csv('named.csv', rows);
    await expect(initCommand({ from, target: 'label', name: 'my_pipe', out: path.join(dir, 'bad.ts') }, () => {})).rejects.toThrow(
      '--name "my_pipe": a pipeline name uses lowercase letters, digits and dashes and starts with a letter; try --name my-pipe',
    );
    const out = await initCommand({ from, target: 'label', name: 'my-pipe', force: true, out: path.join(dir, 'good.ts') }, () => {});
    expect(readFileSync(out, 'utf8')).toContain("name: 'my-pipe'");
  });
});
