/**
 * Finds the programs Bosun runs for real: the Temporal CLI (its dev server) and MinIO. Order: an explicit
 * path from configuration, the PATH, the cached `go install` build (scripts/install-deps.sh makes it).
 */
import { accessSync, constants } from 'node:fs';
import path from 'node:path';
import { UserError } from '../errors';

/** Pinned versions, built with `go install` where missing (later Temporal CLI tags cannot be go-installed). */
export const TEMPORAL_CLI_MODULE = 'github.com/temporalio/cli/cmd/temporal@v1.5.1';
export const MINIO_MODULE = 'github.com/minio/minio@v0.0.0-20260212201848-7aac2a2c5b7c';

export type Program = 'temporal' | 'minio';

const INSTALL_HINT: Record<Program, string> = {
  temporal: `run \`npm run setup\` (it builds it with \`go install ${TEMPORAL_CLI_MODULE}\`) or set TEMPORAL_CLI_PATH`,
  minio: `run \`npm run setup\` (it builds it with \`go install ${MINIO_MODULE}\`) or set MINIO_PATH`,
};

export class MissingProgramError extends UserError {
  override name = 'MissingProgramError';
}

export function findProgram(program: Program, opts: { explicit?: string; cacheDir: string; envPath?: string }): string {
  if (opts.explicit) {
    if (!isExecutable(opts.explicit)) {
      const v = program === 'temporal' ? 'TEMPORAL_CLI_PATH' : 'MINIO_PATH';
      throw new MissingProgramError(`${v}=${opts.explicit}: not an executable file`);
    }
    return opts.explicit;
  }
  for (const dir of (opts.envPath ?? process.env.PATH ?? '').split(path.delimiter).filter(Boolean)) {
    const candidate = path.join(dir, program);
    if (isExecutable(candidate)) return candidate;
  }
  const cached = path.join(opts.cacheDir, 'bin', program);
  if (isExecutable(cached)) return cached;
  throw new MissingProgramError(`the ${program} program was not found: ${INSTALL_HINT[program]}`);
}

function isExecutable(p: string): boolean {
  try {
    accessSync(p, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}
