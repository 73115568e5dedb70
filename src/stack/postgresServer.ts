/**
 * A throwaway PostgreSQL cluster from Debian's packages (initdb + postgres), for the test suite on a
 * machine where no server was given. Production and CI point DATABASE_URL at a managed server instead.
 */
import { execFileSync } from 'node:child_process';
import { chownSync, existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { spawnService, stopProcess, type Service } from './process';

export interface PostgresOptions {
  dataDir: string;
  port: number;
  logFile: string;
}

export interface PostgresService extends Service {
  databaseUrl: string;
  /** The postmaster's pid (not runuser's, when we run it as the postgres user), from postmaster.pid. */
  postmasterPid(): number;
}

export function findPostgresBin(): string {
  const root = '/usr/lib/postgresql';
  if (existsSync(root)) {
    const versions = readdirSync(root)
      .filter((v) => existsSync(path.join(root, v, 'bin', 'postgres')))
      .sort((a, b) => Number(b) - Number(a));
    if (versions.length) return path.join(root, versions[0], 'bin');
  }
  throw new Error('PostgreSQL server binaries not found under /usr/lib/postgresql: `apt-get install postgresql` (npm run setup does)');
}

export async function startPostgres(o: PostgresOptions): Promise<PostgresService> {
  const bin = findPostgresBin();
  // PostgreSQL refuses to run as root; run it as the `postgres` user the Debian package creates.
  const asRoot = process.getuid?.() === 0;
  const wrap = (cmd: string, args: string[]): [string, string[]] => (asRoot ? ['runuser', ['-u', 'postgres', '--', cmd, ...args]] : [cmd, args]);
  mkdirSync(o.dataDir, { recursive: true });
  const socketDir = path.join(o.dataDir, 'sock');
  if (asRoot) {
    const uid = Number(execFileSync('id', ['-u', 'postgres']).toString().trim());
    const gid = Number(execFileSync('id', ['-g', 'postgres']).toString().trim());
    chownSync(o.dataDir, uid, gid);
  }
  const pgdata = path.join(o.dataDir, 'data');
  if (!existsSync(path.join(pgdata, 'PG_VERSION'))) {
    const [cmd, args] = wrap(path.join(bin, 'initdb'), ['-D', pgdata, '-U', 'postgres', '-A', 'trust', '--no-sync', '-E', 'UTF8']);
    execFileSync(cmd, args, { stdio: 'ignore' });
  }
  mkdirSync(socketDir, { recursive: true });
  if (asRoot) execFileSync('chown', ['postgres', socketDir]);
  const [cmd, args] = wrap(path.join(bin, 'postgres'), [
    '-D', pgdata, '-p', String(o.port), '-h', '127.0.0.1', '-k', socketDir, '-c', 'fsync=off', '-c', 'max_connections=200',
  ]);
  const databaseUrl = `postgres://postgres@127.0.0.1:${o.port}/postgres`;
  const child = await spawnService({
    name: 'PostgreSQL',
    command: cmd,
    args,
    logFile: o.logFile,
    ready: async () => {
      execFileSync(path.join(bin, 'pg_isready'), ['-h', '127.0.0.1', '-p', String(o.port)], { stdio: 'ignore' });
      return true;
    },
  });
  return {
    name: 'postgres',
    url: databaseUrl,
    databaseUrl,
    postmasterPid: () => Number(readFileSync(path.join(pgdata, 'postmaster.pid'), 'utf8').split('\n')[0]),
    stop: () => stopProcess(child),
  };
}
