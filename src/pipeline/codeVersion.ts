/**
 * The hash of Bosun's own code that computes step results (src/, activities/, workflows/). It is part of
 * every step's cache key, so an upgraded Bosun never reuses a result computed by older training code,
 * whatever git says (uncommitted edits included).
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

const ROOT = path.resolve(import.meta.dirname, '../..');
const DIRS = ['src', 'activities', 'workflows'];

let cached: string | undefined;

export function bosunSourceHash(): string {
  if (cached) return cached;
  const h = createHash('sha256');
  for (const dir of DIRS) {
    for (const file of listFiles(path.join(ROOT, dir))) {
      h.update(path.relative(ROOT, file)).update('\0').update(readFileSync(file)).update('\0');
    }
  }
  cached = h.digest('hex');
  return cached;
}

function listFiles(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...listFiles(p));
    else if (/\.(ts|mts|cts|js|mjs|cjs)$/.test(e.name)) out.push(p);
  }
  return out;
}
