/** The real MinIO server, for the S3 artifact store (tests, CI and `bosun dev --minio`). */
import { exitOf, spawnService, stopProcess, type Service } from './process';

export interface MinioOptions {
  binary: string;
  dataDir: string;
  port: number;
  consolePort: number;
  accessKey: string;
  secretKey: string;
  logFile: string;
}

export interface MinioService extends Service {
  endpoint: string;
  pid: number;
  /** Resolves with how the server ended, whether stopped or killed. */
  exited: Promise<string>;
}

export async function startMinio(o: MinioOptions): Promise<MinioService> {
  const endpoint = `http://127.0.0.1:${o.port}`;
  const child = await spawnService({
    name: 'MinIO',
    command: o.binary,
    args: ['server', o.dataDir, '--address', `127.0.0.1:${o.port}`, '--console-address', `127.0.0.1:${o.consolePort}`, '--quiet'],
    env: { MINIO_ROOT_USER: o.accessKey, MINIO_ROOT_PASSWORD: o.secretKey, MINIO_BROWSER: 'off' },
    logFile: o.logFile,
    ready: async () => (await fetch(`${endpoint}/minio/health/ready`)).ok,
    timeoutMs: 60_000,
  });
  return { name: 'minio', endpoint, url: endpoint, pid: child.pid!, exited: exitOf(child), stop: () => stopProcess(child) };
}
