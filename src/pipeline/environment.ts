/**
 * What a run's result depends on besides its data, spec and seed: the runtime and the code that computed it.
 * Recorded with every run (runs.environment) so `bosun reproduce` can say which of these changed when a
 * rebuilt model does not match. Computed once per process: none of it changes while a worker runs
 * (a code change means a new worker).
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { bosunSourceHash } from './codeVersion';

export interface RunEnvironment {
  node: string;
  platform: string;
  arch: string;
  /** sha256 of package-lock.json: the exact dependency tree (null if there is none). */
  lockfileSha256: string | null;
  /** sha256 of Bosun's own step code (src/, activities/, workflows/), uncommitted edits included. */
  bosunSourceSha256: string;
  gitCommit: string | null;
  /** Uncommitted changes in the checkout (null: not a git checkout). */
  gitDirty: boolean | null;
}

const ROOT = path.resolve(import.meta.dirname, '../..');

let memo: RunEnvironment | undefined;

export function runEnvironment(): RunEnvironment {
  memo ??= {
    node: process.version,
    platform: process.platform,
    arch: process.arch,
    lockfileSha256: lockfileHash(),
    bosunSourceSha256: bosunSourceHash(),
    gitCommit: git(['rev-parse', 'HEAD']),
    gitDirty: dirty(),
  };
  return memo;
}

/** The fields two environments differ in, as `field: recorded → current` lines (empty when equal). */
export function environmentDifferences(recorded: Partial<RunEnvironment> | null, current: Partial<RunEnvironment> | null): string[] {
  if (!recorded) return ['environment: not recorded for the original run (it predates environment recording)'];
  if (!current) return ['environment: not recorded for the reproduction run'];
  const labels: [keyof RunEnvironment, string][] = [
    ['node', 'Node version'],
    ['platform', 'platform'],
    ['arch', 'CPU architecture'],
    ['lockfileSha256', 'lock file (package-lock.json sha256)'],
    ['bosunSourceSha256', 'Bosun source (sha256)'],
    ['gitCommit', 'git commit'],
  ];
  const out: string[] = [];
  for (const [k, label] of labels) {
    if ((recorded[k] ?? null) !== (current[k] ?? null)) out.push(`${label}: recorded ${recorded[k] ?? '(none)'}, now ${current[k] ?? '(none)'}`);
  }
  if (recorded.gitDirty) out.push('uncommitted changes: the original run was trained from a checkout with uncommitted changes (its git commit does not name its code)');
  if (current.gitDirty) out.push('uncommitted changes: the reproduction ran from a checkout with uncommitted changes');
  return out;
}

function lockfileHash(): string | null {
  try {
    return createHash('sha256').update(readFileSync(path.join(ROOT, 'package-lock.json'))).digest('hex');
  } catch {
    return null;
  }
}

function git(args: string[]): string | null {
  try {
    return execFileSync('git', args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'ignore'] }).toString().trim() || null;
  } catch {
    return null;
  }
}

function dirty(): boolean | null {
  const status = (() => {
    try {
      return execFileSync('git', ['status', '--porcelain'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'ignore'], maxBuffer: 64 * 1024 * 1024 }).toString();
    } catch {
      return null;
    }
  })();
  return status === null ? null : status.trim().length > 0;
}
