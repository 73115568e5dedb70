/**
 * The Python references of `npm run bench` (scikit-learn, SciPy, DuckDB, FastAPI): a venv the bench makes
 * under the cache directory (BOSUN_CACHE_DIR, default ~/.cache/bosun), never a runtime dependency of
 * Bosun. Created on first use and reused; a package list change installs only what is missing.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export const BENCH_PACKAGES = ['numpy', 'scipy', 'scikit-learn', 'duckdb', 'fastapi', 'uvicorn', 'pyarrow'];

/** Returns the venv's python, creating the venv and installing `packages` if needed; null (with why) if Python is missing. */
export function benchPython(packages: string[] = BENCH_PACKAGES): { python: string } | { python: null; why: string } {
  const cache = process.env.BOSUN_CACHE_DIR ?? path.join(os.homedir(), '.cache', 'bosun');
  const venv = path.join(cache, 'venv-bench');
  const python = path.join(venv, 'bin', 'python');
  const stamp = path.join(venv, '.bosun-packages');
  const want = [...packages].sort().join('\n');
  if (existsSync(python) && existsSync(stamp) && readFileSync(stamp, 'utf8') === want) return { python };
  const system = process.env.BOSUN_PYTHON ?? 'python3';
  if (spawnSync(system, ['--version']).status !== 0) return { python: null, why: `${system} not found (set BOSUN_PYTHON)` };
  try {
    if (!existsSync(python)) execFileSync(system, ['-m', 'venv', venv], { stdio: 'inherit' });
    console.error(`[bench] installing ${packages.join(', ')} into ${venv} (first run only)`);
    execFileSync(python, ['-m', 'pip', 'install', '--quiet', '--disable-pip-version-check', ...packages], { stdio: 'inherit' });
    writeFileSync(stamp, want);
    return { python };
  } catch (err) {
    return { python: null, why: `could not set up ${venv}: ${(err as Error).message.split('\n')[0]}` };
  }
}
